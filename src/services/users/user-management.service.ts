// User management: listing and search, profile updates, removal, lock, memberships (tenants,
// disable/enable, temporary users) and role assignment.
//
// Every method takes a `scope`: null for the vendor (every tenant), else the one tenant the
// caller acts in. A user outside the scope is "not found", so a foreign tenant's ids leak
// nothing. Multi-row writes run in one transaction and check everything before writing.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma, type Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { publishRevoked } from '../auth/session-check.ts';
import { upsertPolicyRow, vendorPolicyRowId } from '../policies/policy-rows.ts';
import { resolveRoleIds } from '../roles/authorization.service.ts';
import { assertUserRoles } from '../roles/role-types.ts';
import { emailSchema, idSchema, metadataSchema, nameSchema, parseInput, phoneSchema, urlSchema } from '../validation.ts';
import { countSql, pageSql, type ListingFilter, type SortColumn } from './user-listing-sql.ts';

/** Frontegg's page-size limit for user listings. */
export const MAX_USERS_PAGE = 200;

/**
 * Totals of TEXT searches stop counting here. Counting every match of a common term ("son",
 * a domain) visits each matching row (the trigram index is lossy, so rows are rechecked), which
 * at a million users costs far more than the page itself; nobody pages past this many search
 * results, so a total of exactly SEARCH_COUNT_CAP means "at least that many". Plain listings
 * (no search term) keep exact totals.
 */
export const SEARCH_COUNT_CAP = 1000;

/** A search by text (its total is capped): anything matching a substring or prefix of the email or name. */
const isSearch = (f: UserListFilter) =>
  [f.email, f.namePrefix, f.identifier].some(Boolean) || [f.searchContains, f.searchOptional].some((l) => l?.length);

const term = z.string().trim().min(1).max(255);

export const UserListFilter = z.object({
  /** The tenant to list (forced to the caller's for tenant tokens); null lists every user (vendor). */
  tenantId: idSchema.nullish(),
  includeSubTenants: z.boolean().nullish(),
  ids: z.array(idSchema).max(MAX_USERS_PAGE).nullish(),
  externalIds: z.array(term).max(MAX_USERS_PAGE).nullish(),
  email: term.nullish(),
  namePrefix: term.nullish(),
  identifier: term.nullish(),
  identifierType: z.enum(['email', 'phoneNumber', 'username']).nullish(),
  /** Each term must appear in the email or the name (case-insensitive). */
  searchContains: z.array(term).max(10).nullish(),
  /** No term may appear in the email or the name. */
  searchExcludes: z.array(term).max(10).nullish(),
  /** At least one term must appear in the email or the name. */
  searchOptional: z.array(term).max(10).nullish(),
  /** Fuzzy: trigram similarity (pg_trgm) on the email and the name instead of substring matching. */
  searchApproximate: z.boolean().nullish(),
});
export type UserListFilter = z.input<typeof UserListFilter>;

export const USER_SORT_FIELDS = ['createdAt', 'name', 'email', 'id', 'verified', 'isLocked', 'provider', 'tenantId', 'lastLogin'] as const;
export type UserSortField = (typeof USER_SORT_FIELDS)[number];
const SORT_COLUMN: Record<UserSortField, SortColumn> = {
  createdAt: 'createdAt',
  name: 'name',
  email: 'email',
  id: 'id',
  verified: 'verified',
  isLocked: 'lockedAt',
  provider: 'provider',
  tenantId: 'activeTenantId',
  lastLogin: 'lastLoginAt',
};

export const UpdateUserInput = z.object({
  name: nameSchema.nullish(),
  phoneNumber: phoneSchema.nullish(),
  profilePictureUrl: urlSchema.nullish(),
  metadata: metadataSchema.nullish(),
  vendorMetadata: metadataSchema.nullish(),
  mfaBypass: z.boolean().nullish(),
  externalId: z.string().trim().max(255).nullish(),
});
export type UpdateUserInput = z.input<typeof UpdateUserInput>;

const RoleIds = z.array(idSchema).min(1).max(100);
const Expiration = z.number().int().positive().max(10 * 365 * 24 * 3600);

const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** Frontegg's per-tenant user status. */
export type TenantUserStatus = 'PendingInvitation' | 'PendingLogin' | 'Activated' | 'NotActivated';

type ManagementDeps = Pick<Deps, 'db' | 'clock' | 'changes'>;

/**
 * Ends the user's membership of `tenantId` inside the caller's transaction: its roles, the user's
 * groups of that tenant and its sessions there go; the active tenant moves to another membership.
 * One rule for removing a user, whether from one tenant or from several at once.
 */
