-- CreateTable
CREATE TABLE "CapacityGroup" (
    "resolution" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "group" TEXT NOT NULL,
    "minutes" INTEGER NOT NULL,
    "peakHeld" INTEGER NOT NULL,
    "peakPending" INTEGER NOT NULL,
    "peakInUse" INTEGER NOT NULL,
    "unmetSessionMinutes" INTEGER NOT NULL,

    PRIMARY KEY ("resolution", "at", "group")
);
