-- CreateTable
CREATE TABLE "BackupRole" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "mainUrl" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "lastSyncAt" DATETIME,
    "failedSyncs" INTEGER NOT NULL DEFAULT 0,
    "remainingMs" REAL NOT NULL,
    "activeSince" DATETIME,
    "accountedAt" DATETIME NOT NULL,
    "raisedAlerts" TEXT NOT NULL DEFAULT '',
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Server" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "lockVersion" INTEGER NOT NULL DEFAULT 0,
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
INSERT INTO "new_Server" ("alertThresholdPct", "approvalRequired", "backupAddress", "backupPeerSerial", "backupSerial", "createdAt", "enabled", "grantedTotal", "id", "lockVersion", "pendingSeq", "pendingTotal", "poolSize", "refreshIntervalSec", "secretChangedAt", "secretHash", "updatedAt") SELECT "alertThresholdPct", "approvalRequired", "backupAddress", "backupPeerSerial", "backupSerial", "createdAt", "enabled", "grantedTotal", "id", "lockVersion", "pendingSeq", "pendingTotal", "poolSize", "refreshIntervalSec", "secretChangedAt", "secretHash", "updatedAt" FROM "Server";
DROP TABLE "Server";
ALTER TABLE "new_Server" RENAME TO "Server";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
