-- CreateTable
CREATE TABLE "LinkNonce" (
    "nonce" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "LinkNonce_at_idx" ON "LinkNonce"("at");
