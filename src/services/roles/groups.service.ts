// Groups of a tenant's users. A group's roles flow into its users' tokens in that tenant
// (authorization.service reads them), so putting roles on a group, or users in a group with roles,
// is a grant: a tenant actor may only do it with permissions it holds itself. Everything is scoped
// to one tenant; another tenant's group, role or user is "not found" / invalid.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma, Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { upsertPolicyRow } from '../policies/policy-rows.ts';
import { idSchema, metadataSchema, parseInput } from '../validation.ts';
import { assertGrantable, requireTenant, type ManagementActor } from './actor.ts';
import { isUniqueViolation, loadAssignableRoles } from './roles.service.ts';

const nameSchema = z.string().trim().min(1).max(255);
const GroupFields = z.object({
  name: nameSchema,
  description: z.string().trim().max(1024).nullish(),
  color: z.string().trim().max(64).nullish(),
  metadata: metadataSchema.nullish(),
});
export type CreateGroupInput = z.input<typeof GroupFields>;
const UpdateGroupInput = GroupFields.partial().extend({ name: nameSchema.nullish() });
export type UpdateGroupInput = z.input<typeof UpdateGroupInput>;
const ids = z.array(idSchema).min(1).max(500);

const PageInput = z.object({
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).max(1_000_000).nullish(),
  sortBy: z.enum(['id', 'name', 'createdAt', 'updatedAt']).nullish(),
  order: z.enum(['ASC', 'DESC']).nullish(),
});
export type GroupPageInput = z.input<typeof PageInput>;

const ConfigInput = z.object({ enabled: z.boolean().nullish(), rolesEnabled: z.boolean().nullish() });
export interface GroupsConfig {
  enabled: boolean;
  rolesEnabled: boolean;
}

type Query = object;

async function readConfig(db: Tx): Promise<GroupsConfig> {
  const row = await db.policy.findFirst({ where: { type: 'GROUPS_CONFIG', tenantId: null }, select: { config: true } });
  const c = (row?.config ?? {}) as Partial<GroupsConfig>;
  return { enabled: c.enabled ?? true, rolesEnabled: c.rolesEnabled ?? true };
}

async function groupIn(tx: Tx, tenantId: string, id: string) {
  const g = await tx.group.findFirst({ where: { id, tenantId }, select: { id: true } });
  if (!g) fail('group_not_found');
  return g;
}

