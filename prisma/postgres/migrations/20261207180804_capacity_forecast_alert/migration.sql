-- AlterTable
ALTER TABLE "AlertConfig" ADD COLUMN     "forecastDays" INTEGER NOT NULL DEFAULT 30;

-- AlterTable
ALTER TABLE "AlertEngine" ADD COLUMN     "forecastRaisedAt" TIMESTAMP(3);
