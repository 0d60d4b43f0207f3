-- AlterEnum
ALTER TYPE "OneTimeTokenType" ADD VALUE 'USER_UNLOCK';
