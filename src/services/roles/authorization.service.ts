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

/**
 * Null when the user has no usable membership (absent, disabled or expired) in the tenant.
 * One statement: it runs on every login and refresh, where Prisma's nested reads would
 * cost ten round trips.
 */
export async function loadTenantAuthorization(db: Tx, userId: string, tenantId: string, now: Date): Promise<TenantAuthorization | null> {
  const rows = await db.$queryRaw<Array<{ membershipId: string | null; roles: RoleSummary[]; permissionKeys: string[] }>>`
    WITH m AS (
      SELECT id FROM "UserTenant"
      WHERE "userId" = ${userId} AND "tenantId" = ${tenantId} AND NOT disabled
        AND ("expiresAt" IS NULL OR "expiresAt" > ${now})
    ), r AS (
      SELECT utr."roleId" AS id FROM "UserTenantRole" utr JOIN m ON utr."membershipId" = m.id
      UNION
      SELECT gr."roleId" FROM "GroupUser" gu
        JOIN "Group" g ON g.id = gu."groupId" AND g."tenantId" = ${tenantId}
        JOIN "GroupRole" gr ON gr."groupId" = g.id
      WHERE gu."userId" = ${userId} AND EXISTS (SELECT 1 FROM m)
    )
    SELECT
      (SELECT id FROM m) AS "membershipId",
      COALESCE((SELECT json_agg(json_build_object('id', ro.id, 'key', ro.key, 'name', ro.name) ORDER BY ro.key)
                FROM "Role" ro JOIN r ON r.id = ro.id), '[]'::json) AS roles,
      COALESCE((SELECT array_agg(DISTINCT p.key ORDER BY p.key)
                FROM "RolePermission" rp JOIN r ON r.id = rp."roleId" JOIN "Permission" p ON p.id = rp."permissionId"),
               '{}'::text[]) AS "permissionKeys"`;
  const row = rows[0];
  if (!row?.membershipId) return null;
  return { membershipId: row.membershipId, roles: row.roles, permissionKeys: row.permissionKeys };
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
