-- A tenant's user listing and search without probing every user for membership: each membership
-- carries copies of its user's createdAt, email and lower-cased name, kept by the triggers below,
-- so "the first page of tenant T's users (matching q)" is a range of T's own index entries.
-- A search inside a tenant walks that range and filters the copied email and name: its cost grows
-- with the tenant's size, not with the number of users overall.

-- AlterTable
ALTER TABLE "UserTenant" ADD COLUMN     "searchEmail" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "searchName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "userCreatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Backfill before the indexes exist (one pass, no index maintenance per row).
UPDATE "UserTenant" m
SET "userCreatedAt" = u."createdAt", "searchEmail" = coalesce(u.email, ''), "searchName" = lower(coalesce(u.name, ''))
FROM "User" u
WHERE u.id = m."userId";

-- A new membership (or one moved to another user) copies the user's fields.
CREATE FUNCTION "gatehouse_membership_copy_user"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT u."createdAt", coalesce(u.email, ''), lower(coalesce(u.name, ''))
    INTO NEW."userCreatedAt", NEW."searchEmail", NEW."searchName"
    FROM "User" u WHERE u.id = NEW."userId";
  RETURN NEW;
END $$;
CREATE TRIGGER "UserTenant_copy_user" BEFORE INSERT OR UPDATE OF "userId" ON "UserTenant"
  FOR EACH ROW EXECUTE FUNCTION "gatehouse_membership_copy_user"();

-- A changed email or name reaches every membership of the user, in the same transaction.
CREATE FUNCTION "gatehouse_user_search_fields"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "UserTenant"
    SET "searchEmail" = coalesce(NEW.email, ''), "searchName" = lower(coalesce(NEW.name, ''))
    WHERE "userId" = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER "User_search_fields" AFTER UPDATE OF email, name ON "User"
  FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email OR OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION "gatehouse_user_search_fields"();

-- CreateIndex
CREATE INDEX "UserTenant_tenantId_userCreatedAt_userId_idx" ON "UserTenant"("tenantId", "userCreatedAt", "userId");
