-- CreateTable
CREATE TABLE "AdminAccount" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "passwordChangedAt" TIMESTAMP(3) NOT NULL,
    "lastLoginAt" TIMESTAMP(3),

    CONSTRAINT "AdminAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "tokenHash" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdminSession_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "UsageSample" (
    "at" TIMESTAMP(3) NOT NULL,
    "poolSize" INTEGER NOT NULL,
    "granted" INTEGER NOT NULL,
    "pending" INTEGER NOT NULL,
    "inUse" INTEGER NOT NULL,
    "participants" INTEGER NOT NULL,

    CONSTRAINT "UsageSample_pkey" PRIMARY KEY ("at")
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

-- AddForeignKey
ALTER TABLE "AdminSession" ADD CONSTRAINT "AdminSession_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "AdminAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
