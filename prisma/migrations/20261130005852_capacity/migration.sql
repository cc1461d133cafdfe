-- CreateTable
CREATE TABLE "CapacityPool" (
    "resolution" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "minutes" INTEGER NOT NULL,
    "poolSize" INTEGER NOT NULL,
    "peakGranted" INTEGER NOT NULL,
    "peakInUse" INTEGER NOT NULL,
    "peakInUseFromPool" INTEGER NOT NULL,
    "peakDemand" INTEGER NOT NULL,
    "unmetSessionMinutes" INTEGER NOT NULL,
    "dryEvents" INTEGER NOT NULL,

    PRIMARY KEY ("resolution", "at")
);

-- CreateTable
CREATE TABLE "CapacityParticipant" (
    "resolution" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "participantId" TEXT NOT NULL,
    "serial" TEXT NOT NULL,
    "peakGranted" INTEGER NOT NULL,
    "peakInUse" INTEGER NOT NULL,
    "peakInUseFromPool" INTEGER NOT NULL,
    "peakDemand" INTEGER NOT NULL,
    "unmetSessionMinutes" INTEGER NOT NULL,

    PRIMARY KEY ("resolution", "at", "participantId")
);
