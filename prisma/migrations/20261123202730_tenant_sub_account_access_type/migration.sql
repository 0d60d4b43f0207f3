-- CreateEnum
CREATE TYPE "SubAccountAccessType" AS ENUM ('defaultOff', 'defaultOn', 'alwaysOn');

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "subAccountAccessType" "SubAccountAccessType" NOT NULL DEFAULT 'defaultOff';
