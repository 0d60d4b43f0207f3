// What a user may do in a tenant: the roles of their membership and of their groups in that
// tenant, and the permissions of those roles. Read on every login and refresh (token claims).
import type { Tx } from '../../platform/db.ts';

export interface RoleSummary {
  id: string;
  key: string;
  name: string;
}

export interface TenantAuthorization {
  membershipId: string;
  roles: RoleSummary[];
  permissionKeys: string[];
}

/** Null when the user has no usable membership (absent, disabled or expired) in the tenant. */
export async function loadTenantAuthorization(db: Tx, userId: string, tenantId: string, now: Date): Promise<TenantAuthorization | null> {
  const roleSelect = {
    select: { id: true, key: true, name: true, permissions: { select: { permission: { select: { key: true } } } } },
  } as const;
  const membership = await db.userTenant.findUnique({
    where: { userId_tenantId: { userId, tenantId } },
    select: {
      id: true,
      disabled: true,
      expiresAt: true,
      roles: { select: { role: roleSelect } },
      user: { select: { groups: { where: { group: { tenantId } }, select: { group: { select: { roles: { select: { role: roleSelect } } } } } } } },
    },
  });
  if (!membership || membership.disabled || (membership.expiresAt && membership.expiresAt <= now)) return null;
  const roles = new Map<string, RoleSummary>();
  const permissionKeys = new Set<string>();
  const all = [
    ...membership.roles.map((r) => r.role),
    ...membership.user.groups.flatMap((g) => g.group.roles.map((r) => r.role)),
  ];
  for (const role of all) {
    roles.set(role.id, { id: role.id, key: role.key, name: role.name });
    for (const p of role.permissions) permissionKeys.add(p.permission.key);
  }
  return { membershipId: membership.id, roles: [...roles.values()], permissionKeys: [...permissionKeys].sort() };
}

/** Roles for a new membership: the given ids (checked to exist for the tenant), else the defaults. */
export async function resolveRoleIds(
  db: Tx,
  tenantId: string,
  o: { roleIds?: string[] | null; firstUser?: boolean },
): Promise<string[] | null> {
  if (o.roleIds && o.roleIds.length) {
    const ids = [...new Set(o.roleIds)];
    const found = await db.role.findMany({
      where: { id: { in: ids }, OR: [{ tenantId: null }, { tenantId }] },
      select: { id: true },
    });
    return found.length === ids.length ? ids : null;
  }
  const where = o.firstUser ? { firstUserRole: true } : { isDefault: true };
  const defaults = await db.role.findMany({ where: { ...where, OR: [{ tenantId: null }, { tenantId }] }, select: { id: true } });
  return defaults.map((r) => r.id);
}
