-- A tenant whose hierarchy setting is "defaultOn" gives its new members access to its
-- sub-tenants (a member's flag can still be turned off afterwards; "alwaysOn" ignores the flag).
-- In the database, so every path that creates a membership (sign-up, invitation, vendor and
-- sub-tenant placement, migration) follows the setting.
CREATE FUNCTION "gatehouse_membership_default_sub_access"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT t."subAccountAccessType" FROM "Tenant" t WHERE t.id = NEW."tenantId") = 'defaultOn' THEN
    NEW."subTenantAccess" := true;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "UserTenant_default_sub_access" BEFORE INSERT ON "UserTenant"
  FOR EACH ROW EXECUTE FUNCTION "gatehouse_membership_default_sub_access"();
