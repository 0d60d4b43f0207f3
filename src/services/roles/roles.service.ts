// Roles: vendor-wide (tenantId null, managed by the vendor, read-only to tenants) and a tenant's
// own. A tenant actor sees the vendor-wide roles and its own; it never sees or touches another
// tenant's (they are "not found"). Keys are unique per scope; a tenant role cannot shadow a
// vendor-wide key. Every multi-write unit is one transaction, so a refused request writes nothing.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma, type Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { idSchema, parseInput } from '../validation.ts';
import { assertGrantable, type ManagementActor } from './actor.ts';
import { assertUserRoles } from './role-types.ts';

const keySchema = z.string().trim().min(1).max(255);
const ids = z.array(idSchema).max(500);

const RoleFields = z.object({
  key: keySchema,
  name: z.string().trim().min(1).max(255),
  description: z.string().trim().max(1024).nullish(),
  isDefault: z.boolean().nullish(),
  firstUserRole: z.boolean().nullish(),
  level: z.number().int().min(0).max(1_000_000).nullish(),
  permissionIds: ids.nullish(),
  baseRoleId: idSchema.nullish(),
  /** Logto's role type (role-types.ts); Frontegg's roles are USER roles. */
  type: z.enum(['USER', 'MACHINE_TO_MACHINE']).nullish(),
});
export type CreateRoleInput = z.input<typeof RoleFields>;

// The type is fixed at creation (Logto): a USER role already on memberships cannot become a machine role.
const UpdateRoleInput = RoleFields.omit({ permissionIds: true, baseRoleId: true, type: true })
  .partial()
  .extend({ key: keySchema.nullish(), name: z.string().trim().min(1).max(255).nullish(), migrateRole: z.boolean().nullish() });
export type UpdateRoleInput = z.input<typeof UpdateRoleInput>;

export const ROLE_SORT_FIELDS = ['key', 'name', 'description', 'isDefault', 'firstUserRole', 'level', 'updatedAt', 'createdAt', 'permissions', 'userTenants', 'groups'] as const;

const PageInput = z.object({
  limit: z.number().int().min(1).max(1000).nullish(),
  /** Frontegg's _offset is a page number. */
  offset: z.number().int().min(0).max(1_000_000).nullish(),
  sortBy: z.enum(ROLE_SORT_FIELDS).nullish(),
  order: z.enum(['ASC', 'DESC']).nullish(),
  filter: z.string().trim().max(255).nullish(),
  levels: z.array(z.number().int()).max(100).nullish(),
  tenantIds: z.array(idSchema).max(100).nullish(),
});
export type RolePageInput = z.input<typeof PageInput>;

export const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** The roles an actor reads: vendor-wide, plus the tenant it acts in (the vendor without a tenant: vendor-wide only). */
export function visibleRoles(actor: ManagementActor): Prisma.RoleWhereInput {
  return actor.tenantId ? { OR: [{ tenantId: null }, { tenantId: actor.tenantId }] } : { tenantId: null };
}

/** Roles an actor may put on a user or group of `tenantId`: vendor-wide or that tenant's. */
export async function loadAssignableRoles(tx: Tx, actor: ManagementActor, tenantId: string, roleIds: string[]) {
  const unique = [...new Set(roleIds)];
  const roles = await tx.role.findMany({
    where: { id: { in: unique }, OR: [{ tenantId: null }, { tenantId }] },
    select: { id: true, type: true, permissions: { select: { permission: { select: { key: true } } } } },
  });
  if (roles.length !== unique.length) fail('role_ids_invalid');
  assertUserRoles(roles);
  assertGrantable(actor, roles.flatMap((r) => r.permissions.map((p) => p.permission.key)));
  return unique;
}

/** Permissions that may be put on a role: existing, assignable (not NEVER) and held by a tenant actor. */
async function loadAssignablePermissions(tx: Tx, actor: ManagementActor, permissionIds: string[]) {
  const unique = [...new Set(permissionIds)];
  if (!unique.length) return [];
  const found = await tx.permission.findMany({
    where: { id: { in: unique }, assignmentType: { not: 'NEVER' } },
    select: { id: true, key: true },
  });
  if (found.length !== unique.length) fail('permission_ids_invalid');
  assertGrantable(actor, found.map((p) => p.key));
  return unique;
}

/** A role the actor may change: the vendor any, a tenant only its own (vendor-wide ones are read-only). */
async function editableRole(tx: Tx, actor: ManagementActor, id: string) {
  const where: Prisma.RoleWhereInput = actor.kind === 'vendor' ? { id } : { id, ...visibleRoles(actor) };
  const role = await tx.role.findFirst({ where, select: { id: true, tenantId: true, key: true, type: true } });
  if (!role) fail('role_not_found');
  if (role.tenantId === null && actor.kind !== 'vendor') fail('role_vendor_managed');
  return role;
}