export function createGroupsService({ db }: Pick<Deps, 'db'>) {
  return {
    getConfig: () => readConfig(db),

    /** Vendor only (the transport checks): one vendor-wide row, merged over the current values. */
    async setConfig(raw: z.input<typeof ConfigInput>) {
      const input = parseInput(ConfigInput, raw);
      const current = await readConfig(db);
      const next = { enabled: input.enabled ?? current.enabled, rolesEnabled: input.rolesEnabled ?? current.rolesEnabled };
      await upsertPolicyRow(db, 'GROUPS_CONFIG', null, next);
      return next;
    },

    list<Q extends Query>(actor: ManagementActor, query?: Q) {
      return db.group.findMany({ ...(query ?? {}), where: { tenantId: requireTenant(actor) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },

    /**
     * Groups by id in one statement: a tenant actor only its tenant's; the vendor any (it may name
     * every tenant, so `find` with the group's tenant would return it too).
     */
    findManyVisible<Q extends Query>(actor: ManagementActor, groupIds: string[], query?: Q) {
      const scope = actor.kind === 'vendor' ? {} : { tenantId: requireTenant(actor) };
      return db.group.findMany({ ...(query ?? {}), where: { id: { in: groupIds }, ...scope } });
    },

    find<Q extends Query>(actor: ManagementActor, id: string, query?: Q) {
      return db.group.findFirst({ ...(query ?? {}), where: { id, tenantId: requireTenant(actor) } });
    },

    /** The actor's groups among `groupIds`; unknown and foreign ids are left out (Frontegg's bulkGet). */
    findMany<Q extends Query>(actor: ManagementActor, groupIds: string[], query?: Q) {
      const list = parseInput(ids, groupIds);
      return db.group.findMany({ ...(query ?? {}), where: { id: { in: list }, tenantId: requireTenant(actor) }, orderBy: { createdAt: 'asc' } });
    },

    pageItems<Q extends Query>(actor: ManagementActor, raw: GroupPageInput, query?: Q) {
      const p = parseInput(PageInput, raw);
      const limit = p.limit ?? 50;
      const orderBy = [{ [p.sortBy ?? 'createdAt']: p.order === 'DESC' ? 'desc' : 'asc' }, { id: 'asc' as const }];
      return db.group.findMany({ ...(query ?? {}), where: { tenantId: requireTenant(actor) }, orderBy, skip: (p.offset ?? 0) * limit, take: limit });
    },

    async pageCount(actor: ManagementActor, raw: GroupPageInput) {
      const p = parseInput(PageInput, raw);
      const totalItems = await db.group.count({ where: { tenantId: requireTenant(actor) } });
      return { totalItems, totalPages: Math.ceil(totalItems / (p.limit ?? 50)) };
    },

    async create(actor: ManagementActor, raw: CreateGroupInput) {
      const input = parseInput(GroupFields, raw);
      const tenantId = requireTenant(actor);
      return db.$transaction(async (tx) => {
        if (!(await readConfig(tx)).enabled) fail('groups_disabled');
        if (!(await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) fail('tenant_not_found');
        try {
          const g = await tx.group.create({
            data: {
              tenantId,
              name: input.name,
              description: input.description ?? null,
              color: input.color ?? null,
              metadata: (input.metadata ?? {}) as Prisma.InputJsonObject,
            },
            select: { id: true },
          });
          return g.id;
        } catch (e) {
          if (isUniqueViolation(e)) fail('group_already_exists');
          throw e;
        }
      });
    },

    async update(actor: ManagementActor, id: string, raw: UpdateGroupInput) {
      const { metadata, ...rest } = parseInput(UpdateGroupInput, raw);
      const tenantId = requireTenant(actor);
      await db.$transaction(async (tx) => {
        await groupIn(tx, tenantId, id);
        const data = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null));
        try {
          await tx.group.update({ where: { id }, data: { ...data, ...(metadata ? { metadata: metadata as Prisma.InputJsonObject } : {}) } });
        } catch (e) {
          if (isUniqueViolation(e)) fail('group_already_exists');
          throw e;
        }
      });
    },

    async delete(actor: ManagementActor, id: string) {
      const tenantId = requireTenant(actor);
      await db.$transaction(async (tx) => {
        await groupIn(tx, tenantId, id);
        await tx.group.delete({ where: { id } });
      });
    },

    async addRoles(actor: ManagementActor, groupId: string, rawRoleIds: string[]) {
      const roleIds = parseInput(ids, rawRoleIds);
      const tenantId = requireTenant(actor);
      await db.$transaction(async (tx) => {
        if (!(await readConfig(tx)).rolesEnabled) fail('group_roles_disabled');
        await groupIn(tx, tenantId, groupId);
        const valid = await loadAssignableRoles(tx, actor, tenantId, roleIds);
        await tx.groupRole.createMany({ data: valid.map((roleId) => ({ groupId, roleId })), skipDuplicates: true });
      });
    },

    async removeRoles(actor: ManagementActor, groupId: string, rawRoleIds: string[]) {
      const roleIds = parseInput(ids, rawRoleIds);
      const tenantId = requireTenant(actor);
      await db.$transaction(async (tx) => {
        await groupIn(tx, tenantId, groupId);
        await tx.groupRole.deleteMany({ where: { groupId, roleId: { in: roleIds } } });
      });
    },

    /** Users must be members of the group's tenant; joining a group with roles grants those roles' permissions. */
    async addUsers(actor: ManagementActor, groupId: string, rawUserIds: string[]) {
      const userIds = [...new Set(parseInput(ids, rawUserIds))];
      const tenantId = requireTenant(actor);
      await db.$transaction(async (tx) => {
        await groupIn(tx, tenantId, groupId);
        const members = await tx.userTenant.count({ where: { tenantId, userId: { in: userIds } } });
        if (members !== userIds.length) fail('group_user_ids_invalid');
        const granted = await tx.permission.findMany({
          where: { roles: { some: { role: { groups: { some: { groupId } } } } } },
          select: { key: true },
        });
        assertGrantable(actor, granted.map((p) => p.key));
        await tx.groupUser.createMany({ data: userIds.map((userId) => ({ groupId, userId })), skipDuplicates: true });
      });
    },

    async removeUsers(actor: ManagementActor, groupId: string, rawUserIds: string[]) {
      const userIds = parseInput(ids, rawUserIds);
      const tenantId = requireTenant(actor);
      await db.$transaction(async (tx) => {
        await groupIn(tx, tenantId, groupId);
        await tx.groupUser.deleteMany({ where: { groupId, userId: { in: userIds } } });
      });
    },
  };
}

export type GroupsService = ReturnType<typeof createGroupsService>;
