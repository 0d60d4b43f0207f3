// Scope maps the type files share. Each scope is a rule of services/authorization/tenant-scope.ts
// named in builder.ts; a field states what it needs here and its resolver takes the tenant from
// the same rule (tenantFor, scopeFor, managementActor), so the check is never written by hand.

/** The vendor, or a caller holding `permission` in its tenant. */
export const can = (permission: string) => ({ $any: { vendor: true, permission } }) as const;

/**
 * `can(permission)`, and the tenant a `tenantId` argument names must be one the caller may act
 * in: any for the vendor, only its own for everyone else (a foreign id is refused before the
 * resolver runs).
 */
export const canInTenant =
  (permission: string) =>
  (_parent: unknown, args: object) => ({
    $all: { tenantAccess: (args as { tenantId?: string | null }).tenantId ?? null, $any: { vendor: true, permission } },
  });

/**
 * Fields that show what is inside a tenant (its users, roles, settings): the vendor, or a caller
 * acting in that very tenant with the permission. A tenant reached through `subTenants`/`parent`
 * is another tenant: its insides stay closed unless sub-tenant access made it the acting tenant.
 */
export const insideTenant = (permission: string) => (tenant: { id: string }) => ({
  $any: { vendor: true, $all: { tenantMember: tenant.id, permission } },
});

export const readUsers = canInTenant('fe.secure.read.users');
export const writeUsers = canInTenant('fe.secure.write.users');
export const deleteUsers = canInTenant('fe.secure.delete.users');
