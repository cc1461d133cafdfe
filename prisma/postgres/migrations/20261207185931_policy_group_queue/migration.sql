-- CreateIndex
CREATE INDEX "Participant_policyGroup_pendingSeq_idx" ON "Participant"("policyGroup", "pendingSeq");
