// Applications (the vendor's products) and which users may use them, per tenant. The vendor
// creates applications and assigns users; a user's row also records the tenant they are active in
// for that application (Frontegg's "active user tenants").
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
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

type Query = object;

export function createApplicationsService({ db }: Pick<Deps, 'db'>) {
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
