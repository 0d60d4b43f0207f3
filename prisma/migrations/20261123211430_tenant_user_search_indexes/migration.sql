-- Search inside a tenant by trigram (ANDed with the tenant's index range), and the invisible users
-- as a tiny index, so a tenant listing excludes them without visiting its users.
-- CreateIndex
CREATE INDEX "User_invisible_idx" ON "User"("id") WHERE (invisible);

-- CreateIndex
CREATE INDEX "UserTenant_searchEmail_trgm_idx" ON "UserTenant" USING GIN ("searchEmail" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "UserTenant_searchName_trgm_idx" ON "UserTenant" USING GIN ("searchName" gin_trgm_ops);
