// Applications (the vendor's products) and which users may use them, per tenant. The vendor
// creates applications and assigns users; a user's row also records the tenant they are active in
// for that application (Frontegg's "active user tenants").
// The same rows are OAuth clients (Logto's side, oauth-applications.service.ts): what Frontegg
// creates here is a TRADITIONAL client with no redirect URIs or secrets until configured there.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { descendantsOf, isWithin } from '../tenants/hierarchy.ts';
import { idSchema, metadataSchema, parseInput, urlSchema } from '../validation.ts';

const CreateApplicationInput = z.object({
  name: z.string().trim().min(1).max(255),
  appUrl: urlSchema.nullish(),
  loginUrl: urlSchema.nullish(),
  isDefault: z.boolean().nullish(),
  metadata: metadataSchema.nullish(),
});
export type CreateApplicationInput = z.input<typeof CreateApplicationInput>;

const AssignInput = z.object({ appId: idSchema, tenantId: idSchema, userIds: z.array(idSchema).min(1).max(500) });
export type AssignInput = z.input<typeof AssignInput>;

const ActiveTenantsInput = z.array(z.object({ applicationId: idSchema, tenantId: idSchema })).min(1).max(100);
export type ActiveTenantsInput = z.input<typeof ActiveTenantsInput>;

const UserAppsInput = z.object({ userId: idSchema, tenantId: idSchema, appIds: z.array(idSchema).min(1).max(100) });
export type UserAppsInput = z.input<typeof UserAppsInput>;

const IdList = z.array(idSchema).min(1).max(200);

type Query = object;

