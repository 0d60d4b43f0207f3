// Tenants (Frontegg "accounts") and their hierarchy.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma, type Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { publishRevoked } from '../auth/session-check.ts';
import { currencySchema, idSchema, metadataSchema, parseInput, timeZoneSchema, urlSchema } from '../validation.ts';
import { ancestorsOf, descendantsOf, isWithin } from './hierarchy.ts';

const optionalText = (max = 255) => z.string().trim().max(max).nullish();

export const CreateTenantInput = z.object({
  tenantId: idSchema.nullish(),
  name: z.string().trim().min(1, 'name is required').max(255),
  parentTenantId: idSchema.nullish(),
  metadata: metadataSchema.nullish(),
  website: urlSchema.nullish(),
  logoUrl: urlSchema.nullish(),
  address: optionalText(1024),
  timezone: timeZoneSchema.nullish(),
  dateFormat: optionalText(64),
  timeFormat: optionalText(64),
  currency: currencySchema.nullish(),
  isReseller: z.boolean().nullish(),
  creatorName: optionalText(),
  creatorEmail: optionalText(),
});
export type CreateTenantInput = z.input<typeof CreateTenantInput>;

export const UpdateTenantInput = CreateTenantInput.omit({ tenantId: true, parentTenantId: true })
  .partial()
  .extend({ name: z.string().trim().min(1).max(255).nullish() });
export type UpdateTenantInput = z.input<typeof UpdateTenantInput>;

const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** Drops null/undefined so Prisma leaves those columns as they are. */
function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as never;
}

export async function createTenantIn(tx: Tx, raw: CreateTenantInput) {
  const { tenantId, parentTenantId, metadata, ...rest } = parseInput(CreateTenantInput, raw);
  if (parentTenantId && !(await tx.tenant.findUnique({ where: { id: parentTenantId }, select: { id: true } }))) {
    fail('tenant_not_found', 'Parent tenant not found');
  }
  try {
    return await tx.tenant.create({
      data: {
        ...defined(rest),
        name: rest.name,
        ...(tenantId ? { id: tenantId } : {}),
        parentId: parentTenantId ?? null,
        metadata: (metadata ?? {}) as Prisma.InputJsonObject,
      } satisfies Prisma.TenantUncheckedCreateInput,
    });
  } catch (e) {
    if (isUniqueViolation(e)) fail('tenant_already_exists');
    throw e;
  }
}

export const SearchSubTenantsInput = z.object({
  /** Case-insensitive substring of the name or id. */
  filter: z.string().trim().max(255).nullish(),
  limit: z.number().int().min(1).max(200).nullish(),
  offset: z.number().int().min(0).nullish(),
  sortBy: z.enum(['name', 'createdAt', 'tenantId']).nullish(),
  order: z.enum(['ASC', 'DESC']).nullish(),
});
export type SearchSubTenantsInput = z.input<typeof SearchSubTenantsInput>;

const MetadataKey = z.string().trim().min(1).max(255);
const TenantIds = z.array(idSchema).max(1000);

type TenantRow = Prisma.TenantGetPayload<object>;

/** A sub-tree: its root and every tenant below it (each carries parentId, so callers nest it). */
export interface TenantTree {
  root: TenantRow;
  descendants: TenantRow[];
}

/**
 * The membership's own flag, unless the tenant's hierarchy settings force sub-account access on
 * for every member (Frontegg's subAccountAccessType alwaysOn).
 */
const memberMayEnterSubTenants = (m: { subTenantAccess: boolean; tenant: { subAccountAccessType: string } }) =>
  m.subTenantAccess || m.tenant.subAccountAccessType === 'alwaysOn';

