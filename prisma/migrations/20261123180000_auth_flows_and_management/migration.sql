-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ApiTokenKind" ADD VALUE 'TENANT_ACCESS';
ALTER TYPE "ApiTokenKind" ADD VALUE 'USER_ACCESS';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "OneTimeTokenType" ADD VALUE 'INVITATION';
ALTER TYPE "OneTimeTokenType" ADD VALUE 'MFA_REMEMBER_DEVICE';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "PolicyType" ADD VALUE 'PASSWORD_ROTATION';
ALTER TYPE "PolicyType" ADD VALUE 'MFA_STRATEGIES';
ALTER TYPE "PolicyType" ADD VALUE 'SMS_PROVIDER';
ALTER TYPE "PolicyType" ADD VALUE 'SMS_TEMPLATES';
ALTER TYPE "PolicyType" ADD VALUE 'MAIL_PROVIDER';
ALTER TYPE "PolicyType" ADD VALUE 'MAIL_TEMPLATES';
ALTER TYPE "PolicyType" ADD VALUE 'IDENTITY_CONFIG';
ALTER TYPE "PolicyType" ADD VALUE 'ACTIVATION_STRATEGY';
ALTER TYPE "PolicyType" ADD VALUE 'INVITATION_STRATEGY';
ALTER TYPE "PolicyType" ADD VALUE 'TENANT_INVITES';
ALTER TYPE "PolicyType" ADD VALUE 'TEMPORARY_USERS';
ALTER TYPE "PolicyType" ADD VALUE 'GROUPS_CONFIG';
ALTER TYPE "PolicyType" ADD VALUE 'USER_EMAILS';
ALTER TYPE "PolicyType" ADD VALUE 'PASSWORDLESS';

-- AlterTable
ALTER TABLE "UserTenant" ADD COLUMN     "subTenantAccess" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "UserPhoneNumber" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "phoneNumber" TEXT NOT NULL,
    "verifiedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserPhoneNumber_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserEmail" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "verifiedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserEmail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'PENDING',
    "tenantId" TEXT,
    "input" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UserPhoneNumber_phoneNumber_idx" ON "UserPhoneNumber"("phoneNumber");

-- CreateIndex
CREATE UNIQUE INDEX "UserPhoneNumber_userId_phoneNumber_key" ON "UserPhoneNumber"("userId", "phoneNumber");

-- CreateIndex
CREATE UNIQUE INDEX "UserEmail_email_key" ON "UserEmail"("email");

-- CreateIndex
CREATE INDEX "UserEmail_userId_idx" ON "UserEmail"("userId");

-- CreateIndex
CREATE INDEX "Job_kind_createdAt_idx" ON "Job"("kind", "createdAt");

-- AddForeignKey
ALTER TABLE "UserPhoneNumber" ADD CONSTRAINT "UserPhoneNumber_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserEmail" ADD CONSTRAINT "UserEmail_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
