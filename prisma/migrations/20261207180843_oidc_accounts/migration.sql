-- AlterTable (columns added in place: nullable, or with a default)
ALTER TABLE "AdminAccount" ADD COLUMN "oidcIssuer" TEXT;
ALTER TABLE "AdminAccount" ADD COLUMN "oidcSubject" TEXT;
ALTER TABLE "AdminAccount" ADD COLUMN "breakGlass" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE UNIQUE INDEX "AdminAccount_oidcIssuer_oidcSubject_key" ON "AdminAccount"("oidcIssuer", "oidcSubject");
