-- AlterTable
ALTER TABLE "AdminAccount" ADD COLUMN     "breakGlass" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "oidcIssuer" TEXT,
ADD COLUMN     "oidcSubject" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "AdminAccount_oidcIssuer_oidcSubject_key" ON "AdminAccount"("oidcIssuer", "oidcSubject");
