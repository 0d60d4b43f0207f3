// Groups of a tenant's users, with roles that flow into their members' tokens. A user (or API)
// token works in its own tenant with fe.secure.*.groups; the vendor in the tenant it names.
// Relations are Pothos prisma selections: a listing costs the same statements at any size.
import { fail } from '../../errors/domain-errors.ts';
import { builder } from '../builder.ts';
import { managementActor } from '../../services/authorization/tenant-scope.ts';
import { canInTenant, insideTenant } from '../auth-scopes.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { Role } from './role.ts';
import { User } from './user.ts';

export const Group = builder.prismaObject('Group', {
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    color: t.exposeString('color', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSONObject' }),
    roles: t.field({
      type: [Role],
      select: (_args, _ctx, nested) => ({ roles: { select: { role: nested(true) } } }),
      resolve: (g) => g.roles.map((r) => r.role),
    }),
    users: t.field({
      type: [User],
      select: (_args, _ctx, nested) => ({ users: { select: { user: nested(true) }, orderBy: { createdAt: 'asc' } } }),
      resolve: (g) => g.users.map((u) => u.user),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

// A tenant's groups, on the Tenant type: the same visibility as the `groups` query (the vendor, or
// a caller acting in that very tenant with fe.secure.read.groups); a prisma relation, so a list
// of tenants with their groups, roles and users costs the same statements at any size.
builder.prismaObjectField('Tenant', 'groups', (t) =>
  t.relation('groups', {
    description: "The tenant's groups, oldest first.",
    nullable: true,
    query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    authScopes: insideTenant('fe.secure.read.groups'),
  }),
);

const GroupsConfig = builder.objectRef<{ enabled: boolean; rolesEnabled: boolean }>('GroupsConfig').implement({
  fields: (t) => ({
    enabled: t.exposeBoolean('enabled'),
    rolesEnabled: t.exposeBoolean('rolesEnabled', { description: 'Whether groups can carry roles.' }),
  }),
});

type Loader = (query: object) => Promise<unknown[]>;
interface PageShape {
  count: () => Promise<{ totalItems: number; totalPages: number }>;
  load: Loader;
}
const GroupPage = builder.objectRef<PageShape>('GroupPage').implement({
  fields: (t) => ({
    items: t.prismaField({ type: ['Group'], resolve: (query, p) => p.load(query) as never }),
    totalItems: t.int({ resolve: async (p) => (await p.count()).totalItems }),
    totalPages: t.int({ resolve: async (p) => (await p.count()).totalPages }),
  }),
});

const GroupSortField = builder.enumType('GroupSortField', { values: ['id', 'name', 'createdAt', 'updatedAt'] as const });
const GroupsPageInput = builder.inputType('GroupsPageInput', {
  fields: (t) => ({
    limit: t.int({ required: false, description: 'Page size, 1..1000 (default 50).' }),
    offset: t.int({ required: false, description: 'Page number, from 0.' }),
    sortBy: t.field({ type: GroupSortField, required: false }),
    order: t.string({ required: false, description: 'ASC or DESC.' }),
  }),
});

const CreateGroupInput = builder.inputType('CreateGroupInput', {
  fields: (t) => ({
    name: t.string(),
    description: t.string({ required: false }),
    color: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
  }),
});
const UpdateGroupInput = builder.inputType('UpdateGroupInput', {
  fields: (t) => ({
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    color: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
  }),
});
const GroupsConfigInput = builder.inputType('GroupsConfigInput', {
  fields: (t) => ({ enabled: t.boolean({ required: false }), rolesEnabled: t.boolean({ required: false }) }),
});

const readGroups = canInTenant('fe.secure.read.groups');
const writeGroups = canInTenant('fe.secure.write.groups');
const deleteGroups = canInTenant('fe.secure.delete.groups');

builder.queryFields((t) => ({
  groups: t.prismaField({
    type: ['Group'],
    description: 'The groups of the tenant the call acts in, oldest first.',
    authScopes: readGroups,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (query, _root, { tenantId }, ctx) => ctx.services.groups.list(managementActor(ctx, tenantId), query),
  }),
  group: t.prismaField({
    type: 'Group',
    authScopes: readGroups,
    args: { id: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { id, tenantId }, ctx) => (await ctx.services.groups.find(managementActor(ctx, tenantId), id, query)) ?? fail('group_not_found'),
  }),
  groupsByIds: t.prismaField({
    type: ['Group'],
    description: "The tenant's groups among these ids; unknown or foreign ids are left out.",
    authScopes: readGroups,
    args: { ids: t.arg.idList(), tenantId: t.arg.id({ required: false }) },
    resolve: (query, _root, { ids, tenantId }, ctx) => ctx.services.groups.findMany(managementActor(ctx, tenantId), ids, query),
  }),
  groupsPage: t.field({
    type: GroupPage,
    authScopes: readGroups,
    args: { input: t.arg({ type: GroupsPageInput, required: false }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { input, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      const page = { ...input, order: input?.order as 'ASC' | 'DESC' | null | undefined };
      let counted: ReturnType<PageShape['count']> | undefined;
      return {
        count: () => (counted ??= ctx.services.groups.pageCount(actor, page)),
        load: (query) => ctx.services.groups.pageItems(actor, page, query),
      };
    },
  }),
  groupsConfig: t.field({
    type: GroupsConfig,
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.groups.getConfig(),
  }),
}));

builder.mutationFields((t) => ({
  createGroup: t.prismaField({
    type: 'Group',
    authScopes: writeGroups,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateGroupInput }), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { input, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      const id = await ctx.services.groups.create(actor, input);
      return (await ctx.services.groups.find(actor, id, query))!;
    },
  }),
  updateGroup: t.prismaField({
    type: 'Group',
    authScopes: writeGroups,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), input: t.arg({ type: UpdateGroupInput }), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { id, input, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      await ctx.services.groups.update(actor, id, input);
      return (await ctx.services.groups.find(actor, id, query))!;
    },
  }),
  deleteGroup: t.boolean({
    authScopes: deleteGroups,
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: async (_root, { id, tenantId }, ctx) => {
      await ctx.services.groups.delete(managementActor(ctx, tenantId), id);
      return true;
    },
  }),
  addRolesToGroup: t.prismaField({
    type: 'Group',
    description: "Roles must be vendor-wide or the tenant's; a tenant caller can only grant permissions it holds.",
    authScopes: writeGroups,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { groupId: t.arg.id(), roleIds: t.arg.idList(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { groupId, roleIds, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      await ctx.services.groups.addRoles(actor, groupId, roleIds);
      return (await ctx.services.groups.find(actor, groupId, query))!;
    },
  }),
  removeRolesFromGroup: t.prismaField({
    type: 'Group',
    authScopes: writeGroups,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { groupId: t.arg.id(), roleIds: t.arg.idList(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { groupId, roleIds, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      await ctx.services.groups.removeRoles(actor, groupId, roleIds);
      return (await ctx.services.groups.find(actor, groupId, query))!;
    },
  }),
  addUsersToGroup: t.prismaField({
    type: 'Group',
    description: "Users must be members of the group's tenant; they get the group's roles at their next token.",
    authScopes: writeGroups,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { groupId: t.arg.id(), userIds: t.arg.idList(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { groupId, userIds, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      await ctx.services.groups.addUsers(actor, groupId, userIds);
      return (await ctx.services.groups.find(actor, groupId, query))!;
    },
  }),
  removeUsersFromGroup: t.prismaField({
    type: 'Group',
    authScopes: writeGroups,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { groupId: t.arg.id(), userIds: t.arg.idList(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { groupId, userIds, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      await ctx.services.groups.removeUsers(actor, groupId, userIds);
      return (await ctx.services.groups.find(actor, groupId, query))!;
    },
  }),
  setGroupsConfig: t.field({
    type: GroupsConfig,
    description: 'Vendor only: enables groups, and roles on groups (omitted values stay).',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: GroupsConfigInput }) },
    resolve: (_root, { input }, ctx) => ctx.services.groups.setConfig(input),
  }),
}));
