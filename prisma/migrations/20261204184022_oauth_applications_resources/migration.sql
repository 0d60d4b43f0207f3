-- CreateEnum
CREATE TYPE "RoleType" AS ENUM ('USER', 'MACHINE_TO_MACHINE');

-- CreateEnum
CREATE TYPE "ApplicationType" AS ENUM ('NATIVE', 'SPA', 'TRADITIONAL', 'MACHINE_TO_MACHINE');

-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "corsOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "customData" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "description" TEXT,
ADD COLUMN     "isThirdParty" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "postLogoutRedirectUris" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "redirectUris" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "type" "ApplicationType" NOT NULL DEFAULT 'TRADITIONAL';

-- AlterTable
ALTER TABLE "Role" ADD COLUMN     "type" "RoleType" NOT NULL DEFAULT 'USER';

-- CreateTable
CREATE TABLE "ApplicationSecret" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApplicationSecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApplicationRole" (
    "applicationId" TEXT NOT NULL,
    "roleId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApplicationRole_pkey" PRIMARY KEY ("applicationId","roleId")
);

-- CreateTable
CREATE TABLE "ApiResource" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "indicator" TEXT NOT NULL,
    "accessTokenTtl" INTEGER NOT NULL DEFAULT 3600,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApiResource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiScope" (
    "id" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApiScope_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoleScope" (
    "roleId" TEXT NOT NULL,
    "scopeId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoleScope_pkey" PRIMARY KEY ("roleId","scopeId")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApplicationSecret_secretHash_key" ON "ApplicationSecret"("secretHash");

-- CreateIndex
CREATE UNIQUE INDEX "ApplicationSecret_applicationId_name_key" ON "ApplicationSecret"("applicationId", "name");

-- CreateIndex
CREATE INDEX "ApplicationRole_roleId_idx" ON "ApplicationRole"("roleId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiResource_indicator_key" ON "ApiResource"("indicator");

-- CreateIndex
CREATE UNIQUE INDEX "ApiScope_resourceId_name_key" ON "ApiScope"("resourceId", "name");

-- CreateIndex
CREATE INDEX "RoleScope_scopeId_idx" ON "RoleScope"("scopeId");

-- AddForeignKey
ALTER TABLE "ApplicationSecret" ADD CONSTRAINT "ApplicationSecret_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationRole" ADD CONSTRAINT "ApplicationRole_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationRole" ADD CONSTRAINT "ApplicationRole_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiScope" ADD CONSTRAINT "ApiScope_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "ApiResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleScope" ADD CONSTRAINT "RoleScope_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleScope" ADD CONSTRAINT "RoleScope_scopeId_fkey" FOREIGN KEY ("scopeId") REFERENCES "ApiScope"("id") ON DELETE CASCADE ON UPDATE CASCADE;
