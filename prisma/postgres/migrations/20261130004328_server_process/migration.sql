-- CreateTable
CREATE TABLE "ServerProcess" (
    "serverId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "heartbeatAt" TIMESTAMP(3) NOT NULL,
    "stoppedAt" TIMESTAMP(3),

    CONSTRAINT "ServerProcess_pkey" PRIMARY KEY ("serverId")
);
