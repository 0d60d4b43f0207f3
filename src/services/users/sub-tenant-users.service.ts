// Users across a tenant and its sub-tenants (Frontegg's sub-tenant user management): listing the
// members of a whole sub-tree, adding one user to several tenants at once, removing them, and
// adding / setting / removing their roles per tenant.
//
// The actor (roles/actor.ts) acts within one root: a tenant admin its acting tenant, the vendor
// the tenant it names (or anywhere). Every target tenant must be the root or lie below it; a
// tenant outside looks exactly like an unknown one (tenant_not_found). Each write checks every
// target (tenant, membership, roles valid for that tenant and grantable by the actor) inside one
// transaction before or while writing, so a single bad target leaves nothing behind.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma, type Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { publishRevoked } from '../auth/session-check.ts';
import { assertGrantable, type ManagementActor } from '../roles/actor.ts';
import { assertUserRoles } from '../roles/role-types.ts';
import { ancestorsOf, descendantsOf } from '../tenants/hierarchy.ts';
import { emailSchema, idSchema, metadataSchema, nameSchema, parseInput, urlSchema } from '../validation.ts';
import { assertMailAvailable } from './account-tokens.ts';
import type { InvitationsService } from './invitations.service.ts';
import { MAX_USERS_PAGE, leaveTenantIn } from './user-management.service.ts';
import { createUserIn } from './users.service.ts';

/** Tenants one call may touch; a sub-tree wider than this is managed in several calls. */
const MAX_TARGETS = 100;
const RoleIds = z.array(idSchema).max(100);

/** Target tenants must be distinct: one tenant twice in a call has no single meaning. */
const distinctTenants = <T extends { tenantId: string }>(list: T[]) => new Set(list.map((t) => t.tenantId)).size === list.length;

const TenantRoles = z
  .array(z.object({ tenantId: idSchema, roleIds: RoleIds }))
  .min(1)
  .max(MAX_TARGETS)
  .refine(distinctTenants, { message: 'each tenantId may appear once' });
export type TenantRolesInput = z.input<typeof TenantRoles>;

const NewUser = z.object({
  email: emailSchema,
  name: nameSchema.nullish(),
  profilePictureUrl: urlSchema.nullish(),
  metadata: metadataSchema.nullish(),
});

const AddUserInput = NewUser.extend({
  subTenants: z
    .array(z.object({ tenantId: idSchema, roleIds: RoleIds.nullish() }))
    .min(1)
    .max(MAX_TARGETS)
    .refine(distinctTenants, { message: 'each tenantId may appear once' }),
  skipInviteEmail: z.boolean().nullish(),
});
export type AddUserToSubTenantsInput = z.input<typeof AddUserInput>;

const AddUsersInput = z.object({
  tenantId: idSchema,
  users: z
    .array(NewUser.extend({ roleIds: RoleIds.nullish() }))
    .min(1)
    .max(MAX_TARGETS)
    .refine((l) => new Set(l.map((u) => u.email)).size === l.length, { message: 'each email may appear once' }),
  skipInviteEmail: z.boolean().nullish(),
});
export type AddUsersToSubTenantInput = z.input<typeof AddUsersInput>;

const RemoveInput = z.object({
  userId: idSchema,
  subTenants: z
    .array(z.object({ tenantId: idSchema }))
    .min(1)
    .max(MAX_TARGETS)
    .refine(distinctTenants, { message: 'each tenantId may appear once' }),
});
export type RemoveUserFromSubTenantsInput = z.input<typeof RemoveInput>;

export const ListSubTenantUsersInput = z.object({
  limit: z.number().int().min(1).max(MAX_USERS_PAGE).nullish(),
  offset: z.number().int().min(0).max(1_000_000).nullish(),
  /** Case-insensitive substring of the email or the name. */
  filter: z.string().trim().min(1).max(255).nullish(),
  sortBy: z.enum(['createdAt', 'name', 'email']).nullish(),
  order: z.enum(['ASC', 'DESC']).nullish(),
});
export type ListSubTenantUsersInput = z.input<typeof ListSubTenantUsersInput>;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const roleSelect = { include: { permissions: { select: { permission: { select: { id: true } } } } } } as const;

type SubTenantUsersDeps = Pick<Deps, 'db' | 'hasher' | 'clock' | 'mailer' | 'logger' | 'config' | 'changes'> & { invitations: Pick<InvitationsService, 'issueIn' | 'mail'> };

