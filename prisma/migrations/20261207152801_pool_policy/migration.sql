-- AlterTable
ALTER TABLE "Participant" ADD COLUMN "maxGranted" INTEGER;
ALTER TABLE "Participant" ADD COLUMN "policyGroup" TEXT;

-- AlterTable
ALTER TABLE "Server" ADD COLUMN "policyHeld" TEXT;
ALTER TABLE "Server" ADD COLUMN "policyVersion" INTEGER;

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "version" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "definition" TEXT NOT NULL,
    "savedBy" TEXT NOT NULL,
    "savedAt" DATETIME NOT NULL,
    "restores" INTEGER
);
