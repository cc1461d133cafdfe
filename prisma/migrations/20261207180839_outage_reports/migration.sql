-- CreateTable
CREATE TABLE "Outage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "judgedDownAt" DATETIME,
    "lastSyncAt" DATETIME,
    "failedSyncs" TEXT NOT NULL,
    "firstServedAt" DATETIME NOT NULL,
    "handedBackAt" DATETIME NOT NULL,
    "events" TEXT NOT NULL,
    "eventCounts" TEXT NOT NULL,
    "changes" TEXT NOT NULL,
    "reconciled" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "Outage_handedBackAt_idx" ON "Outage"("handedBackAt");