export function createApplicationsService({ db }: Pick<Deps, 'db'>) {
  const subTree = async (root: string) => [root, ...(await descendantsOf(db, root)).map((d) => d.id)];
  /** The given users that are members of `root` or a tenant below it (all of them for the vendor). */
  async function usersWithin(userIds: string[], root: string | null) {
    const rows =
      root === null
        ? (await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true } })).map((u) => u.id)
        : (await db.userTenant.findMany({ where: { userId: { in: userIds }, tenantId: { in: await subTree(root) } }, select: { userId: true } })).map((m) => m.userId);
    const found = new Set(rows);
    return userIds.filter((id) => found.has(id));
  }

  return {
    async create(raw: CreateApplicationInput) {
      const input = parseInput(CreateApplicationInput, raw);
      const app = await db.application.create({
        data: {
          name: input.name,
          appUrl: input.appUrl ?? null,
          loginUrl: input.loginUrl ?? null,
          isDefault: input.isDefault ?? false,
          metadata: (input.metadata ?? {}) as Prisma.InputJsonObject,
        },
        select: { id: true },
      });
      return app.id;
    },

    list<Q extends Query>(query?: Q) {
      return db.application.findMany({ ...(query ?? {}), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },

    findManyByIds<Q extends Query>(ids: string[], query?: Q) {
      return db.application.findMany({ ...(query ?? {}), where: { id: { in: ids } } });
    },

    findById<Q extends Query>(id: string, query?: Q) {
      return db.application.findUnique({ ...(query ?? {}), where: { id } });
    },

    /** Assigns tenant members to the application; an existing assignment is kept as it is. All or nothing. */
    async assignUsers(raw: AssignInput) {
      const input = parseInput(AssignInput, raw);
      const userIds = [...new Set(input.userIds)];
      await db.$transaction(async (tx) => {
        if (!(await tx.application.findUnique({ where: { id: input.appId }, select: { id: true } }))) fail('application_not_found');
        if (!(await tx.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } }))) fail('tenant_not_found');
        const members = await tx.userTenant.count({ where: { tenantId: input.tenantId, userId: { in: userIds } } });
        if (members !== userIds.length) fail('group_user_ids_invalid');
        await tx.userApplication.createMany({
          data: userIds.map((userId) => ({ userId, applicationId: input.appId, tenantId: input.tenantId })),
          skipDuplicates: true,
        });
      });
    },

    async unassignUsers(raw: AssignInput) {
      const input = parseInput(AssignInput, raw);
      await db.$transaction(async (tx) => {
        if (!(await tx.application.findUnique({ where: { id: input.appId }, select: { id: true } }))) fail('application_not_found');
        await tx.userApplication.deleteMany({
          where: { applicationId: input.appId, userId: { in: input.userIds }, user: { memberships: { some: { tenantId: input.tenantId } } } },
        });
      });
    },

    async usersOf(rawAppId: string) {
      const appId = parseInput(idSchema, rawAppId);
      const app = await db.application.findUnique({ where: { id: appId }, select: { users: { select: { userId: true }, orderBy: { createdAt: 'asc' } } } });
      if (!app) fail('application_not_found');
      return app.users.map((u) => u.userId);
    },

    async appsOf(rawUserId: string) {
      const userId = parseInput(idSchema, rawUserId);
      const user = await db.user.findUnique({ where: { id: userId }, select: { applications: { select: { applicationId: true }, orderBy: { createdAt: 'asc' } } } });
      if (!user) fail('user_not_found');
      return user.applications.map((a) => a.applicationId);
    },

    /**
     * One user to several applications in `tenantId` (Frontegg's apps-user). `root`: the tenant a
     * non-vendor caller acts in; the tenant must be it or lie below it (else not found). The
     * user must be a member of the tenant; every application must exist. All or nothing.
     */
    async assignUserToApps(raw: UserAppsInput, root: string | null) {
      const input = parseInput(UserAppsInput, raw);
      const appIds = [...new Set(input.appIds)];
      await db.$transaction(async (tx) => {
        if (root !== null && !(await isWithin(tx, root, input.tenantId))) fail('tenant_not_found');
        if (!(await tx.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } }))) fail('tenant_not_found');
        const member = await tx.userTenant.findUnique({ where: { userId_tenantId: { userId: input.userId, tenantId: input.tenantId } }, select: { id: true } });
        if (!member) fail('user_not_found');
        if ((await tx.application.count({ where: { id: { in: appIds } } })) !== appIds.length) fail('application_not_found');
        await tx.userApplication.createMany({
          data: appIds.map((applicationId) => ({ userId: input.userId, applicationId, tenantId: input.tenantId })),
          skipDuplicates: true,
        });
      });
    },

    /** Removes the user (a member of `tenantId`, within `root`) from the applications. */
    async unassignUserFromApps(raw: UserAppsInput, root: string | null) {
      const input = parseInput(UserAppsInput, raw);
      await db.$transaction(async (tx) => {
        if (root !== null && !(await isWithin(tx, root, input.tenantId))) fail('tenant_not_found');
        const member = await tx.userTenant.findUnique({ where: { userId_tenantId: { userId: input.userId, tenantId: input.tenantId } }, select: { id: true } });
        if (!member) fail('user_not_found');
        await tx.userApplication.deleteMany({ where: { userId: input.userId, applicationId: { in: input.appIds } } });
      });
    },

    /**
     * Application ids per user (Frontegg's users-apps). For a non-vendor caller (`root`), only
     * users who are members of its tenant or a tenant below it are answered; others are left out.
     */
    async appIdsOfUsers(rawUserIds: string[], root: string | null) {
      const userIds = [...new Set(parseInput(IdList, rawUserIds))];
      const inScope = await usersWithin(userIds, root);
      const rows = await db.userApplication.findMany({
        where: { userId: { in: inScope } },
        select: { userId: true, applicationId: true },
        orderBy: { createdAt: 'asc' },
      });
      return inScope.map((userId) => ({ userId, appIds: rows.filter((r) => r.userId === userId).map((r) => r.applicationId) }));
    },

    /** User ids per application (Frontegg's apps-users), limited to users within `root` for non-vendor callers. */
    async userIdsOfApps(rawAppIds: string[], root: string | null) {
      const appIds = [...new Set(parseInput(IdList, rawAppIds))];
      const apps = await db.application.findMany({ where: { id: { in: appIds } }, select: { id: true } });
      if (apps.length !== appIds.length) fail('application_not_found');
      const scope = root === null ? null : await subTree(root);
      const rows = await db.userApplication.findMany({
        where: { applicationId: { in: appIds }, ...(scope ? { user: { memberships: { some: { tenantId: { in: scope } } } } } : {}) },
        select: { userId: true, applicationId: true },
        orderBy: { createdAt: 'asc' },
      });
      return appIds.map((appId) => ({ appId, userIds: rows.filter((r) => r.applicationId === appId).map((r) => r.userId) }));
    },

    async activeTenants(userId: string) {
      const rows = await db.userApplication.findMany({ where: { userId }, select: { applicationId: true, tenantId: true }, orderBy: { createdAt: 'asc' } });
      return rows.filter((r) => r.tenantId).map((r) => ({ applicationId: r.applicationId, tenantId: r.tenantId! }));
    },

    /** Sets the user's active tenant per application: they must be assigned to it and a member of the tenant. */
    async setActiveTenants(userId: string, raw: ActiveTenantsInput) {
      const input = parseInput(ActiveTenantsInput, raw);
      await db.$transaction(async (tx) => {
        for (const { applicationId, tenantId } of input) {
          const member = await tx.userTenant.findUnique({ where: { userId_tenantId: { userId, tenantId } }, select: { id: true } });
          const updated = member ? await tx.userApplication.updateMany({ where: { userId, applicationId }, data: { tenantId } }) : { count: 0 };
          if (updated.count !== 1) fail('application_not_assigned');
        }
      });
      return this.activeTenants(userId);
    },
  };
}

export type ApplicationsService = ReturnType<typeof createApplicationsService>;
