-- AlterEnum
ALTER TYPE "PolicyType" ADD VALUE 'RATE_LIMITS';