export function createTenantsService({ db, clock, changes }: Pick<Deps, 'db' | 'clock' | 'changes'>) {
  /** Tenants below `rootId` (a whole sub-tree), as full rows. */
  const subTree = async (rootId: string) => {
    const ids = (await descendantsOf(db, rootId)).map((d) => d.id);
    return ids.length ? db.tenant.findMany({ where: { id: { in: ids } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }) : [];
  };
  const mustExist = async (id: string) => {
    const row = await db.tenant.findUnique({ where: { id } });
    return row ?? fail('tenant_not_found');
  };
  /**
   * `within`: the tenant a non-vendor caller acts in; the target must lie strictly below it (a
   * caller never deletes or rewrites its own tenant through the sub-tenant API). Outside the
   * sub-tree the answer is "not found", the same as for an unknown id.
   */
  const assertBelow = async (within: string | null, id: string) => {
    if (within === null) return;
    if (id === within || !(await isWithin(db, within, id))) fail('tenant_not_found');
  };

  const service = {
    create: (input: CreateTenantInput) => createTenantIn(db, input),

    async findById<Q extends object>(id: string, query?: Q) {
      return db.tenant.findUnique({ ...(query ?? {}), where: { id } });
    },

    /** Tenants by id, with the caller's selection (visibility is decided by the caller with ancestorIds). */
    findManyByIds<Q extends object>(ids: string[], query?: Q) {
      return db.tenant.findMany({ ...(query ?? {}), where: { id: { in: ids } } });
    },

    /** All tenants, for the vendor; the query carries the connection's paging. */
    list<Q extends object>(query?: Q) {
      return db.tenant.findMany({ orderBy: { createdAt: 'asc' }, ...(query ?? {}) });
    },

    async update<Q extends object>(id: string, raw: UpdateTenantInput, query?: Q) {
      const { metadata, ...rest } = parseInput(UpdateTenantInput, raw);
      const exists = await db.tenant.findUnique({ where: { id }, select: { id: true } });
      if (!exists) fail('tenant_not_found');
      return db.tenant.update({
        ...(query ?? {}),
        where: { id },
        data: { ...defined(rest), ...(metadata ? { metadata: metadata as Prisma.InputJsonObject } : {}) },
      });
    },

    /**
     * Deletes the tenant with everything that belongs to it, and nothing of its users' other
     * tenants. Memberships (and their roles), the tenant's roles, groups, API/access tokens,
     * invitations, policies, one-time tokens and pending logins go by FK cascade. What the
     * cascade would leave behind is handled here, in the same transaction:
     * - sessions logged in to this tenant are revoked: the FK only nulls their tenant, and a
     *   nulled session would silently refresh into another of the user's tenants;
     * - an application's "active tenant" pointing here is cleared (the assignment stays);
     * - the tenant's background jobs (bulk invites: emails, results) are removed.
     * Audit events stay: they are the record of what happened, deletion included.
     */
    async delete(id: string) {
      const deleted = await db.$transaction(async (tx) => {
        const tenant = await tx.tenant.findUnique({ where: { id }, select: { id: true, _count: { select: { children: true } } } });
        if (!tenant) fail('tenant_not_found');
        if (tenant._count.children > 0) fail('tenant_has_sub_tenants');
        await tx.session.updateMany({ where: { tenantId: id, revokedAt: null }, data: { revokedAt: clock.now(), revokedReason: 'tenant_deleted' } });
        await tx.userApplication.updateMany({ where: { tenantId: id }, data: { tenantId: null } });
        await tx.job.deleteMany({ where: { tenantId: id } });
        return tx.tenant.delete({ where: { id } });
      });
      // Its sessions (of any number of users) are revoked: every session-check cache drops all.
      publishRevoked(changes);
      return deleted;
    },

    /** Merges keys into the tenant's metadata in one statement (concurrent writers don't lose keys). */
    async setMetadata<Q extends object>(id: string, raw: unknown, query?: Q) {
      const metadata = parseInput(metadataSchema, raw);
      const n = await db.$executeRaw`
        UPDATE "Tenant" SET metadata = metadata || ${JSON.stringify(metadata)}::jsonb, "updatedAt" = ${clock.now()}
        WHERE id = ${id}`;
      if (n !== 1) fail('tenant_not_found');
      return (await db.tenant.findUnique({ ...(query ?? {}), where: { id } }))!;
    },

    /** Removes one metadata key; removing an absent key is not an error (idempotent). */
    async deleteMetadataKey<Q extends object>(id: string, rawKey: string, query?: Q) {
      const key = parseInput(MetadataKey, rawKey);
      const n = await db.$executeRaw`
        UPDATE "Tenant" SET metadata = metadata - ${key}::text, "updatedAt" = ${clock.now()} WHERE id = ${id}`;
      if (n !== 1) fail('tenant_not_found');
      return (await db.tenant.findUnique({ ...(query ?? {}), where: { id } }))!;
    },

    /** Whether `id` is `rootId` or below it. */
    isWithin: (rootId: string, id: string) => isWithin(db, rootId, id),

    /** Ancestors per tenant, nearest parent first (batched for GraphQL lists). */
    ancestorIds: (ids: readonly string[]) => ancestorsOf(db, ids),

    /** The ancestors of a tenant as rows, nearest parent first. */
    async ancestors(id: string) {
      await mustExist(id);
      const chain = (await ancestorsOf(db, [id])).get(id) ?? [];
      const rows = await db.tenant.findMany({ where: { id: { in: chain } } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return chain.map((a) => byId.get(a)).filter((r): r is TenantRow => !!r);
    },

    /** Every tenant below `rootId`, oldest first. */
    async descendants(rootId: string) {
      await mustExist(rootId);
      return subTree(rootId);
    },

    /** The sub-tree rooted at `rootId`, from one recursive read. */
    async tree(rootId: string): Promise<TenantTree> {
      const root = await mustExist(rootId);
      return { root, descendants: await subTree(rootId) };
    },

    /** Rows by id, in no particular order (unknown ids are left out). */
    findByIds: (ids: readonly string[]) => (ids.length ? db.tenant.findMany({ where: { id: { in: [...ids] } } }) : Promise.resolve([])),

    /** A page of the tenants below `rootId`, filtered by name or id. */
    async searchDescendants(rootId: string, raw: SearchSubTenantsInput) {
      const input = parseInput(SearchSubTenantsInput, raw);
      await mustExist(rootId);
      const ids = (await descendantsOf(db, rootId)).map((d) => d.id);
      const where: Prisma.TenantWhereInput = {
        id: { in: ids },
        ...(input.filter
          ? { OR: [{ name: { contains: input.filter, mode: 'insensitive' } }, { id: { contains: input.filter, mode: 'insensitive' } }] }
          : {}),
      };
      const dir = input.order === 'DESC' ? 'desc' : 'asc';
      const sortBy = input.sortBy === 'tenantId' ? 'id' : (input.sortBy ?? 'createdAt');
      const limit = input.limit ?? 50;
      const [items, total] = await Promise.all([
        db.tenant.findMany({ where, orderBy: [{ [sortBy]: dir }, { id: 'asc' }], take: limit, skip: input.offset ?? 0 }),
        db.tenant.count({ where }),
      ]);
      return { items, total, limit };
    },

    /**
     * Creates a tenant under `parentTenantId`. `within` (non-vendor callers) must be the parent
     * or lie above it: a tenant admin grows its own sub-tree only.
     */
    async createSubTenant(raw: CreateTenantInput, within: string | null) {
      const parent = parseInput(idSchema, raw.parentTenantId ?? '');
      if (within !== null && !(await isWithin(db, within, parent))) fail('tenant_not_found', 'Parent tenant not found');
      return createTenantIn(db, { ...raw, parentTenantId: parent });
    },

    async updateSubTenant<Q extends object>(id: string, raw: UpdateTenantInput, within: string | null, query?: Q) {
      await assertBelow(within, id);
      return service.update(id, raw, query);
    },

    /** Refused while it has sub-tenants (same rule as DELETE /tenants/v1/{id}). */
    async deleteSubTenant(id: string, within: string | null) {
      await assertBelow(within, id);
      const row = await mustExist(id);
      if (!row.parentId) fail('tenant_not_found', 'Not a sub-tenant');
      return service.delete(id);
    },

    /** Member counts (enabled or not) per tenant; unknown ids count 0. */
    async userCounts(raw: string[]) {
      const ids = [...new Set(parseInput(TenantIds, raw))];
      const rows = await db.userTenant.groupBy({ by: ['tenantId'], where: { tenantId: { in: ids } }, _count: { _all: true } });
      const counts = new Map(rows.map((r) => [r.tenantId, r._count._all]));
      return ids.map((tenantId) => ({ tenantId, totalUsers: counts.get(tenantId) ?? 0 }));
    },

    /**
     * Whether a user of `ownTenantId` may act in `targetTenantId`: the vendor allows sub-tenant
     * access, the user's (enabled, unexpired) membership has it, and the target lies below the
     * user's tenant. The one rule behind sub-tenant access (read by the GraphQL context).
     */
    async canActInSubTenant(userId: string, ownTenantId: string, targetTenantId: string) {
      if (ownTenantId === targetTenantId) return true;
      const [vendor, membership] = await Promise.all([
        db.vendorSettings.findUnique({ where: { id: 1 }, select: { subTenantAccessAllowed: true } }),
        db.userTenant.findUnique({
          where: { userId_tenantId: { userId, tenantId: ownTenantId } },
          select: { subTenantAccess: true, disabled: true, expiresAt: true, tenant: { select: { subAccountAccessType: true } } },
        }),
      ]);
      if (!vendor?.subTenantAccessAllowed || !membership || !memberMayEnterSubTenants(membership) || membership.disabled) return false;
      if (membership.expiresAt && membership.expiresAt <= clock.now()) return false;
      return isWithin(db, ownTenantId, targetTenantId);
    },

    /** Turns sub-tenant access on or off for a user's membership in `tenantId`. */
    async setSubTenantAccess(tenantId: string, userId: string, allowAccess: boolean) {
      parseInput(z.boolean(), allowAccess);
      const { count } = await db.userTenant.updateMany({ where: { tenantId, userId }, data: { subTenantAccess: allowAccess } });
      if (count !== 1) fail('user_not_found');
      return { userId, tenantId, subTenantAccess: allowAccess };
    },

    /**
     * The user's tenants, each with the sub-tree the user may enter from it (empty where
     * sub-tenant access is off for the vendor or the membership).
     */
    async userHierarchy(userId: string) {
      const [vendor, memberships] = await Promise.all([
        db.vendorSettings.findUnique({ where: { id: 1 }, select: { subTenantAccessAllowed: true } }),
        db.userTenant.findMany({ where: { userId, disabled: false }, include: { tenant: true }, orderBy: { createdAt: 'asc' } }),
      ]);
      const now = clock.now();
      return Promise.all(
        memberships
          .filter((m) => !m.expiresAt || m.expiresAt > now)
          .map(
            async (m): Promise<TenantTree> => ({
              root: m.tenant,
              descendants: vendor?.subTenantAccessAllowed && memberMayEnterSubTenants(m) ? await subTree(m.tenantId) : [],
            }),
          ),
      );
    },
  };
  return service;
}

export type TenantsService = ReturnType<typeof createTenantsService>;