/**
 * Fails when `key` is taken in the scope: the same tenant, or vendor-wide (which every tenant
 * sees). The (tenantId, key) index does not cover NULL tenants, so vendor-wide keys are checked here.
 */
async function assertKeyFree(tx: Tx, tenantId: string | null, key: string, exceptId?: string) {
  const taken = await tx.role.findFirst({
    where: { key, id: exceptId ? { not: exceptId } : undefined, OR: tenantId ? [{ tenantId: null }, { tenantId }] : [{ tenantId: null }] },
    select: { id: true },
  });
  if (taken) fail('role_already_exists');
}

function pageOf(actor: ManagementActor, raw: RolePageInput) {
  const p = parseInput(PageInput, raw);
  const scope: Prisma.RoleWhereInput[] = [];
  if (p.tenantIds?.length) {
    // A tenant actor's filter can only narrow to its own tenant.
    const allowed = actor.kind === 'vendor' ? p.tenantIds : p.tenantIds.filter((t) => t === actor.tenantId);
    scope.push({ tenantId: { in: allowed } });
  } else scope.push(actor.kind === 'vendor' && !actor.tenantId ? {} : visibleRoles(actor));
  if (p.levels?.length) scope.push({ level: { in: p.levels } });
  if (p.filter) scope.push({ OR: [{ key: { contains: p.filter, mode: 'insensitive' } }, { name: { contains: p.filter, mode: 'insensitive' } }] });
  const dir = p.order === 'DESC' ? 'desc' : 'asc';
  const sortBy = p.sortBy ?? 'createdAt';
  const orderBy: Prisma.RoleOrderByWithRelationInput =
    sortBy === 'permissions' || sortBy === 'groups'
      ? { [sortBy]: { _count: dir } }
      : sortBy === 'userTenants'
        ? { memberships: { _count: dir } }
        : sortBy === 'description'
          ? { description: { sort: dir, nulls: 'last' } }
          : { [sortBy]: dir };
  return { where: { AND: scope } satisfies Prisma.RoleWhereInput, orderBy, limit: p.limit ?? 50, page: p.offset ?? 0 };
}

type Query = object;

