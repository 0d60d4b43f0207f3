// User management: the users connection (filter, sort, offset paging, total), profile updates,
// removal, lock, flags, memberships (tenants, disable/enable, temporary) and role assignment.
// A vendor token acts anywhere (a tenant through frontegg-tenant-id or an argument, else
// globally); a user or API token needs the fe.secure.* permission and acts in its own tenant.
import { fail } from '../../errors/domain-errors.ts';
import { MAX_USERS_PAGE, USER_SORT_FIELDS, type TenantUserStatus } from '../../services/users/user-management.service.ts';
import { actingUserId, confinedTenant, scopeFor, tenantFor } from '../../services/authorization/tenant-scope.ts';
import { deleteUsers, readUsers, writeUsers } from '../auth-scopes.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { TenantMembership } from './user.ts';


// ---- types -----------------------------------------------------------------------------------

const UserGroup = builder.objectRef<{ id: string; name: string; tenantId: string; description: string | null; color: string | null }>('UserGroup');
UserGroup.implement({
  description: 'A group a user belongs to.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    tenantId: t.exposeID('tenantId'),
    description: t.exposeString('description', { nullable: true }),
    color: t.exposeString('color', { nullable: true }),
  }),
});

const groupSelect = { select: { id: true, name: true, tenantId: true, description: true, color: true } } as const;

builder.prismaObjectField('User', 'groups', (t) =>
  t.field({
    type: [UserGroup],
    description: "The user's groups (in every tenant; filter by tenantId).",
    select: { groups: { select: { group: groupSelect }, orderBy: { createdAt: 'asc' } } },
    resolve: (u) => u.groups.map((g) => g.group),
  }),
);

builder.prismaObjectField(TenantMembership, 'userId', (t) => t.exposeID('userId'));
builder.prismaObjectField(TenantMembership, 'groups', (t) =>
  t.field({
    type: [UserGroup],
    description: "The member's groups in this tenant.",
    select: { tenantId: true, user: { select: { groups: { select: { group: groupSelect }, orderBy: { createdAt: 'asc' } } } } },
    resolve: (m) => m.user.groups.map((g) => g.group).filter((g) => g.tenantId === m.tenantId),
  }),
);

const UserSortField = builder.enumType('UserSortField', { values: USER_SORT_FIELDS });
const SortDirection = builder.enumType('SortDirection', { values: ['ASC', 'DESC'] as const });
const UserIdentifierType = builder.enumType('UserIdentifierType', { values: ['email', 'phoneNumber', 'username'] as const });
const TenantUserStatusEnum = builder.enumType('TenantUserStatus', {
  values: ['PendingInvitation', 'PendingLogin', 'Activated', 'NotActivated'] as const,
});

const UserOrderBy = builder.inputType('UserOrderBy', {
  fields: (t) => ({
    field: t.field({ type: UserSortField }),
    direction: t.field({ type: SortDirection, required: false, description: 'ASC unless given.' }),
  }),
});

const UserFilter = builder.inputType('UserFilter', {
  fields: (t) => ({
    tenantId: t.id({ required: false, description: 'Vendor only; other callers list their own tenant.' }),
    includeSubTenants: t.boolean({ required: false, description: "Vendor only: the tenant's descendants too." }),
    ids: t.idList({ required: false }),
    externalIds: t.stringList({ required: false }),
    email: t.string({ required: false, description: 'Substring of the email.' }),
    namePrefix: t.string({ required: false }),
    identifier: t.string({ required: false, description: 'Prefix of the identifier of identifierType (email unless given).' }),
    identifierType: t.field({ type: UserIdentifierType, required: false }),
    searchContains: t.stringList({ required: false, description: 'Every term appears in the email or name.' }),
    searchExcludes: t.stringList({ required: false, description: 'No term appears in the email or name.' }),
    searchOptional: t.stringList({ required: false, description: 'At least one term appears in the email or name.' }),
    searchApproximate: t.boolean({ required: false, description: 'Fuzzy (trigram) matching of the search terms.' }),
  }),
});

const UpdateUserInput = builder.inputType('UpdateUserInput', {
  fields: (t) => ({
    name: t.string({ required: false }),
    phoneNumber: t.string({ required: false }),
    profilePictureUrl: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
    vendorMetadata: t.field({ type: 'JSONObject', required: false, description: 'Vendor only.' }),
    mfaBypass: t.boolean({ required: false, description: 'Vendor only.' }),
    externalId: t.string({ required: false, description: 'Vendor only.' }),
  }),
});

