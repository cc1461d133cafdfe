-- CreateTable
CREATE TABLE "Outage" (
    "id" TEXT NOT NULL,
    "judgedDownAt" TIMESTAMP(3),
    "lastSyncAt" TIMESTAMP(3),
    "failedSyncs" TEXT NOT NULL,
    "firstServedAt" TIMESTAMP(3) NOT NULL,
    "handedBackAt" TIMESTAMP(3) NOT NULL,
    "events" TEXT NOT NULL,
    "eventCounts" TEXT NOT NULL,
    "changes" TEXT NOT NULL,
    "reconciled" TEXT NOT NULL,

    CONSTRAINT "Outage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Outage_handedBackAt_idx" ON "Outage"("handedBackAt");
