// Applications (the vendor's products) and user assignments. The vendor creates applications
// and assigns users; a user (or the vendor for frontegg-user-id) reads and sets the tenant they
// are active in per application.
import { actingUserId, managementActor } from '../../services/authorization/tenant-scope.ts';
import { readUsers, writeUsers } from '../auth-scopes.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';

// Per-user and per-application assignment reads and writes of the admin portal (tenant admins
// within their sub-tree): readUsers / writeUsers.

export const Application = builder.prismaObject('Application', {
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    appUrl: t.exposeString('appUrl', { nullable: true }),
    loginUrl: t.exposeString('loginUrl', { nullable: true }),
    isDefault: t.exposeBoolean('isDefault'),
    metadata: t.expose('metadata', { type: 'JSONObject' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ApplicationActiveTenant = builder.objectRef<{ applicationId: string; tenantId: string }>('ApplicationActiveTenant').implement({
  fields: (t) => ({ applicationId: t.exposeID('applicationId'), tenantId: t.exposeID('tenantId') }),
});
const ApplicationActiveTenants = builder.objectRef<{ applicationActiveTenants: Array<{ applicationId: string; tenantId: string }> }>('ApplicationActiveTenants').implement({
  fields: (t) => ({ applicationActiveTenants: t.field({ type: [ApplicationActiveTenant], resolve: (r) => r.applicationActiveTenants }) }),
});

const CreateApplicationInput = builder.inputType('CreateApplicationInput', {
  fields: (t) => ({
    name: t.string(),
    appUrl: t.string({ required: false }),
    loginUrl: t.string({ required: false }),
    isDefault: t.boolean({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
  }),
});
const ApplicationUsersInput = builder.inputType('ApplicationUsersInput', {
  fields: (t) => ({ appId: t.id(), tenantId: t.id(), userIds: t.idList() }),
});
const UserApplicationsInput = builder.inputType('UserApplicationsInput', {
  fields: (t) => ({ userId: t.id(), tenantId: t.id(), appIds: t.idList() }),
});
const UserApplicationIds = builder.objectRef<{ userId: string; appIds: string[] }>('UserApplicationIds').implement({
  fields: (t) => ({ userId: t.exposeID('userId'), appIds: t.exposeIDList('appIds') }),
});
const ApplicationUserIds = builder.objectRef<{ appId: string; userIds: string[] }>('ApplicationUserIds').implement({
  fields: (t) => ({ appId: t.exposeID('appId'), userIds: t.exposeIDList('userIds') }),
});

const ActiveApplicationTenantInput = builder.inputType('ActiveApplicationTenantInput', {
  fields: (t) => ({ applicationId: t.id(), tenantId: t.id() }),
});

builder.queryFields((t) => ({
  applications: t.prismaField({
    type: ['Application'],
    description: 'Vendor only: every application, oldest first.',
    authScopes: { vendor: true },
    resolve: (query, _root, _args, ctx) => ctx.services.applications.list(query),
  }),
  applicationUserIds: t.idList({
    description: 'Vendor only: users assigned to the application.',
    authScopes: { vendor: true },
    args: { appId: t.arg.id() },
    resolve: (_root, { appId }, ctx) => ctx.services.applications.usersOf(appId),
  }),
  userApplicationIds: t.idList({
    description: 'Vendor only: applications the user is assigned to.',
    authScopes: { vendor: true },
    args: { userId: t.arg.id() },
    resolve: (_root, { userId }, ctx) => ctx.services.applications.appsOf(userId),
  }),
  usersApplicationIds: t.field({
    type: [UserApplicationIds],
    description: "Applications per user; a tenant caller gets only users of its tenant or tenants below it (others are left out).",
    authScopes: readUsers,
    args: { userIds: t.arg.idList() },
    resolve: (_root, { userIds }, ctx) => ctx.services.applications.appIdsOfUsers(userIds, managementActor(ctx).tenantId),
  }),
  applicationsUserIds: t.field({
    type: [ApplicationUserIds],
    description: 'Users per application; a tenant caller sees only users of its tenant or tenants below it.',
    authScopes: readUsers,
    args: { appIds: t.arg.idList() },
    resolve: (_root, { appIds }, ctx) => ctx.services.applications.userIdsOfApps(appIds, managementActor(ctx).tenantId),
  }),
  applicationActiveTenants: t.field({
    type: ApplicationActiveTenants,
    description: "The acting user's active tenant per application.",
    authScopes: { actor: true },
    resolve: async (_root, _args, ctx) => ({ applicationActiveTenants: await ctx.services.applications.activeTenants(actingUserId(ctx)!) }),
  }),
}));

builder.mutationFields((t) => ({
  createApplication: t.prismaField({
    type: 'Application',
    description: 'Vendor only.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateApplicationInput }) },
    resolve: async (query, _root, { input }, ctx) => {
      const id = await ctx.services.applications.create(input);
      return (await ctx.services.applications.findById(id, query))!;
    },
  }),
  assignUsersToApplication: t.boolean({
    description: 'Vendor only: the users must be members of the tenant. All or none.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: ApplicationUsersInput }) },
    resolve: async (_root, { input }, ctx) => {
      await ctx.services.applications.assignUsers(input);
      return true;
    },
  }),
  unassignUsersFromApplication: t.boolean({
    description: 'Vendor only.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: ApplicationUsersInput }) },
    resolve: async (_root, { input }, ctx) => {
      await ctx.services.applications.unassignUsers(input);
      return true;
    },
  }),
  assignUserToApplications: t.boolean({
    description: "Assigns one member of a tenant (the caller's or below it; the vendor: any) to applications. All or none.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: UserApplicationsInput }) },
    resolve: async (_root, { input }, ctx) => {
      await ctx.services.applications.assignUserToApps(input, managementActor(ctx).tenantId);
      return true;
    },
  }),
  unassignUserFromApplications: t.boolean({
    description: "Unassigns one member of a tenant (the caller's or below it; the vendor: any) from applications.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: UserApplicationsInput }) },
    resolve: async (_root, { input }, ctx) => {
      await ctx.services.applications.unassignUserFromApps(input, managementActor(ctx).tenantId);
      return true;
    },
  }),
  setApplicationActiveTenants: t.field({
    type: ApplicationActiveTenants,
    description: "Sets the acting user's active tenant per application (assigned applications, member tenants only).",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: [ActiveApplicationTenantInput] }) },
    resolve: async (_root, { input }, ctx) => ({ applicationActiveTenants: await ctx.services.applications.setActiveTenants(actingUserId(ctx)!, input) }),
  }),
}));