const UpdateMeInput = builder.inputType('UpdateMeInput', {
  fields: (t) => ({
    name: t.string({ required: false }),
    phoneNumber: t.string({ required: false }),
    profilePictureUrl: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
  }),
});

const UserRemoved = builder.objectRef<{ userId: string }>('UserRemoved');
UserRemoved.implement({ fields: (t) => ({ userId: t.exposeID('userId') }) });

const TenantUsersMigrated = builder.objectRef<{ moved: number }>('TenantUsersMigrated');
TenantUsersMigrated.implement({ fields: (t) => ({ moved: t.exposeInt('moved', { description: 'Memberships moved.' }) }) });

const MembershipChanged = builder.objectRef<{ userId: string; tenantId: string }>('MembershipChanged');
MembershipChanged.implement({ fields: (t) => ({ userId: t.exposeID('userId'), tenantId: t.exposeID('tenantId') }) });

const TemporaryUsersConfiguration = builder.objectRef<{ enabled: boolean }>('TemporaryUsersConfiguration');
TemporaryUsersConfiguration.implement({ fields: (t) => ({ enabled: t.exposeBoolean('enabled') }) });

const TemporaryUserSet = builder.objectRef<{ userId: string; expirationInSeconds: number | null }>('TemporaryUserSet');
TemporaryUserSet.implement({
  fields: (t) => ({ userId: t.exposeID('userId'), expirationInSeconds: t.exposeInt('expirationInSeconds', { nullable: true }) }),
});

const TenantStatus = builder.objectRef<{ tenantId: string; status: TenantUserStatus }>('UserTenantStatus');
TenantStatus.implement({ fields: (t) => ({ tenantId: t.exposeID('tenantId'), status: t.expose('status', { type: TenantUserStatusEnum }) }) });
const UserTenantStatuses = builder.objectRef<{ userId: string; tenantsStatuses: Array<{ tenantId: string; status: TenantUserStatus }> }>(
  'UserTenantStatuses',
);
UserTenantStatuses.implement({ fields: (t) => ({ userId: t.exposeID('userId'), tenantsStatuses: t.expose('tenantsStatuses', { type: [TenantStatus] }) }) });

// ---- queries ---------------------------------------------------------------------------------

type FilterArg = typeof UserFilter.$inferInput | null | undefined;

/** The service filter with the caller's scope applied (tenant tokens see their tenant only). */
function scopedFilter(ctx: GraphQLContext, filter: FilterArg) {
  const vendor = ctx.principal.kind === 'vendor';
  const tenantId = scopeFor(ctx, filter?.tenantId);
  return {
    filter: { ...(filter ?? {}), tenantId, includeSubTenants: vendor ? (filter?.includeSubTenants ?? false) : false },
    includeInvisible: vendor,
  };
}

/** Totals a request's own page already proved (see the users connection), by filter and offset. */
const knownTotals = new WeakMap<GraphQLContext, Map<string, number>>();
const totalKey = (args: { filter?: unknown; offset?: number | null }) => JSON.stringify([args.filter ?? null, args.offset ?? 0]);

const pageSize = (args: { first?: number | null; last?: number | null }) => {
  if ((args.first ?? 0) > MAX_USERS_PAGE || (args.last ?? 0) > MAX_USERS_PAGE) fail('validation_failed', `page size is at most ${MAX_USERS_PAGE}`);
  return MAX_USERS_PAGE;
};

