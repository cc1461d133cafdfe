-- CreateTable
CREATE TABLE "CapacityGroup" (
    "resolution" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "group" TEXT NOT NULL,
    "minutes" INTEGER NOT NULL,
    "peakHeld" INTEGER NOT NULL,
    "peakPending" INTEGER NOT NULL,
    "peakInUse" INTEGER NOT NULL,
    "unmetSessionMinutes" INTEGER NOT NULL,

    CONSTRAINT "CapacityGroup_pkey" PRIMARY KEY ("resolution","at","group")
);
