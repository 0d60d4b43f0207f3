// What a user may do in a tenant: the roles of their membership and of their groups in that
// tenant, and the permissions of those roles. Read on every login and refresh (token claims).
import { Prisma, type Tx } from '../../platform/db.ts';
import { assertUserRoles, USER_ROLE } from './role-types.ts';

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
 * A scalar SQL expression: the user's authorization in the tenant as JSON
 * `{membershipId, roles, permissionKeys}`, or NULL without a usable membership (absent, disabled,
 * expired, or an invitation not yet accepted). The user and tenant are SQL expressions, so hot paths embed it in the statement
 * that reads everything else (refresh reads token, session, user and this in one statement).
 */
export function tenantAuthorizationSql(userId: Prisma.Sql, tenantId: Prisma.Sql, now: Date): Prisma.Sql {
  // The roles of the membership and of the user's groups in that tenant.
  const roleIds = Prisma.sql`
    SELECT utr."roleId" FROM "UserTenantRole" utr WHERE utr."membershipId" = m.id
    UNION
    SELECT gr."roleId" FROM "GroupUser" gu
      JOIN "Group" g ON g.id = gu."groupId" AND g."tenantId" = m."tenantId"
      JOIN "GroupRole" gr ON gr."groupId" = g.id
    WHERE gu."userId" = m."userId"`;
  return Prisma.sql`(
    SELECT json_build_object(
      'membershipId', m.id,
      'roles', COALESCE((SELECT json_agg(json_build_object('id', ro.id, 'key', ro.key, 'name', ro.name) ORDER BY ro.key)
                         FROM "Role" ro WHERE ro.id IN (${roleIds})), '[]'::json),
      'permissionKeys', COALESCE((SELECT array_agg(DISTINCT p.key ORDER BY p.key)
                                  FROM "RolePermission" rp JOIN "Permission" p ON p.id = rp."permissionId"
                                  WHERE rp."roleId" IN (${roleIds})), '{}'::text[]))
    FROM "UserTenant" m
    WHERE m."userId" = ${userId} AND m."tenantId" = ${tenantId} AND NOT m.disabled AND m."activatedForTenant"
      AND (m."expiresAt" IS NULL OR m."expiresAt" > ${now})
  )`;
}

/** Null when the user has no usable membership in the tenant. One statement (see tenantAuthorizationSql). */
export async function loadTenantAuthorization(db: Tx, userId: string, tenantId: string, now: Date): Promise<TenantAuthorization | null> {
  const rows = await db.$queryRaw<Array<{ a: TenantAuthorization | null }>>`
    SELECT ${tenantAuthorizationSql(Prisma.sql`${userId}`, Prisma.sql`${tenantId}`, now)} AS a`;
  return rows[0]?.a ?? null;
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
      select: { id: true, type: true },
    });
    if (found.length !== ids.length) return null;
    assertUserRoles(found);
    return ids;
  }
  const where = o.firstUser ? { firstUserRole: true } : { isDefault: true };
  const defaults = await db.role.findMany({ where: { ...where, ...USER_ROLE, OR: [{ tenantId: null }, { tenantId }] }, select: { id: true } });
  return defaults.map((r) => r.id);
}
