-- AlterTable
ALTER TABLE "Participant" ADD COLUMN     "changeSeq" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Server" ALTER COLUMN "lockVersion" SET DATA TYPE BIGINT;

-- CreateTable
CREATE TABLE "RemovedParticipant" (
    "participantId" TEXT NOT NULL,
    "serial" TEXT NOT NULL,
    "changeSeq" BIGINT NOT NULL,
    "removedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RemovedParticipant_pkey" PRIMARY KEY ("participantId")
);

-- CreateIndex
CREATE INDEX "RemovedParticipant_changeSeq_idx" ON "RemovedParticipant"("changeSeq");

-- CreateIndex
CREATE INDEX "Participant_changeSeq_idx" ON "Participant"("changeSeq");
