-- CreateTable
CREATE TABLE "AdminAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "passwordChangedAt" DATETIME NOT NULL,
    "lastLoginAt" DATETIME
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "AdminSession_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "AdminAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UsageSample" (
    "at" DATETIME NOT NULL PRIMARY KEY,
    "poolSize" INTEGER NOT NULL,
    "granted" INTEGER NOT NULL,
    "pending" INTEGER NOT NULL,
    "inUse" INTEGER NOT NULL,
    "participants" INTEGER NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "AdminAccount_name_key" ON "AdminAccount"("name");

-- CreateIndex
CREATE INDEX "AdminAccount_role_idx" ON "AdminAccount"("role");

-- CreateIndex
CREATE INDEX "AdminSession_accountId_idx" ON "AdminSession"("accountId");

-- CreateIndex
CREATE INDEX "AdminSession_expiresAt_idx" ON "AdminSession"("expiresAt");

-- CreateIndex
CREATE INDEX "Participant_approved_lastSeenAt_idx" ON "Participant"("approved", "lastSeenAt");

-- CreateIndex
CREATE INDEX "Participant_hostname_idx" ON "Participant"("hostname");

-- CreateIndex
CREATE INDEX "Participant_model_idx" ON "Participant"("model");