export function createRolesService({ db, clock }: Pick<Deps, 'db' | 'clock'>) {
  async function createIn(tx: Tx, actor: ManagementActor, input: z.output<typeof RoleFields>) {
    const tenantId = actor.tenantId;
    // Machine roles go to machine-to-machine applications, which belong to no tenant.
    if (input.type === 'MACHINE_TO_MACHINE' && (actor.kind !== 'vendor' || tenantId || input.isDefault || input.firstUserRole)) fail('role_type_invalid');
    if (tenantId && !(await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) fail('tenant_not_found');
    await assertKeyFree(tx, tenantId, input.key);
    let level = input.level ?? undefined;
    if (input.baseRoleId) {
      const base = await tx.role.findFirst({ where: { id: input.baseRoleId, ...visibleRoles(actor) }, select: { level: true } });
      if (!base) fail('role_not_found');
      level = base.level;
    }
    const permissionIds = await loadAssignablePermissions(tx, actor, input.permissionIds ?? []);
    try {
      return await tx.role.create({
        data: {
          tenantId,
          key: input.key,
          name: input.name,
          description: input.description ?? null,
          isDefault: input.isDefault ?? false,
          firstUserRole: input.firstUserRole ?? false,
          level,
          type: input.type ?? 'USER',
          permissions: { create: permissionIds.map((permissionId) => ({ permissionId })) },
        },
        select: { id: true },
      });
    } catch (e) {
      if (isUniqueViolation(e)) fail('role_already_exists');
      throw e;
    }
  }

  return {
    /** The roles the actor reads, by level then key. */
    list<Q extends Query>(actor: ManagementActor, query?: Q) {
      return db.role.findMany({ ...(query ?? {}), where: visibleRoles(actor), orderBy: [{ level: 'asc' }, { key: 'asc' }] });
    },

    findVisible<Q extends Query>(actor: ManagementActor, id: string, query?: Q) {
      const where = actor.kind === 'vendor' ? { id } : { id, ...visibleRoles(actor) };
      return db.role.findFirst({ ...(query ?? {}), where });
    },

    /** Roles by id that `findVisible` would return, in one statement. */
    findManyVisible<Q extends Query>(actor: ManagementActor, roleIds: string[], query?: Q) {
      const where = actor.kind === 'vendor' ? { id: { in: roleIds } } : { id: { in: roleIds }, ...visibleRoles(actor) };
      return db.role.findMany({ ...(query ?? {}), where });
    },

    /** Roles by id, for reading back what was just written. */
    findByIds<Q extends Query>(roleIds: string[], query?: Q) {
      return db.role.findMany({ ...(query ?? {}), where: { id: { in: roleIds } }, orderBy: [{ level: 'asc' }, { key: 'asc' }] });
    },

    /** Several roles at once (Frontegg's POST /roles/v1 takes an array): all are created or none. */
    async createMany(actor: ManagementActor, raw: CreateRoleInput[]) {
      const inputs = parseInput(z.array(RoleFields).min(1).max(100), raw);
      if (new Set(inputs.map((r) => r.key)).size !== inputs.length) fail('role_already_exists');
      return db.$transaction(async (tx) => {
        const created: string[] = [];
        for (const input of inputs) created.push((await createIn(tx, actor, input)).id);
        return created;
      });
    },

    /** One page of the roles the actor reads. `offset` is a page number (Frontegg). */
    pageItems<Q extends Query>(actor: ManagementActor, raw: RolePageInput, query?: Q) {
      const p = pageOf(actor, raw);
      return db.role.findMany({ ...(query ?? {}), where: p.where, orderBy: [p.orderBy, { id: 'asc' }], skip: p.page * p.limit, take: p.limit });
    },

    async pageCount(actor: ManagementActor, raw: RolePageInput) {
      const p = pageOf(actor, raw);
      const totalItems = await db.role.count({ where: p.where });
      return { totalItems, totalPages: Math.ceil(totalItems / p.limit) };
    },

    async distinctLevels(actor: ManagementActor) {
      const rows = await db.role.findMany({ where: visibleRoles(actor), distinct: ['level'], select: { level: true }, orderBy: { level: 'asc' } });
      return rows.map((r) => r.level);
    },

    /** Tenants that have roles of their own: any for the vendor, only its own for a tenant actor. */
    async distinctTenants(actor: ManagementActor) {
      const where: Prisma.RoleWhereInput = actor.kind === 'vendor' ? { tenantId: { not: null } } : { tenantId: actor.tenantId };
      const rows = await db.role.findMany({ where, distinct: ['tenantId'], select: { tenantId: true }, orderBy: { tenantId: 'asc' } });
      return rows.map((r) => r.tenantId!);
    },

    async update(actor: ManagementActor, id: string, raw: UpdateRoleInput) {
      const { migrateRole, ...patch } = parseInput(UpdateRoleInput, raw);
      await db.$transaction(async (tx) => {
        const role = await editableRole(tx, actor, id);
        if (role.type === 'MACHINE_TO_MACHINE' && (patch.isDefault || patch.firstUserRole)) fail('role_type_invalid');
        if (patch.key && patch.key !== role.key) await assertKeyFree(tx, role.tenantId, patch.key, id);
        const data = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null));
        try {
          await tx.role.update({ where: { id }, data: { ...data, ...(patch.description === null ? { description: null } : {}) } });
        } catch (e) {
          if (isUniqueViolation(e)) fail('role_already_exists');
          throw e;
        }
        // Frontegg: migrateRole with isDefault gives the role to every existing user of its scope.
        if (migrateRole && patch.isDefault) {
          await tx.$executeRaw`
            INSERT INTO "UserTenantRole" ("membershipId", "roleId", "createdAt")
            SELECT ut.id, ${id}, now() FROM "UserTenant" ut
            WHERE ${role.tenantId}::text IS NULL OR ut."tenantId" = ${role.tenantId}
            ON CONFLICT DO NOTHING`;
        }
      });
    },

    async delete(actor: ManagementActor, id: string) {
      await db.$transaction(async (tx) => {
        await editableRole(tx, actor, id);
        await tx.role.delete({ where: { id } });
      });
    },

    /** Replaces the role's permissions. */
    async setPermissions(actor: ManagementActor, id: string, rawPermissionIds: string[]) {
      const permissionIds = parseInput(ids, rawPermissionIds);
      await db.$transaction(async (tx) => {
        await editableRole(tx, actor, id);
        const granted = await loadAssignablePermissions(tx, actor, permissionIds);
        await tx.rolePermission.deleteMany({ where: { roleId: id } });
        await tx.rolePermission.createMany({ data: granted.map((permissionId) => ({ roleId: id, permissionId })) });
        await tx.role.update({ where: { id }, data: { updatedAt: clock.now() } });
      });
    },

    /** Vendor only (the transport checks): moves a role to a tenant, making it that tenant's own. */
    async setTenant(id: string, rawTenantId: string) {
      const tenantId = parseInput(idSchema, rawTenantId);
      await db.$transaction(async (tx) => {
        const role = await tx.role.findUnique({ where: { id }, select: { key: true, type: true } });
        if (!role) fail('role_not_found');
        if (role.type === 'MACHINE_TO_MACHINE') fail('role_type_invalid');
        if (!(await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) fail('tenant_not_found');
        await assertKeyFree(tx, tenantId, role.key, id);
        await tx.role.update({ where: { id }, data: { tenantId } });
      });
    },
  };
}

export type RolesService = ReturnType<typeof createRolesService>;
