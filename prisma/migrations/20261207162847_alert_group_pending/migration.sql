-- AlterTable
ALTER TABLE "AlertEngine" ADD COLUMN "groupPending" TEXT;