export async function leaveTenantIn(tx: Tx, clock: Deps['clock'], user: { id: string; activeTenantId: string | null }, tenantId: string) {
  await tx.userTenant.delete({ where: { userId_tenantId: { userId: user.id, tenantId } } });
  await tx.groupUser.deleteMany({ where: { userId: user.id, group: { tenantId } } });
  await tx.session.updateMany({
    where: { userId: user.id, tenantId, revokedAt: null },
    data: { revokedAt: clock.now(), revokedReason: 'removed_from_tenant' },
  });
  if (user.activeTenantId === tenantId) {
    const next = await tx.userTenant.findFirst({ where: { userId: user.id }, orderBy: { createdAt: 'asc' }, select: { tenantId: true } });
    await tx.user.update({ where: { id: user.id }, data: { activeTenantId: next?.tenantId ?? null } });
  }
}

export function createUserManagementService(deps: ManagementDeps) {
  const { db, clock } = deps;

  const inScope = (scope: string | null): Prisma.UserWhereInput => (scope ? { memberships: { some: { tenantId: scope } } } : {});

  /** The user in scope, or user_not_found (another tenant's user looks exactly like an unknown id). */
  async function requireUser(tx: Tx, rawUserId: string, scope: string | null) {
    const id = parseInput(idSchema, rawUserId);
    const u = await tx.user.findFirst({ where: { id, ...inScope(scope) }, select: { id: true, activeTenantId: true } });
    return u ?? fail('user_not_found');
  }

  async function requireMembership(tx: Tx, rawUserId: string, rawTenantId: string) {
    const userId = parseInput(idSchema, rawUserId);
    const tenantId = parseInput(idSchema, rawTenantId);
    const m = await tx.userTenant.findUnique({ where: { userId_tenantId: { userId, tenantId } }, select: { id: true, userId: true, tenantId: true } });
    return m ?? fail('user_not_found');
  }

  /** Tenants a listing covers: the tenant, plus its descendants when asked (one recursive statement). */
  async function tenantsToList(tenantId: string, includeSubTenants: boolean): Promise<string[]> {
    if (!includeSubTenants) return [tenantId];
    const rows = await db.$queryRaw<Array<{ id: string }>>`
      WITH RECURSIVE t AS (
        SELECT id FROM "Tenant" WHERE id = ${tenantId}
        UNION SELECT c.id FROM "Tenant" c JOIN t ON c."parentId" = t.id
      ) SELECT id FROM t`;
    return rows.map((r) => r.id);
  }

  /** The parsed filter with the caller's scope resolved to the tenants it covers. */
  async function listingFilter(raw: UserListFilter, o: { includeInvisible: boolean }): Promise<ListingFilter> {
    const f = parseInput(UserListFilter, raw);
    const tenantIds = f.tenantId ? await tenantsToList(f.tenantId, f.includeSubTenants ?? false) : null;
    return { ...f, tenantIds, includeInvisible: o.includeInvisible };
  }

  async function temporaryUsersConfig() {
    const row = await db.policy.findUnique({ where: { id: vendorPolicyRowId('TEMPORARY_USERS') }, select: { config: true } });
    const enabled = (row?.config as { enabled?: unknown } | undefined)?.enabled === true;
    return { enabled };
  }

  return {
    /**
     * One page of users. `query` carries the GraphQL selection (relations included in the same
     * few statements whatever the page size) and the connection's take/skip/cursor.
     */
    /**
     * One page of users, and the (capped) total when working out the page needed it. `query`
     * carries the GraphQL selection (relations included in the same few statements whatever the
     * page size) and the connection's take/skip/cursor.
     */
    async list<Q extends { take?: number; skip?: number; cursor?: { id?: string } }>(
      filter: UserListFilter,
      order: { field?: UserSortField | null; direction?: 'ASC' | 'DESC' | null },
      o: { includeInvisible: boolean; offset?: number | null },
      query: Q,
    ): Promise<{ rows: never[]; total: number | null }> {
      const field = order.field ?? 'createdAt';
      if (!USER_SORT_FIELDS.includes(field)) fail('validation_failed', `cannot sort by ${String(field)}`);
      if (o.offset != null && (!Number.isInteger(o.offset) || o.offset < 0)) fail('validation_failed', 'offset must be a non-negative integer');
      const { take = MAX_USERS_PAGE, skip = 0, cursor, ...selection } = query;
      const lf = await listingFilter(filter, o);
      const page = pageSql(lf, {
        column: SORT_COLUMN[field],
        direction: order.direction === 'DESC' ? 'desc' : 'asc',
        take,
        // Pothos skips the cursor row itself (skip 1); the offset applies to offset paging.
        skip: skip + (o.offset ?? 0),
        cursorId: cursor?.id ?? null,
      });
      let total: number | null = null;
      let ids: string[];
      if (isSearch(filter) && lf.tenantIds?.length !== 1) {
        // A text search over many tenants' users. The planner cannot tell a term with 50 matches
        // from one with 50,000 (trigram estimates are rough), and each wrong guess costs a scan
        // of a million rows: walking the date index for a rare term, or sorting a huge bitmap
        // for a common one. So count first (capped, through the trigram bitmap: bounded work),
        // then page with the plan that count calls for.
        ({ total, ids } = await db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
          await tx.$executeRawUnsafe('SET LOCAL enable_indexscan = off');
          const n = Number((await tx.$queryRaw<Array<{ n: number }>>(countSql(lf, SEARCH_COUNT_CAP)))[0]?.n ?? 0);
          // Fewer matches than the cap: sort them. More: they are dense enough that walking the
          // sort order meets a page of them soon (fuzzy matches are always few and costly to test).
          if (n >= SEARCH_COUNT_CAP && !lf.searchApproximate) {
            await tx.$executeRawUnsafe('SET LOCAL enable_indexscan = on');
            await tx.$executeRawUnsafe('SET LOCAL enable_bitmapscan = off');
          }
          return { total: n, ids: (await tx.$queryRaw<Array<{ id: string }>>(page.sql)).map((r) => r.id) };
        }));
      } else ids = (await db.$queryRaw<Array<{ id: string }>>(page.sql)).map((r) => r.id);
      if (page.reverse) ids.reverse();
      if (!ids.length) return { rows: [], total };
      // The rows and the GraphQL selection, in one statement per relation whatever the page size.
      const rows = (await db.user.findMany({ ...selection, where: { id: { in: ids } } } as never)) as Array<{ id: string }>;
      const at = new Map(ids.map((id, i) => [id, i]));
      return { rows: rows.sort((x, y) => at.get(x.id)! - at.get(y.id)!) as never[], total };
    },

    async count(filter: UserListFilter, o: { includeInvisible: boolean }) {
      const rows = await db.$queryRaw<Array<{ n: number }>>(countSql(await listingFilter(filter, o), isSearch(filter) ? SEARCH_COUNT_CAP : null));
      return Number(rows[0]?.n ?? 0);
    },

    /** A user by (lower-cased) email, within scope. */
    findByEmail<Q extends object>(rawEmail: string, scope: string | null, query?: Q) {
      const email = parseInput(emailSchema, rawEmail);
      return db.user.findFirst({ ...(query ?? {}), where: { email, ...inScope(scope) } });
    },

    /** Profile fields; vendor-only fields are refused for tenant callers by the caller's layer. */
    async update(rawUserId: string, scope: string | null, raw: UpdateUserInput) {
      const input = parseInput(UpdateUserInput, raw);
      const user = await requireUser(db, rawUserId, scope);
      const data: Prisma.UserUpdateInput = {};
      if (input.name != null) data.name = input.name;
      if (input.phoneNumber != null) data.phoneNumber = input.phoneNumber;
      if (input.profilePictureUrl != null) data.profilePictureUrl = input.profilePictureUrl;
      if (input.metadata != null) data.metadata = input.metadata as Prisma.InputJsonObject;
      if (input.vendorMetadata != null) data.vendorMetadata = input.vendorMetadata as Prisma.InputJsonObject;
      if (input.mfaBypass != null) data.mfaBypass = input.mfaBypass;
      if (input.externalId != null) data.externalId = input.externalId;
      await db.user.update({ where: { id: user.id }, data });
      return user;
    },

    /** Sets the primary email (management: no code); a taken address is a conflict. */
    async updateEmail(rawUserId: string, scope: string | null, rawEmail: string) {
      const email = parseInput(emailSchema, rawEmail);
      const user = await requireUser(db, rawUserId, scope);
      const other = await db.userEmail.findUnique({ where: { email }, select: { userId: true } });
      if (other && other.userId !== user.id) fail('user_already_exists', 'Email is already in use');
      try {
        await db.user.update({ where: { id: user.id }, data: { email } });
      } catch (e) {
        if (isUniqueViolation(e)) fail('user_already_exists', 'Email is already in use');
        throw e;
      }
      return user;
    },

    /**
     * With a tenant: removes the membership (its roles, the user's groups of that tenant, its
     * sessions there). Without (vendor): deletes the user and everything that cascades.
     */
    async remove(rawUserId: string, scope: string | null) {
      const done = await db.$transaction(async (tx) => {
        const user = await requireUser(tx, rawUserId, scope);
        if (!scope) {
          await tx.user.delete({ where: { id: user.id } });
          return { userId: user.id };
        }
        await leaveTenantIn(tx, clock, user, scope);
        return { userId: user.id };
      });
      publishRevoked(deps.changes, { userId: done.userId });
      return done;
    },

    /** Locks the account now (the same lock the lockout policy sets); login is refused until unlocked. */
    async lock(rawUserId: string, scope: string | null) {
      const id = parseInput(idSchema, rawUserId);
      const { count } = await db.user.updateMany({ where: { id, lockedAt: null, ...inScope(scope) }, data: { lockedAt: clock.now() } });
      if (count === 0) await requireUser(db, id, scope);
      return { userId: id };
    },

    /** Vendor only (the caller's layer): flags on the global user. */
    async setFlags(rawUserId: string, flags: { invisible?: boolean | null; superUser?: boolean | null }) {
      const user = await requireUser(db, rawUserId, null);
      const data: Prisma.UserUpdateInput = {};
      if (flags.invisible != null) data.invisible = flags.invisible;
      if (flags.superUser != null) data.superUser = flags.superUser;
      await db.user.update({ where: { id: user.id }, data });
      return user;
    },

    /** Vendor: adds an existing user to a tenant with the tenant's default roles (or the given ones). */
    async addToTenant(rawUserId: string, rawTenantId: string, rawRoleIds?: string[] | null) {
      const tenantId = parseInput(idSchema, rawTenantId);
      const roleIds = rawRoleIds?.length ? parseInput(RoleIds, rawRoleIds) : null;
      return db.$transaction(async (tx) => {
        const user = await requireUser(tx, rawUserId, null);
        if (!(await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) fail('tenant_not_found');
        const ids = await resolveRoleIds(tx, tenantId, { roleIds });
        if (!ids) fail('role_ids_invalid');
        try {
          await tx.userTenant.create({ data: { userId: user.id, tenantId, roles: { create: ids.map((roleId) => ({ roleId })) } } });
        } catch (e) {
          if (isUniqueViolation(e)) fail('user_already_in_tenant');
          throw e;
        }
        if (!user.activeTenantId) await tx.user.update({ where: { id: user.id }, data: { activeTenantId: tenantId } });
        return user;
      });
    },

    /**
     * Vendor: moves every membership of `src` to `target` in one transaction. A user already in
     * the target keeps that membership (the source one goes); roles that belong to the source
     * tenant do not follow; active tenants follow.
     */
    async migrateTenant(rawSrc: string, rawTarget: string) {
      const src = parseInput(idSchema, rawSrc);
      const target = parseInput(idSchema, rawTarget);
      if (src === target) fail('validation_failed', 'srcTenantId and targetTenantId must differ');
      return db.$transaction(async (tx) => {
        const found = await tx.tenant.findMany({ where: { id: { in: [src, target] } }, select: { id: true } });
        if (found.length !== 2) fail('tenant_not_found');
        await tx.userTenant.deleteMany({ where: { tenantId: src, user: { memberships: { some: { tenantId: target } } } } });
        await tx.userTenantRole.deleteMany({ where: { membership: { tenantId: src }, role: { tenantId: src } } });
        const { count } = await tx.userTenant.updateMany({ where: { tenantId: src }, data: { tenantId: target } });
        await tx.user.updateMany({ where: { activeTenantId: src }, data: { activeTenantId: target } });
        return { moved: count };
      });
    },

    /** Frontegg's per-tenant statuses of users (within scope). */
    async statuses(rawUserIds: string[], scope: string | null, only?: TenantUserStatus[] | null) {
      const userIds = parseInput(z.array(idSchema).min(1).max(200), rawUserIds);
      const users = await db.user.findMany({
        where: { id: { in: userIds }, ...inScope(scope) },
        select: {
          id: true,
          verified: true,
          lastLoginAt: true,
          memberships: {
            where: scope ? { tenantId: scope } : {},
            select: { tenantId: true, activatedForTenant: true },
            orderBy: { createdAt: 'asc' },
            take: 2000,
          },
        },
      });
      return users.map((u) => ({
        userId: u.id,
        tenantsStatuses: u.memberships
          .map((m) => ({
            tenantId: m.tenantId,
            status: (!m.activatedForTenant
              ? 'PendingInvitation'
              : !u.verified
                ? 'NotActivated'
                : !u.lastLoginAt
                  ? 'PendingLogin'
                  : 'Activated') as TenantUserStatus,
          }))
          .filter((s) => !only?.length || only.includes(s.status)),
      }));
    },

    /**
     * Disables (or enables) a membership. A disabled membership cannot log in to, refresh into or
     * switch to the tenant (auth.service usableTenantIds); its sessions there end now.
     */
    async setDisabled(rawUserId: string, rawTenantId: string, disabled: boolean) {
      const done = await db.$transaction(async (tx) => {
        const m = await requireMembership(tx, rawUserId, rawTenantId);
        await tx.userTenant.update({ where: { id: m.id }, data: { disabled } });
        if (disabled) {
          await tx.session.updateMany({
            where: { userId: m.userId, tenantId: m.tenantId, revokedAt: null },
            data: { revokedAt: clock.now(), revokedReason: 'membership_disabled' },
          });
        }
        return { userId: m.userId, tenantId: m.tenantId };
      });
      if (disabled) publishRevoked(deps.changes, { userId: done.userId });
      return done;
    },

    temporaryUsersConfig,

    async setTemporaryUsersConfig(raw: { enabled: boolean }) {
      const { enabled } = parseInput(z.object({ enabled: z.boolean() }), raw);
      await upsertPolicyRow(db, 'TEMPORARY_USERS', null, { enabled });
      return { enabled };
    },

    /**
     * Makes a membership temporary: it ends `expirationInSeconds` from now, after which the user
     * cannot log in to the tenant. Needs temporary users enabled by the vendor.
     */
    async setTemporary(rawUserId: string, rawTenantId: string, rawSeconds: number | null) {
      const seconds = rawSeconds === null ? null : parseInput(Expiration, rawSeconds);
      if (seconds !== null && !(await temporaryUsersConfig()).enabled) fail('temporary_users_disabled');
      const m = await requireMembership(db, rawUserId, rawTenantId);
      const expiresAt = seconds === null ? null : new Date(clock.now().getTime() + seconds * 1000);
      await db.userTenant.update({ where: { id: m.id }, data: { expiresAt } });
      return { userId: m.userId, expirationInSeconds: seconds };
    },

    /**
     * Assigns roles (global or the tenant's own) to the user's membership. `grantable`: the
     * caller's permission keys (null for the vendor): a tenant admin cannot hand out a role
     * carrying a permission they do not hold.
     */
    async assignRoles(rawUserId: string, rawTenantId: string, rawRoleIds: string[], grantable: string[] | null) {
      const roleIds = [...new Set(parseInput(RoleIds, rawRoleIds))];
      return db.$transaction(async (tx) => {
        const m = await requireMembership(tx, rawUserId, rawTenantId);
        const roles = await tx.role.findMany({
          where: { id: { in: roleIds }, OR: [{ tenantId: null }, { tenantId: m.tenantId }] },
          select: { id: true, type: true, permissions: { select: { permission: { select: { key: true } } } } },
        });
        if (roles.length !== roleIds.length) fail('role_ids_invalid');
        assertUserRoles(roles);
        if (grantable) {
          const held = new Set(grantable);
          if (roles.some((r) => r.permissions.some((p) => !held.has(p.permission.key)))) fail('role_exceeds_grantor');
        }
        await tx.userTenantRole.createMany({ data: roleIds.map((roleId) => ({ membershipId: m.id, roleId })), skipDuplicates: true });
        return { userId: m.userId, tenantId: m.tenantId };
      });
    },

    async unassignRoles(rawUserId: string, rawTenantId: string, rawRoleIds: string[]) {
      const roleIds = parseInput(RoleIds, rawRoleIds);
      const m = await requireMembership(db, rawUserId, rawTenantId);
      await db.userTenantRole.deleteMany({ where: { membershipId: m.id, roleId: { in: roleIds } } });
      return { userId: m.userId, tenantId: m.tenantId };
    },

    /** Users (of the tenant) with their memberships there: selection-driven, constant statements. */
    membershipsOf<Q extends object>(rawUserIds: string[], rawTenantId: string, query?: Q) {
      const userIds = parseInput(z.array(idSchema).min(1).max(MAX_USERS_PAGE), rawUserIds);
      const tenantId = parseInput(idSchema, rawTenantId);
      return db.userTenant.findMany({ ...(query ?? {}), where: { tenantId, userId: { in: userIds } }, orderBy: { createdAt: 'asc' } });
    },
  };
}

export type UserManagementService = ReturnType<typeof createUserManagementService>;
