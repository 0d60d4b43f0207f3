-- CreateTable
CREATE TABLE "OidcArtifact" (
    "kind" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "grantId" TEXT,
    "userCode" TEXT,
    "uid" TEXT,
    "expiresAt" TIMESTAMP(3),
    "consumedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OidcArtifact_pkey" PRIMARY KEY ("kind","id")
);

-- CreateIndex
CREATE INDEX "OidcArtifact_grantId_idx" ON "OidcArtifact"("grantId");

-- CreateIndex
CREATE INDEX "OidcArtifact_kind_userCode_idx" ON "OidcArtifact"("kind", "userCode");

-- CreateIndex
CREATE INDEX "OidcArtifact_kind_uid_idx" ON "OidcArtifact"("kind", "uid");

-- CreateIndex
CREATE INDEX "OidcArtifact_expiresAt_idx" ON "OidcArtifact"("expiresAt");
