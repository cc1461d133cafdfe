-- AlterTable
ALTER TABLE "Participant" ADD COLUMN     "maxGranted" INTEGER,
ADD COLUMN     "policyGroup" TEXT;

-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "policyHeld" TEXT,
ADD COLUMN     "policyVersion" INTEGER;

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "version" INTEGER NOT NULL,
    "definition" TEXT NOT NULL,
    "savedBy" TEXT NOT NULL,
    "savedAt" TIMESTAMP(3) NOT NULL,
    "restores" INTEGER,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("version")
);