builder.queryFields((t) => ({
  users: t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: 'Users of the tenant the call acts in (the vendor: of a named tenant, else all users).',
    authScopes: readUsers,
    defaultSize: 50,
    maxSize: (args) => pageSize(args),
    args: {
      filter: t.arg({ type: UserFilter, required: false }),
      orderBy: t.arg({ type: UserOrderBy, required: false }),
      offset: t.arg.int({ required: false, description: 'Rows to skip before the page (offset paging, as the REST routes use).' }),
    },
    totalCount: (_parent, args, ctx) => {
      const known = knownTotals.get(ctx)?.get(totalKey(args));
      if (known !== undefined) return known;
      const { filter, includeInvisible } = scopedFilter(ctx, args.filter);
      return ctx.services.userManagement.count(filter, { includeInvisible });
    },
    resolve: async (query, _root, args, ctx) => {
      const { filter, includeInvisible } = scopedFilter(ctx, args.filter);
      const { rows, total } = await ctx.services.userManagement.list(
        filter,
        { field: args.orderBy?.field, direction: args.orderBy?.direction },
        { includeInvisible, offset: args.offset },
        query,
      );
      const remember = (n: number) => {
        const totals = knownTotals.get(ctx) ?? new Map<string, number>();
        totals.set(totalKey(args), n);
        knownTotals.set(ctx, totals);
      };
      // Working out the page may have counted already.
      if (total !== null) remember(total);
      // A forward page from an offset that came back short is the end of the list: its total is
      // offset + rows, and counting (a scan of every match, the slow part of a search) is skipped.
      // An empty page past the end says nothing about the total, so it still counts.
      const offset = args.offset ?? 0;
      const short = query.take !== undefined && rows.length < Math.abs(query.take);
      if (!args.after && !args.before && !args.last && short && (rows.length > 0 || offset === 0)) remember(offset + rows.length);
      return rows as never[];
    },
  }),
  userByEmail: t.prismaField({
    type: 'User',
    description: 'A user by email, in the tenant the call acts in (the vendor: anywhere unless a tenant is named).',
    authScopes: readUsers,
    args: { email: t.arg.string(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { email, tenantId }, ctx) =>
      (await ctx.services.userManagement.findByEmail(email, scopeFor(ctx, tenantId), query)) ?? fail('user_not_found'),
  }),
  userTenantStatuses: t.field({
    type: [UserTenantStatuses],
    description: "Per-tenant statuses of users (a tenant token sees its own tenant's only).",
    authScopes: readUsers,
    args: { userIds: t.arg.idList(), statuses: t.arg({ type: [TenantUserStatusEnum], required: false }) },
    resolve: (_root, { userIds, statuses }, ctx) =>
      ctx.services.userManagement.statuses(userIds, scopeFor(ctx), statuses),
  }),
  tenantMemberships: t.prismaField({
    type: [TenantMembership],
    description: 'The memberships of the given users in the tenant the call acts in (roles, groups); others are left out.',
    authScopes: readUsers,
    args: { userIds: t.arg.idList(), tenantId: t.arg.id({ required: false }) },
    resolve: (query, _root, { userIds, tenantId }, ctx) => ctx.services.userManagement.membershipsOf(userIds, tenantFor(ctx, tenantId), query),
  }),
  temporaryUsersConfiguration: t.field({
    type: TemporaryUsersConfiguration,
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.userManagement.temporaryUsersConfig(),
  }),
}));

// ---- mutations -------------------------------------------------------------------------------

const vendorOnlyFields = (input: { vendorMetadata?: unknown; mfaBypass?: unknown; externalId?: unknown }) =>
  [input.vendorMetadata, input.mfaBypass, input.externalId].some((v) => v !== null && v !== undefined);

