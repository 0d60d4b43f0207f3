-- CreateIndex
CREATE INDEX "UserTenant_tenantId_userId_idx" ON "UserTenant"("tenantId", "userId");
