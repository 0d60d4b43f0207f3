-- CreateIndex
CREATE UNIQUE INDEX "ApiResource_one_default_key" ON "ApiResource"("isDefault") WHERE ("isDefault");
