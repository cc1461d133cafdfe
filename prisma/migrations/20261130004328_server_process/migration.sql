-- CreateTable
CREATE TABLE "ServerProcess" (
    "serverId" TEXT NOT NULL PRIMARY KEY,
    "startedAt" DATETIME NOT NULL,
    "heartbeatAt" DATETIME NOT NULL,
    "stoppedAt" DATETIME
);
