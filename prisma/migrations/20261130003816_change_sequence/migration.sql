-- CreateTable
CREATE TABLE "RemovedParticipant" (
    "participantId" TEXT NOT NULL PRIMARY KEY,
    "serial" TEXT NOT NULL,
    "changeSeq" BIGINT NOT NULL,
    "removedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Participant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "serial" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "platformLimit" INTEGER NOT NULL,
    "localLimit" INTEGER NOT NULL,
    "haPeerSerial" TEXT,
    "approved" BOOLEAN NOT NULL DEFAULT true,
    "tokenHash" TEXT,
    "granted" INTEGER NOT NULL DEFAULT 0,
    "pending" INTEGER NOT NULL DEFAULT 0,
    "pendingSeq" INTEGER,
    "inUse" INTEGER NOT NULL DEFAULT 0,
    "highWater" INTEGER NOT NULL DEFAULT 0,
    "registeredAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "reclaimedAt" DATETIME,
    "changeSeq" BIGINT NOT NULL DEFAULT 0
);
INSERT INTO "new_Participant" ("approved", "granted", "haPeerSerial", "highWater", "hostname", "id", "inUse", "lastSeenAt", "localLimit", "model", "pending", "pendingSeq", "platformLimit", "reclaimedAt", "registeredAt", "serial", "tokenHash") SELECT "approved", "granted", "haPeerSerial", "highWater", "hostname", "id", "inUse", "lastSeenAt", "localLimit", "model", "pending", "pendingSeq", "platformLimit", "reclaimedAt", "registeredAt", "serial", "tokenHash" FROM "Participant";
DROP TABLE "Participant";
ALTER TABLE "new_Participant" RENAME TO "Participant";
CREATE UNIQUE INDEX "Participant_serial_key" ON "Participant"("serial");
CREATE UNIQUE INDEX "Participant_tokenHash_key" ON "Participant"("tokenHash");
CREATE INDEX "Participant_pendingSeq_idx" ON "Participant"("pendingSeq");
CREATE INDEX "Participant_lastSeenAt_idx" ON "Participant"("lastSeenAt");
CREATE INDEX "Participant_approved_lastSeenAt_idx" ON "Participant"("approved", "lastSeenAt");
CREATE INDEX "Participant_hostname_idx" ON "Participant"("hostname");
CREATE INDEX "Participant_model_idx" ON "Participant"("model");
CREATE INDEX "Participant_changeSeq_idx" ON "Participant"("changeSeq");
CREATE TABLE "new_Server" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "lockVersion" BIGINT NOT NULL DEFAULT 0,
    "poolSize" INTEGER NOT NULL,
    "grantedTotal" INTEGER NOT NULL DEFAULT 0,
    "pendingTotal" INTEGER NOT NULL DEFAULT 0,
    "pendingSeq" INTEGER NOT NULL DEFAULT 0,
    "secretHash" TEXT,
    "secretChangedAt" DATETIME,
    "refreshIntervalSec" INTEGER NOT NULL DEFAULT 30,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "approvalRequired" BOOLEAN NOT NULL DEFAULT false,
    "alertThresholdPct" INTEGER NOT NULL DEFAULT 90,
    "backupAddress" TEXT,
    "backupSerial" TEXT,
    "backupPeerSerial" TEXT,
    "backupLastSyncAt" DATETIME,
    "backupRemainingMs" REAL,
    "backupActive" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Server" ("alertThresholdPct", "approvalRequired", "backupActive", "backupAddress", "backupLastSyncAt", "backupPeerSerial", "backupRemainingMs", "backupSerial", "createdAt", "enabled", "grantedTotal", "id", "lockVersion", "pendingSeq", "pendingTotal", "poolSize", "refreshIntervalSec", "secretChangedAt", "secretHash", "updatedAt") SELECT "alertThresholdPct", "approvalRequired", "backupActive", "backupAddress", "backupLastSyncAt", "backupPeerSerial", "backupRemainingMs", "backupSerial", "createdAt", "enabled", "grantedTotal", "id", "lockVersion", "pendingSeq", "pendingTotal", "poolSize", "refreshIntervalSec", "secretChangedAt", "secretHash", "updatedAt" FROM "Server";
DROP TABLE "Server";
ALTER TABLE "new_Server" RENAME TO "Server";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RemovedParticipant_changeSeq_idx" ON "RemovedParticipant"("changeSeq");
