// Frontegg's user-management routes: listing and search, updates, removal, lock, flags, tenants
// of a user, membership statuses, temporary users and role assignment. Each maps HTTP to one
// GraphQL document; rules and scoping live in the service and the GraphQL fields.
import { z } from 'zod';
import {
  RestAddUserToTenantDocument,
  RestAssignUserRolesDocument,
  RestLockUserDocument,
  RestMigrateTenantUsersDocument,
  RestRemoveUserDocument,
  RestSetTemporaryUsersConfigurationDocument,
  RestSetUserActiveTenantDocument,
  RestSetUserInvisibleDocument,
  RestSetUserSuperUserDocument,
  RestSetUserTemporaryDocument,
  RestSetUserTenantDisabledDocument,
  RestTemporaryUsersConfigurationDocument,
  RestUnassignUserRolesDocument,
  RestUpdateMeDocument,
  RestUpdateUserDocument,
  RestUpdateUserEmailDocument,
  RestUserByEmailDocument,
  RestUsersGroupsDocument,
  RestUsersListDocument,
  RestUsersRolesDocument,
  RestUserTenantStatusesDocument,
  type ManagedUserFieldsFragment,
  type MembershipRolesFieldsFragment,
  type UserFilter,
  type UserSortField,
} from '../../generated/graphql.ts';
import { metadataSchema } from '../../services/validation.ts';
import { USER_SORT_FIELDS, MAX_USERS_PAGE } from '../../services/users/user-management.service.ts';
import { defineRoute } from '../define-route.ts';
import { actingTenantHeader as tenantHeader, int32 } from '../headers.ts';
import { roleResponse, userProfile, userProfileV3 } from '../frontegg.ts';

const str = z.string();
const optionalStr = z.string().nullish();
/** Query-string lists: Frontegg sends comma-separated values. */
const csv = z
  .string()
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(1)).max(MAX_USERS_PAGE));
const queryBool = z.enum(['true', 'false']).transform((v) => v === 'true');
const userIdParam = z.object({ userId: str });

const groupResponse = (g: ManagedUserFieldsFragment['groups'][number]) => ({
  id: g.id,
  name: g.name,
  description: g.description ?? undefined,
  color: g.color ?? undefined,
});

/** A user as a listing shows it: profile plus the groups of the active tenant. */
function managedUser(u: ManagedUserFieldsFragment) {
  const p = userProfile(u);
  return { ...p, groups: u.groups.filter((g) => g.tenantId === p.tenantId).map(groupResponse) };
}

/** _limit, _offset (a page number), _sortBy, _order and the filters shared by v3 and the phrase search. */
const listQuery = z.object({
  _limit: z.coerce.number().int().min(1).max(MAX_USERS_PAGE).default(50),
  _offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  _sortBy: z.enum(USER_SORT_FIELDS).optional(),
  _order: z.enum(['ASC', 'DESC']).optional(),
  _email: str.max(254).optional(),
  _namePrefix: str.max(255).optional(),
  _identifier: str.max(255).optional(),
  _identifierType: z.enum(['email', 'phoneNumber', 'username']).optional(),
  _includeSubTenants: queryBool.optional(),
  _tenantId: str.max(255).optional(),
  ids: csv.optional(),
  _externalIds: csv.optional(),
});
type ListQuery = z.output<typeof listQuery>;

const phraseQuery = listQuery.extend({
  _phraseSearchContains: csv.optional(),
  _phraseSearchExcludes: csv.optional(),
  _phraseSearchOptional: csv.optional(),
  _phraseSearchApproximate: queryBool.optional(),
});

function listVariables(q: ListQuery, headers: Headers, extra: Partial<UserFilter> = {}) {
  const filter: UserFilter = {
    tenantId: q._tenantId ?? headers.get('frontegg-tenant-id'),
    // Frontegg defaults to including sub-tenants.
    includeSubTenants: q._includeSubTenants ?? true,
    ids: q.ids,
    externalIds: q._externalIds,
    email: q._email,
    namePrefix: q._namePrefix,
    identifier: q._identifier,
    identifierType: q._identifierType,
    ...extra,
  };
  return {
    first: q._limit,
    offset: q._offset * q._limit,
    filter,
    orderBy: q._sortBy ? { field: q._sortBy as UserSortField, direction: q._order ?? null } : null,
  };
}

