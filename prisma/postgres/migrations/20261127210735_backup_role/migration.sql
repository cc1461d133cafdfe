-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "backupActive" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "backupLastSyncAt" TIMESTAMP(3),
ADD COLUMN     "backupRemainingMs" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "BackupRole" (
    "id" INTEGER NOT NULL,
    "mainUrl" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "lastSyncAt" TIMESTAMP(3),
    "failedSyncs" INTEGER NOT NULL DEFAULT 0,
    "remainingMs" DOUBLE PRECISION NOT NULL,
    "activeSince" TIMESTAMP(3),
    "accountedAt" TIMESTAMP(3) NOT NULL,
    "raisedAlerts" TEXT NOT NULL DEFAULT '',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BackupRole_pkey" PRIMARY KEY ("id")
);
