-- Vendor-wide role keys: the ("tenantId", key) unique index does not cover tenantId NULL (NULLs
-- are distinct), so two concurrent creations of a vendor-wide role with one key both succeeded.
-- Existing duplicates keep the oldest row's key; later ones get their id appended (rows, their
-- assignments and permissions are kept) so the index can be built.
UPDATE "Role" r SET "key" = r."key" || '-' || r.id
WHERE r."tenantId" IS NULL AND EXISTS (
  SELECT 1 FROM "Role" o WHERE o."tenantId" IS NULL AND o."key" = r."key"
    AND (o."createdAt", o.id) < (r."createdAt", r.id)
);

-- CreateIndex
CREATE UNIQUE INDEX "Role_vendor_key_key" ON "Role"("key") WHERE ("tenantId" IS NULL);

-- An email address belongs to one user, as a primary (User.email) or an additional address
-- (UserEmail.email). Each column has its own unique index; across the two tables a trigger holds
-- the rule. The check takes a transaction-scoped advisory lock on the address first, so two
-- concurrent writers of one address serialize: the second waits for the first to commit, then its
-- (fresh, READ COMMITTED) check sees the first row and fails with unique_violation (23505, which
-- Prisma reports as P2002, like the single-column indexes). The same user may appear in both
-- tables for a moment (the primary swap of user-emails moves addresses within one user).
-- Existing cross-table duplicates: the primary address wins, the other user's additional row goes.
DELETE FROM "UserEmail" ue USING "User" u WHERE u.email = ue.email AND u.id <> ue."userId";

CREATE FUNCTION gatehouse_email_owner_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner_id text;
BEGIN
  IF NEW.email IS NULL THEN
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('gatehouse-email:' || NEW.email, 0));
  IF TG_TABLE_NAME = 'User' THEN
    SELECT "userId" INTO owner_id FROM "UserEmail" WHERE email = NEW.email AND "userId" <> NEW.id LIMIT 1;
  ELSE
    SELECT id INTO owner_id FROM "User" WHERE email = NEW.email AND id <> NEW."userId" LIMIT 1;
  END IF;
  IF owner_id IS NOT NULL THEN
    RAISE EXCEPTION 'email % belongs to another user', NEW.email
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'User_email_key';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "User_email_owner" BEFORE INSERT OR UPDATE OF email ON "User"
  FOR EACH ROW EXECUTE FUNCTION gatehouse_email_owner_check();
CREATE TRIGGER "UserEmail_email_owner" BEFORE INSERT OR UPDATE OF email, "userId" ON "UserEmail"
  FOR EACH ROW EXECUTE FUNCTION gatehouse_email_owner_check();