function listResponse(r: { totalCount: number; edges: Array<{ node: ManagedUserFieldsFragment }> }, q: ListQuery) {
  const totalPages = Math.ceil(r.totalCount / q._limit);
  const page = (n: number) => `?_limit=${q._limit}&_offset=${n}`;
  return {
    items: r.edges.map((e) => managedUser(e.node)),
    _metadata: { totalItems: r.totalCount, totalPages },
    _links: {
      first: page(0),
      last: page(Math.max(totalPages - 1, 0)),
      next: q._offset + 1 < totalPages ? page(q._offset + 1) : '',
      prev: q._offset > 0 ? page(q._offset - 1) : '',
    },
  };
}

const profileOrError = (r: ManagedUserFieldsFragment | { __typename: string }) => ('id' in r ? managedUser(r) : r);
const membershipRoles = (m: MembershipRolesFieldsFragment | { __typename: string }) =>
  'userId' in m ? { tenantId: m.tenantId, userId: m.userId, roles: m.roles.map(roleResponse) } : m;

const updateBody = z.object({
  name: optionalStr,
  phoneNumber: optionalStr,
  profilePictureUrl: optionalStr,
  metadata: metadataSchema.nullish(),
});
const vendorUpdateBody = updateBody.extend({
  vendorMetadata: metadataSchema.nullish(),
  mfaBypass: z.boolean().nullish(),
  externalId: optionalStr,
});
const roleIdsBody = z.object({ roleIds: z.array(str).min(1).max(100) });