builder.mutationFields((t) => ({
  updateUser: t.prismaField({
    type: 'User',
    description: "Updates a user's profile: in the tenant the call acts in, or (vendor, no tenant) globally.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), tenantId: t.arg.id({ required: false }), input: t.arg({ type: UpdateUserInput }) },
    resolve: async (query, _root, { userId, tenantId, input }, ctx) => {
      if (ctx.principal.kind !== 'vendor' && vendorOnlyFields(input)) fail('auth_vendor_only');
      const { id } = await ctx.services.userManagement.update(userId, scopeFor(ctx, tenantId), input);
      return (await ctx.services.users.findById(id, query))!;
    },
  }),
  updateMe: t.prismaField({
    type: 'User',
    description: "Updates the current user's own profile.",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: UpdateMeInput }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await ctx.services.userManagement.update(actingUserId(ctx)!, null, input);
      return (await ctx.services.users.findById(id, query))!;
    },
  }),
  updateUserEmail: t.prismaField({
    type: 'User',
    description: "Sets a user's email (management: no verification code); a taken address is a conflict.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), email: t.arg.string() },
    resolve: async (query, _root, { userId, email }, ctx) => {
      const { id } = await ctx.services.userManagement.updateEmail(userId, scopeFor(ctx), email);
      return (await ctx.services.users.findById(id, query))!;
    },
  }),
  removeUser: t.field({
    type: UserRemoved,
    description: 'Removes the user from the tenant the call acts in; the vendor without a tenant deletes the user.',
    authScopes: deleteUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { userId, tenantId }, ctx) => ctx.services.userManagement.remove(userId, scopeFor(ctx, tenantId)),
  }),
  lockUser: t.prismaField({
    type: 'User',
    description: 'Locks a user (vendor: any user; tenant admin: members of their tenant).',
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id() },
    resolve: async (query, _root, { userId }, ctx) => {
      const scope = confinedTenant(ctx);
      const { userId: id } = await ctx.services.userManagement.lock(userId, scope);
      return (await ctx.services.users.findById(id, query))!;
    },
  }),
  setUserInvisible: t.prismaField({
    type: 'User',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), invisible: t.arg.boolean() },
    resolve: async (query, _root, { userId, invisible }, ctx) => {
      const { id } = await ctx.services.userManagement.setFlags(userId, { invisible });
      return (await ctx.services.users.findById(id, query))!;
    },
  }),
  setUserSuperUser: t.prismaField({
    type: 'User',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), superUser: t.arg.boolean() },
    resolve: async (query, _root, { userId, superUser }, ctx) => {
      const { id } = await ctx.services.userManagement.setFlags(userId, { superUser });
      return (await ctx.services.users.findById(id, query))!;
    },
  }),
  addUserToTenant: t.prismaField({
    type: 'User',
    description: "Vendor: adds a user to a tenant with the tenant's default roles (or roleIds).",
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), tenantId: t.arg.id(), roleIds: t.arg.idList({ required: false }) },
    resolve: async (query, _root, { userId, tenantId, roleIds }, ctx) => {
      const { id } = await ctx.services.userManagement.addToTenant(userId, tenantId, roleIds);
      return (await ctx.services.users.findById(id, query))!;
    },
  }),
  setUserActiveTenant: t.prismaField({
    type: 'User',
    description: "Vendor: sets a user's active tenant (a usable membership is required).",
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), tenantId: t.arg.id() },
    resolve: async (query, _root, { userId, tenantId }, ctx) => {
      const user = (await ctx.services.users.findById(userId, { select: { id: true } })) ?? fail('user_not_found');
      await ctx.services.users.switchActiveTenant(user.id, tenantId);
      return (await ctx.services.users.findById(user.id, query))!;
    },
  }),
  migrateTenantUsers: t.field({
    type: TenantUsersMigrated,
    description: 'Vendor: moves every user of one tenant to another, in one transaction.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { srcTenantId: t.arg.id(), targetTenantId: t.arg.id() },
    resolve: (_root, { srcTenantId, targetTenantId }, ctx) => ctx.services.userManagement.migrateTenant(srcTenantId, targetTenantId),
  }),
  setUserTenantDisabled: t.field({
    type: MembershipChanged,
    description: "Disables or enables a user's membership of the tenant the call acts in; disabled members cannot log in to it.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), disabled: t.arg.boolean(), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { userId, disabled, tenantId }, ctx) => ctx.services.userManagement.setDisabled(userId, tenantFor(ctx, tenantId), disabled),
  }),
  setTemporaryUsersConfiguration: t.field({
    type: TemporaryUsersConfiguration,
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { enabled: t.arg.boolean() },
    resolve: (_root, { enabled }, ctx) => ctx.services.userManagement.setTemporaryUsersConfig({ enabled }),
  }),
  setUserTemporary: t.field({
    type: TemporaryUserSet,
    description: "Makes the user's membership expire in expirationInSeconds (null: permanent again).",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), expirationInSeconds: t.arg.int({ required: false }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { userId, expirationInSeconds, tenantId }, ctx) =>
      ctx.services.userManagement.setTemporary(userId, tenantFor(ctx, tenantId), expirationInSeconds ?? null),
  }),
  assignUserRoles: t.prismaField({
    type: TenantMembership,
    description: "Adds roles to the user's membership of the tenant the call acts in.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), roleIds: t.arg.idList(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { userId, roleIds, tenantId }, ctx) => {
      const p = ctx.principal;
      const grantable = p.kind === 'user' || p.kind === 'apiToken' ? p.permissions : null;
      const m = await ctx.services.userManagement.assignRoles(userId, tenantFor(ctx, tenantId), roleIds, grantable);
      return (await ctx.services.userManagement.membershipsOf([m.userId], m.tenantId, query))[0]!;
    },
  }),
  unassignUserRoles: t.prismaField({
    type: TenantMembership,
    description: "Removes roles from the user's membership of the tenant the call acts in.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), roleIds: t.arg.idList(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { userId, roleIds, tenantId }, ctx) => {
      const m = await ctx.services.userManagement.unassignRoles(userId, tenantFor(ctx, tenantId), roleIds);
      return (await ctx.services.userManagement.membershipsOf([m.userId], m.tenantId, query))[0]!;
    },
  }),
}));