export function createSubTenantUsersService(deps: SubTenantUsersDeps) {
  const { db, clock, invitations } = deps;

  /** The tenant the actor's sub-tree hangs from; null only for the vendor without a tenant. */
  const rootOf = (actor: ManagementActor) => actor.tenantId;

  /** Every target exists and lies in the actor's sub-tree (one statement for the ancestry of all). */
  async function assertTargets(tx: Tx, actor: ManagementActor, tenantIds: string[]) {
    const found = await tx.tenant.count({ where: { id: { in: tenantIds } } });
    if (found !== tenantIds.length) fail('tenant_not_found');
    const root = rootOf(actor);
    if (root === null) return;
    const chains = await ancestorsOf(tx, tenantIds);
    for (const id of tenantIds) if (id !== root && !chains.get(id)?.includes(root)) fail('tenant_not_found');
  }

  /** The roles exist for `tenantId` (vendor-wide or its own) and the actor holds their permissions. */
  async function assertRoles(tx: Tx, actor: ManagementActor, tenantId: string, rawRoleIds: string[]) {
    const roleIds = [...new Set(rawRoleIds)];
    if (roleIds.length === 0) return roleIds;
    const roles = await tx.role.findMany({
      where: { id: { in: roleIds }, OR: [{ tenantId: null }, { tenantId }] },
      select: { type: true, permissions: { select: { permission: { select: { key: true } } } } },
    });
    if (roles.length !== roleIds.length) fail('role_ids_invalid');
    assertUserRoles(roles);
    assertGrantable(actor, roles.flatMap((r) => r.permissions.map((p) => p.permission.key)));
    return roleIds;
  }

  async function requireMembership(tx: Tx, userId: string, tenantId: string) {
    const m = await tx.userTenant.findUnique({ where: { userId_tenantId: { userId, tenantId } }, select: { id: true } });
    return m ?? fail('user_not_found');
  }

  /**
   * Adds one person (by email) to each target with the given roles (the tenant's defaults when
   * none). A new email becomes an active user. A registered email added by a tenant admin
   * becomes pending memberships with invitations, as POST /users/v1 does: an admin may not pull
   * someone else's account into its tenants without their acceptance; the vendor places directly.
   */
  async function addIn(
    tx: Tx,
    actor: ManagementActor,
    user: z.output<typeof NewUser>,
    targets: Array<{ tenantId: string; roleIds?: string[] | null }>,
  ) {
    await assertTargets(tx, actor, targets.map((t) => t.tenantId));
    for (const t of targets) if (t.roleIds?.length) await assertRoles(tx, actor, t.tenantId, t.roleIds);
    const registered = !!(await tx.user.findUnique({ where: { email: user.email }, select: { id: true } }));
    const invite = registered && actor.kind !== 'vendor';
    let userId = '';
    const issued = [];
    for (const t of targets) {
      ({ userId } = await createUserIn(tx, deps, { ...user, tenantId: t.tenantId, roleIds: t.roleIds?.length ? t.roleIds : null }));
      if (!invite) continue;
      await tx.userTenant.update({ where: { userId_tenantId: { userId, tenantId: t.tenantId } }, data: { activatedForTenant: false } });
      const row = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, name: true } });
      issued.push(await invitations.issueIn(tx, { userId, tenantId: t.tenantId, email: row.email, name: row.name }));
    }
    return { userId, email: user.email, invited: invite, issued };
  }

  async function changeRoles(actor: ManagementActor, rawUserId: string, raw: TenantRolesInput, mode: 'add' | 'set' | 'remove') {
    const userId = parseInput(idSchema, rawUserId);
    const targets = parseInput(TenantRoles, raw);
    if (mode !== 'set' && targets.some((t) => t.roleIds.length === 0)) fail('validation_failed', 'roleIds must not be empty');
    return db.$transaction(async (tx) => {
      await assertTargets(tx, actor, targets.map((t) => t.tenantId));
      for (const t of targets) {
        const m = await requireMembership(tx, userId, t.tenantId);
        const roleIds = [...new Set(t.roleIds)];
        if (mode === 'remove') {
          await tx.userTenantRole.deleteMany({ where: { membershipId: m.id, roleId: { in: roleIds } } });
          continue;
        }
        await assertRoles(tx, actor, t.tenantId, roleIds);
        if (mode === 'set') await tx.userTenantRole.deleteMany({ where: { membershipId: m.id } });
        await tx.userTenantRole.createMany({ data: roleIds.map((roleId) => ({ membershipId: m.id, roleId })), skipDuplicates: true });
      }
      return { userId, tenantIds: targets.map((t) => t.tenantId) };
    });
  }

  return {
    /**
     * A page of the users of the actor's tenant and every tenant below it, each with its
     * memberships (and their roles) inside that sub-tree only: memberships elsewhere stay hidden.
     */
    async list(actor: ManagementActor, raw: ListSubTenantUsersInput) {
      const input = parseInput(ListSubTenantUsersInput, raw);
      const root = rootOf(actor) ?? fail('tenant_header_required');
      if (!(await db.tenant.findUnique({ where: { id: root }, select: { id: true } }))) fail('tenant_not_found');
      const tenantIds = [root, ...(await descendantsOf(db, root)).map((d) => d.id)];
      const where: Prisma.UserWhereInput = {
        memberships: { some: { tenantId: { in: tenantIds } } },
        // Invisible users (support staff) are hidden from everyone but the vendor.
        ...(actor.kind === 'vendor' ? {} : { invisible: false }),
        ...(input.filter
          ? { OR: [{ email: { contains: likeEscape(input.filter.toLowerCase()) } }, { name: { contains: likeEscape(input.filter), mode: 'insensitive' } }] }
          : {}),
      };
      const dir = input.order === 'DESC' ? 'desc' : 'asc';
      const sortBy = input.sortBy ?? 'createdAt';
      const limit = input.limit ?? 50;
      const [items, total] = await Promise.all([
        db.user.findMany({
          where,
          // id breaks ties so pages never overlap or skip rows
          orderBy: [sortBy === 'createdAt' ? { createdAt: dir } : { [sortBy]: { sort: dir, nulls: 'last' } }, { id: dir }],
          take: limit,
          skip: input.offset ?? 0,
          include: {
            memberships: {
              where: { tenantId: { in: tenantIds } },
              orderBy: { createdAt: 'asc' },
              include: { roles: { orderBy: { createdAt: 'asc' }, include: { role: roleSelect } } },
            },
          },
        }),
        db.user.count({ where }),
      ]);
      return { items, total, limit };
    },

    /** Adds a user (by email) to several tenants of the sub-tree at once; all or nothing. */
    async addUser(actor: ManagementActor, raw: AddUserToSubTenantsInput) {
      const { subTenants, skipInviteEmail, ...user } = parseInput(AddUserInput, raw);
      if (!skipInviteEmail && actor.kind !== 'vendor' && (await db.user.findUnique({ where: { email: user.email }, select: { id: true } }))) {
        assertMailAvailable(deps);
      }
      const out = await db.$transaction((tx) => addIn(tx, actor, user, subTenants));
      if (!skipInviteEmail) for (const i of out.issued) invitations.mail(i);
      return [{ userId: out.userId, email: out.email, invited: out.invited }];
    },

    /** Adds several users (by email) to one tenant of the sub-tree; all or nothing. */
    async addUsers(actor: ManagementActor, raw: AddUsersToSubTenantInput) {
      const { tenantId, users, skipInviteEmail } = parseInput(AddUsersInput, raw);
      if (!skipInviteEmail && actor.kind !== 'vendor' && (await db.user.count({ where: { email: { in: users.map((u) => u.email) } } })) > 0) {
        assertMailAvailable(deps);
      }
      const outs = await db.$transaction(async (tx) => {
        const done = [];
        for (const { roleIds, ...user } of users) done.push(await addIn(tx, actor, user, [{ tenantId, roleIds }]));
        return done;
      });
      if (!skipInviteEmail) for (const o of outs) for (const i of o.issued) invitations.mail(i);
      return outs.map((o) => ({ userId: o.userId, email: o.email, invited: o.invited }));
    },

    /** Removes the user from each target tenant (roles, groups, sessions there); all or nothing. */
    async removeUser(actor: ManagementActor, raw: RemoveUserFromSubTenantsInput) {
      const input = parseInput(RemoveInput, raw);
      const tenantIds = input.subTenants.map((t) => t.tenantId);
      const done = await db.$transaction(async (tx) => {
        await assertTargets(tx, actor, tenantIds);
        for (const tenantId of tenantIds) {
          await requireMembership(tx, input.userId, tenantId);
          // Re-read: leaving one tenant may have moved the active tenant.
          const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId }, select: { id: true, activeTenantId: true } });
          await leaveTenantIn(tx, clock, user, tenantId);
        }
        return { userId: input.userId, tenantIds };
      });
      publishRevoked(deps.changes, { userId: input.userId });
      return done;
    },

    addRoles: (actor: ManagementActor, userId: string, raw: TenantRolesInput) => changeRoles(actor, userId, raw, 'add'),
    /** Replaces the user's roles in each target tenant (an empty list leaves none there). */
    setRoles: (actor: ManagementActor, userId: string, raw: TenantRolesInput) => changeRoles(actor, userId, raw, 'set'),
    removeRoles: (actor: ManagementActor, userId: string, raw: TenantRolesInput) => changeRoles(actor, userId, raw, 'remove'),
  };
}

export type SubTenantUsersService = ReturnType<typeof createSubTenantUsersService>;