export const userManagementRoutes = [
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/v3',
    summary: 'Get users (filters, sort, _limit/_offset paging)',
    tags: ['Users'],
    headers: tenantHeader,
    query: listQuery,
    document: RestUsersListDocument,
    variables: ({ query, headers }) => listVariables(query, headers),
    result: (d) => d.users,
    response: (r, { query }) => listResponse(r, query),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/v1/query/phrase',
    summary: 'Get users with fuzzy search (email and name)',
    tags: ['Users'],
    headers: tenantHeader,
    query: phraseQuery,
    document: RestUsersListDocument,
    variables: ({ query, headers }) =>
      listVariables(query, headers, {
        searchContains: query._phraseSearchContains,
        searchExcludes: query._phraseSearchExcludes,
        searchOptional: query._phraseSearchOptional,
        searchApproximate: query._phraseSearchApproximate,
      }),
    result: (d) => d.users,
    response: (r, { query }) => listResponse(r, query),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/v1/email',
    summary: 'Get user by email',
    tags: ['Users'],
    query: z.object({ email: str }),
    document: RestUserByEmailDocument,
    variables: ({ query }) => ({ email: query.email }),
    result: (d) => d.userByEmail,
    response: userProfileV3,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/v1',
    summary: 'Update user (frontegg-user-id) in the tenant of frontegg-tenant-id',
    tags: ['Users'],
    headers: tenantHeader.extend({ 'frontegg-user-id': str.optional().describe('The user to update') }),
    body: updateBody,
    document: RestUpdateUserDocument,
    variables: ({ body, headers }) => ({ userId: headers.get('frontegg-user-id') ?? '', tenantId: headers.get('frontegg-tenant-id'), input: body }),
    result: (d) => d.updateUser,
    response: profileOrError,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/v1/{userId}',
    summary: 'Update user (global; vendor-only fields for the vendor)',
    tags: ['Users'],
    params: userIdParam,
    body: vendorUpdateBody,
    document: RestUpdateUserDocument,
    variables: ({ params, body }) => ({ userId: params.userId, input: body }),
    result: (d) => d.updateUser,
    response: profileOrError,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/v2/me',
    summary: 'Update user profile',
    tags: ['Users'],
    body: updateBody,
    document: RestUpdateMeDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.updateMe,
    response: profileOrError,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/v1/{userId}/email',
    summary: 'Update user email',
    tags: ['Users'],
    params: userIdParam,
    body: z.object({ email: str }),
    document: RestUpdateUserEmailDocument,
    variables: ({ params, body }) => ({ userId: params.userId, email: body.email }),
    result: (d) => d.updateUserEmail,
    response: profileOrError,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/users/v1/{userId}',
    summary: 'Remove user: from the tenant of frontegg-tenant-id, or (vendor without it) entirely',
    tags: ['Users'],
    headers: tenantHeader,
    params: userIdParam,
    document: RestRemoveUserDocument,
    variables: ({ params }) => ({ userId: params.userId }),
    result: (d) => d.removeUser,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/{userId}/lock',
    summary: 'Lock user',
    tags: ['Users'],
    params: userIdParam,
    document: RestLockUserDocument,
    variables: ({ params }) => ({ userId: params.userId }),
    result: (d) => d.lockUser,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/v1/{userId}/invisible',
    summary: 'Make user invisible (vendor only)',
    tags: ['Users'],
    params: userIdParam,
    body: z.object({ invisible: z.boolean() }),
    document: RestSetUserInvisibleDocument,
    variables: ({ params, body }) => ({ userId: params.userId, invisible: body.invisible }),
    result: (d) => d.setUserInvisible,
    response: profileOrError,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/v1/{userId}/superuser',
    summary: 'Make user super-user (vendor only)',
    tags: ['Users'],
    params: userIdParam,
    body: z.object({ superUser: z.boolean() }),
    document: RestSetUserSuperUserDocument,
    variables: ({ params, body }) => ({ userId: params.userId, superUser: body.superUser }),
    result: (d) => d.setUserSuperUser,
    response: profileOrError,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/{userId}/tenant',
    summary: 'Add user to account (tenant) with its default roles (vendor only)',
    tags: ['Users'],
    params: userIdParam,
    // validateTenantExist: the tenant is always validated; skipInviteEmail: no email is sent here.
    body: z.object({ tenantId: str, validateTenantExist: z.boolean().nullish(), skipInviteEmail: z.boolean().nullish() }),
    document: RestAddUserToTenantDocument,
    variables: ({ params, body }) => ({ userId: params.userId, tenantId: body.tenantId }),
    result: (d) => d.addUserToTenant,
    response: profileOrError,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/v1/{userId}/tenant',
    summary: "Set user's active account (tenant) (vendor only)",
    tags: ['Users'],
    params: userIdParam,
    body: z.object({ tenantId: str, validateTenantExist: z.boolean().nullish() }),
    document: RestSetUserActiveTenantDocument,
    variables: ({ params, body }) => ({ userId: params.userId, tenantId: body.tenantId }),
    result: (d) => d.setUserActiveTenant,
    response: profileOrError,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/v1/tenants/migrate',
    summary: 'Move all users from one account (tenant) to another, in one transaction (vendor only)',
    tags: ['Users'],
    body: z.object({ srcTenantId: str, targetTenantId: str }),
    document: RestMigrateTenantUsersDocument,
    variables: ({ body }) => body,
    result: (d) => d.migrateTenantUsers,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/tenants/users/v1/statuses',
    summary: 'Get users account (tenant) statuses',
    tags: ['Users'],
    query: z.object({
      userIds: csv,
      userTenantStatuses: csv.pipe(z.array(z.enum(['PendingInvitation', 'PendingLogin', 'Activated', 'NotActivated']))).optional(),
    }),
    document: RestUserTenantStatusesDocument,
    variables: ({ query }) => ({ userIds: query.userIds, statuses: query.userTenantStatuses }),
    result: (d) => d.userTenantStatuses,
    response: (r) => r,
    status: 200,
  }),
  ...(['disable', 'enable'] as const).map((action) =>
    defineRoute({
      service: 'identity',
      method: 'POST',
      path: `/resources/tenants/users/v1/{userId}/${action}`,
      summary: `${action === 'disable' ? 'Disable' : 'Enable'} user account (tenant)`,
      tags: ['Users'],
      headers: tenantHeader,
      params: userIdParam,
      document: RestSetUserTenantDisabledDocument,
      variables: ({ params }) => ({ userId: params.userId, disabled: action === 'disable' }),
      result: (d) => d.setUserTenantDisabled,
      response: () => ({}),
      status: 200,
    }),
  ),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/temporary/v1/configuration',
    summary: 'Gets temporary users configuration',
    tags: ['Users'],
    document: RestTemporaryUsersConfigurationDocument,
    variables: () => ({}),
    result: (d) => d.temporaryUsersConfiguration,
    response: (r) => ({ enabled: r.enabled }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/temporary/v1/configuration',
    summary: 'Set temporary users configuration (vendor only)',
    tags: ['Users'],
    body: z.object({ enabled: z.boolean() }),
    document: RestSetTemporaryUsersConfigurationDocument,
    variables: ({ body }) => body,
    result: (d) => d.setTemporaryUsersConfiguration,
    response: (r) => ('enabled' in r ? { enabled: r.enabled } : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/temporary/v1/{userId}',
    summary: 'Sets a permanent user to temporary (in the tenant of frontegg-tenant-id)',
    tags: ['Users'],
    headers: tenantHeader,
    params: userIdParam,
    body: z.object({ expirationInSeconds: int32 }),
    document: RestSetUserTemporaryDocument,
    variables: ({ params, body }) => ({ userId: params.userId, expirationInSeconds: body.expirationInSeconds }),
    result: (d) => d.setUserTemporary,
    response: (r) => ('userId' in r ? { expirationInSeconds: r.expirationInSeconds } : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/users/temporary/v1/{userId}',
    summary: 'Sets a temporary user to permanent (in the tenant of frontegg-tenant-id)',
    tags: ['Users'],
    headers: tenantHeader,
    params: userIdParam,
    document: RestSetUserTemporaryDocument,
    variables: ({ params }) => ({ userId: params.userId, expirationInSeconds: null }),
    result: (d) => d.setUserTemporary,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/{userId}/roles',
    summary: 'Assign roles to user (in the tenant of frontegg-tenant-id)',
    tags: ['Users'],
    headers: tenantHeader,
    params: userIdParam,
    body: roleIdsBody,
    document: RestAssignUserRolesDocument,
    variables: ({ params, body }) => ({ userId: params.userId, roleIds: body.roleIds }),
    result: (d) => d.assignUserRoles,
    response: membershipRoles,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/users/v1/{userId}/roles',
    summary: 'Unassign roles from user (in the tenant of frontegg-tenant-id)',
    tags: ['Users'],
    headers: tenantHeader,
    params: userIdParam,
    body: roleIdsBody,
    document: RestUnassignUserRolesDocument,
    variables: ({ params, body }) => ({ userId: params.userId, roleIds: body.roleIds }),
    result: (d) => d.unassignUserRoles,
    response: membershipRoles,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/v3/roles',
    summary: "Get users' roles in the tenant of frontegg-tenant-id",
    tags: ['Users'],
    headers: tenantHeader,
    query: z.object({ ids: csv }),
    document: RestUsersRolesDocument,
    variables: ({ query }) => ({ userIds: query.ids }),
    result: (d) => d.tenantMemberships,
    response: (r) => r.map((m) => ({ userId: m.userId, roles: m.roles.map(roleResponse) })),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/v3/groups',
    summary: "Get users' groups in the tenant of frontegg-tenant-id",
    tags: ['Users'],
    headers: tenantHeader,
    query: z.object({ ids: csv }),
    document: RestUsersGroupsDocument,
    variables: ({ query }) => ({ userIds: query.ids }),
    result: (d) => d.tenantMemberships,
    response: (r) => r.map((m) => ({ userId: m.userId, groups: m.groups.map(groupResponse) })),
    status: 200,
  }),
];
