-- CreateTable
CREATE TABLE "ApiTokenRefreshToken" (
    "id" TEXT NOT NULL,
    "apiTokenId" TEXT NOT NULL,
    "familyId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiTokenRefreshToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiTokenRefreshToken_tokenHash_key" ON "ApiTokenRefreshToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiTokenRefreshToken_apiTokenId_idx" ON "ApiTokenRefreshToken"("apiTokenId");

-- CreateIndex
CREATE INDEX "ApiTokenRefreshToken_familyId_idx" ON "ApiTokenRefreshToken"("familyId");

-- AddForeignKey
ALTER TABLE "ApiTokenRefreshToken" ADD CONSTRAINT "ApiTokenRefreshToken_apiTokenId_fkey" FOREIGN KEY ("apiTokenId") REFERENCES "ApiToken"("id") ON DELETE CASCADE ON UPDATE CASCADE;
