-- AlterTable
ALTER TABLE "Participant" ADD COLUMN "lateAlert" TEXT;

-- CreateIndex
CREATE INDEX "Participant_lateAlert_idx" ON "Participant"("lateAlert");
