-- CreateTable
CREATE TABLE "Server" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Participant" (
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
    "reclaimedAt" DATETIME
);

-- CreateTable
CREATE TABLE "AppliedRequest" (
    "participantId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("participantId", "requestId"),
    CONSTRAINT "AppliedRequest_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "type" TEXT NOT NULL,
    "participantId" TEXT,
    "serial" TEXT,
    "grantedDelta" INTEGER NOT NULL DEFAULT 0,
    "pendingDelta" INTEGER NOT NULL DEFAULT 0,
    "grantedAfter" INTEGER,
    "pendingAfter" INTEGER,
    "actor" TEXT NOT NULL,
    "detail" TEXT
);

-- CreateTable
CREATE TABLE "ServerCounter" (
    "serverId" TEXT NOT NULL,
    "messageType" TEXT NOT NULL,
    "received" INTEGER NOT NULL DEFAULT 0,
    "answered" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("serverId", "messageType")
);

-- CreateTable
CREATE TABLE "ParticipantCounter" (
    "participantId" TEXT NOT NULL,
    "messageType" TEXT NOT NULL,
    "received" INTEGER NOT NULL DEFAULT 0,
    "answered" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("participantId", "messageType"),
    CONSTRAINT "ParticipantCounter_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Participant_serial_key" ON "Participant"("serial");

-- CreateIndex
CREATE UNIQUE INDEX "Participant_tokenHash_key" ON "Participant"("tokenHash");

-- CreateIndex
CREATE INDEX "Participant_pendingSeq_idx" ON "Participant"("pendingSeq");

-- CreateIndex
CREATE INDEX "Participant_lastSeenAt_idx" ON "Participant"("lastSeenAt");

-- CreateIndex
CREATE INDEX "AppliedRequest_createdAt_idx" ON "AppliedRequest"("createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_serial_at_idx" ON "AuditEvent"("serial", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_type_at_idx" ON "AuditEvent"("type", "at");
