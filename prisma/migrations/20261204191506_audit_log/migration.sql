-- DropIndex
DROP INDEX "AuditEvent_action_createdAt_idx";

-- DropIndex
DROP INDEX "AuditEvent_tenantId_createdAt_idx";

-- DropIndex
DROP INDEX "AuditEvent_userId_createdAt_idx";

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "outcome" TEXT NOT NULL DEFAULT 'success',
ADD COLUMN     "reason" TEXT,
ADD COLUMN     "requestId" TEXT,
ADD COLUMN     "targetId" TEXT,
ADD COLUMN     "targetType" TEXT;

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_createdAt_id_idx" ON "AuditEvent"("tenantId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_action_createdAt_id_idx" ON "AuditEvent"("tenantId", "action", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "AuditEvent_userId_createdAt_id_idx" ON "AuditEvent"("userId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_id_idx" ON "AuditEvent"("createdAt" DESC, "id" DESC);
