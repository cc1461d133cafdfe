-- CreateTable
CREATE TABLE "LinkNonce" (
    "nonce" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LinkNonce_pkey" PRIMARY KEY ("nonce")
);

-- CreateIndex
CREATE INDEX "LinkNonce_at_idx" ON "LinkNonce"("at");
