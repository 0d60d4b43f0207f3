// Users across a tenant and its sub-tenants: the listing of a whole sub-tree, adding a user to
// several tenants at once (or several users to one), removal, and roles per tenant. A user or
// API token acts in its own (acting) tenant and the tenants below it, with the fe.secure.*.users
// permissions; the vendor anywhere, or below the tenant it names. Rules live in the service.
import type { Prisma } from '../../platform/db.ts';
import { managementActor } from '../../services/authorization/tenant-scope.ts';
import { deleteUsers, readUsers, writeUsers } from '../auth-scopes.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { Role } from './role.ts';


type RoleRow = Prisma.RoleGetPayload<{ include: { permissions: { select: { permission: { select: { id: true } } } } } }>;
type MembershipRow = Prisma.UserTenantGetPayload<object> & { roles: Array<{ role: RoleRow }> };
type UserRow = Prisma.UserGetPayload<object> & { memberships: MembershipRow[] };

const SubTenantUserTenant = builder.objectRef<MembershipRow>('SubTenantUserTenant').implement({
  description: "A user's membership of one tenant of the caller's sub-tree.",
  fields: (t) => ({
    tenantId: t.exposeID('tenantId'),
    disabled: t.exposeBoolean('disabled'),
    activatedForTenant: t.exposeBoolean('activatedForTenant'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    roles: t.field({ type: [Role], resolve: (m) => m.roles.map((r) => r.role) }),
  }),
});

const SubTenantUser = builder.objectRef<UserRow>('SubTenantUser').implement({
  description: "A user of the caller's tenant or a tenant below it; `tenants` lists only memberships inside that sub-tree.",
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email', { nullable: true }),
    name: t.exposeString('name', { nullable: true }),
    profilePictureUrl: t.exposeString('profilePictureUrl', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSONObject' }),
    verified: t.exposeBoolean('verified'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastLoginAt: t.expose('lastLoginAt', { type: 'DateTime', nullable: true }),
    tenants: t.field({ type: [SubTenantUserTenant], resolve: (u) => u.memberships }),
  }),
});

const SubTenantUsersPage = builder.objectRef<{ items: UserRow[]; total: number; limit: number }>('SubTenantUsersPage').implement({
  fields: (t) => ({
    items: t.field({ type: [SubTenantUser], resolve: (p) => p.items }),
    totalCount: t.exposeInt('total'),
    limit: t.exposeInt('limit'),
  }),
});

const SubTenantUserAdded = builder.objectRef<{ userId: string; email: string; invited: boolean }>('SubTenantUserAdded').implement({
  fields: (t) => ({
    userId: t.exposeID('userId'),
    email: t.exposeString('email'),
    invited: t.exposeBoolean('invited', { description: 'A registered user added by a tenant admin: pending memberships with invitations.' }),
  }),
});
const SubTenantUsersAdded = builder.objectRef<{ users: Array<{ userId: string; email: string; invited: boolean }> }>('SubTenantUsersAdded').implement({
  fields: (t) => ({ users: t.field({ type: [SubTenantUserAdded], resolve: (r) => r.users }) }),
});

const SubTenantUserChanged = builder.objectRef<{ userId: string; tenantIds: string[] }>('SubTenantUserChanged').implement({
  fields: (t) => ({ userId: t.exposeID('userId'), tenantIds: t.exposeIDList('tenantIds') }),
});

const SubTenantUsersSortField = builder.enumType('SubTenantUsersSortField', { values: ['createdAt', 'name', 'email'] as const });
const SubTenantUsersOrder = builder.enumType('SubTenantUsersOrder', { values: ['ASC', 'DESC'] as const });

const SubTenantRolesInput = builder.inputType('SubTenantRolesInput', {
  fields: (t) => ({ tenantId: t.id(), roleIds: t.idList() }),
});
const SubTenantTargetInput = builder.inputType('SubTenantTargetInput', {
  fields: (t) => ({ tenantId: t.id(), roleIds: t.idList({ required: false, description: "The tenant's default roles when absent." }) }),
});
const AddUserToSubTenantsInput = builder.inputType('AddUserToSubTenantsInput', {
  fields: (t) => ({
    email: t.string(),
    name: t.string({ required: false }),
    profilePictureUrl: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
    subTenants: t.field({ type: [SubTenantTargetInput] }),
    skipInviteEmail: t.boolean({ required: false }),
  }),
});
const SubTenantNewUserInput = builder.inputType('SubTenantNewUserInput', {
  fields: (t) => ({
    email: t.string(),
    name: t.string({ required: false }),
    profilePictureUrl: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
    roleIds: t.idList({ required: false }),
  }),
});
const AddUsersToSubTenantInput = builder.inputType('AddUsersToSubTenantInput', {
  fields: (t) => ({ tenantId: t.id(), users: t.field({ type: [SubTenantNewUserInput] }), skipInviteEmail: t.boolean({ required: false }) }),
});
const RemoveUserFromSubTenantsInput = builder.inputType('RemoveUserFromSubTenantsInput', {
  fields: (t) => ({ userId: t.id(), tenantIds: t.idList() }),
});

builder.queryFields((t) => ({
  subTenantUsers: t.field({
    type: SubTenantUsersPage,
    description: "A page of the users of the caller's tenant and every tenant below it (the vendor: below the tenant it names).",
    authScopes: readUsers,
    args: {
      limit: t.arg.int({ required: false }),
      offset: t.arg.int({ required: false, description: 'Rows to skip.' }),
      filter: t.arg.string({ required: false, description: 'Substring of the email or the name.' }),
      sortBy: t.arg({ type: SubTenantUsersSortField, required: false }),
      order: t.arg({ type: SubTenantUsersOrder, required: false }),
    },
    resolve: (_root, args, ctx) => ctx.services.subTenantUsers.list(managementActor(ctx), args),
  }),
}));

builder.mutationFields((t) => ({
  addUserToSubTenants: t.field({
    type: SubTenantUsersAdded,
    description: "Adds a user (by email) to several tenants of the caller's sub-tree, each with its roles; all or nothing.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: AddUserToSubTenantsInput }) },
    resolve: async (_root, { input }, ctx) => ({ users: await ctx.services.subTenantUsers.addUser(managementActor(ctx), input) }),
  }),
  addUsersToSubTenant: t.field({
    type: SubTenantUsersAdded,
    description: "Adds users (by email) to one tenant of the caller's sub-tree; all or nothing.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: AddUsersToSubTenantInput }) },
    resolve: async (_root, { input }, ctx) => ({ users: await ctx.services.subTenantUsers.addUsers(managementActor(ctx), input) }),
  }),
  removeUserFromSubTenants: t.field({
    type: SubTenantUserChanged,
    description: "Removes a user from several tenants of the caller's sub-tree; all or nothing.",
    authScopes: deleteUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: RemoveUserFromSubTenantsInput }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.subTenantUsers.removeUser(managementActor(ctx), { userId: input.userId, subTenants: input.tenantIds.map((tenantId) => ({ tenantId })) }),
  }),
  addSubTenantUserRoles: t.field({
    type: SubTenantUserChanged,
    description: "Adds roles to a user's memberships of tenants in the caller's sub-tree; all or nothing.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), tenants: t.arg({ type: [SubTenantRolesInput] }) },
    resolve: (_root, { userId, tenants }, ctx) => ctx.services.subTenantUsers.addRoles(managementActor(ctx), userId, tenants),
  }),
  setSubTenantUserRoles: t.field({
    type: SubTenantUserChanged,
    description: "Replaces a user's roles in tenants of the caller's sub-tree; all or nothing.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), tenants: t.arg({ type: [SubTenantRolesInput] }) },
    resolve: (_root, { userId, tenants }, ctx) => ctx.services.subTenantUsers.setRoles(managementActor(ctx), userId, tenants),
  }),
  removeSubTenantUserRoles: t.field({
    type: SubTenantUserChanged,
    description: "Removes roles from a user's memberships of tenants in the caller's sub-tree; all or nothing.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), tenants: t.arg({ type: [SubTenantRolesInput] }) },
    resolve: (_root, { userId, tenants }, ctx) => ctx.services.subTenantUsers.removeRoles(managementActor(ctx), userId, tenants),
  }),
}));
