-- CreateEnum
CREATE TYPE "RestrictionKind" AS ENUM ('IP', 'EMAIL_DOMAIN');

-- CreateEnum
CREATE TYPE "RestrictionStrategy" AS ENUM ('ALLOW', 'BLOCK');

-- CreateTable
CREATE TABLE "RestrictionEntry" (
    "id" TEXT NOT NULL,
    "kind" "RestrictionKind" NOT NULL,
    "tenantId" TEXT,
    "value" TEXT NOT NULL,
    "strategy" "RestrictionStrategy" NOT NULL,
    "description" TEXT,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RestrictionEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RestrictionEntry_kind_tenantId_createdAt_idx" ON "RestrictionEntry"("kind", "tenantId", "createdAt");

-- AddForeignKey
ALTER TABLE "RestrictionEntry" ADD CONSTRAINT "RestrictionEntry_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
