// Users across a tenant and its sub-tenants: paths Frontegg's browser client calls beyond the
// identity spec (shared/spec/frontegg-client-conventions.md; @frontegg/rest-api subTenants.*).
// Each maps HTTP to one GraphQL document; the sub-tree, role and all-or-nothing rules live in
// the sub-tenant users service.
import { z } from 'zod';
import {
  RestAddSubTenantUserRolesDocument,
  RestAddUsersToSubTenantDocument,
  RestAddUserToSubTenantsDocument,
  RestRemoveSubTenantUserRolesDocument,
  RestRemoveUserFromSubTenantsDocument,
  RestSetSubTenantUserRolesDocument,
  RestSubTenantUsersDocument,
  type RestSubTenantUsersQuery,
} from '../../generated/graphql.ts';
import { MAX_USERS_PAGE } from '../../services/users/user-management.service.ts';
import { metadataSchema } from '../../services/validation.ts';
import { defineRoute } from '../define-route.ts';
import { roleResponse } from '../frontegg.ts';

const str = z.string();
const optionalStr = z.string().nullish();
const tenantHeader = z.object({
  'frontegg-tenant-id': str.optional().describe('The tenant whose sub-tree a vendor call manages; user tokens act in their own tenant'),
});
const V1 = '/resources/sub-tenants/users/v1';

type Page = RestSubTenantUsersQuery['subTenantUsers'];

/** Frontegg's sub-tenant user: profile plus its memberships (with roles) inside the caller's sub-tree. */
const subTenantUser = (u: Page['items'][number]) => ({
  id: u.id,
  email: u.email ?? undefined,
  name: u.name ?? undefined,
  profilePictureUrl: u.profilePictureUrl ?? undefined,
  verified: u.verified,
  metadata: JSON.stringify(u.metadata ?? {}),
  createdAt: u.createdAt,
  lastLogin: u.lastLoginAt ?? undefined,
  tenants: u.tenants.map((m) => ({
    tenantId: m.tenantId,
    roles: m.roles.map(roleResponse),
    activatedForTenant: m.activatedForTenant,
    isDisabled: m.disabled,
    temporaryExpirationDate: m.expiresAt ?? undefined,
  })),
});

const tenantRoles = z.array(z.object({ tenantId: str, roleIds: z.array(str).max(100) })).max(100);
/** The client names the list subTenants (add / remove) or subTenantsRoles (set); either is read. */
const rolesBody = z
  .object({ subTenants: tenantRoles.optional(), subTenantsRoles: tenantRoles.optional() })
  .transform((b) => b.subTenants ?? b.subTenantsRoles ?? []);
const userIdParam = z.object({ userId: str });
const newUser = {
  email: str,
  name: optionalStr,
  profilePictureUrl: optionalStr,
  metadata: metadataSchema.nullish(),
};
const changed = (r: { __typename?: string; userId?: string }) => ('userId' in r ? {} : r);

export const subTenantUserRoutes = [
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: V1,
    summary: "Get the users of the acting tenant and its sub-tenants (paged; each with its roles per tenant of the sub-tree)",
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    query: z.object({
      _limit: z.coerce.number().int().min(1).max(MAX_USERS_PAGE).default(50),
      _offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      _filter: str.max(255).optional(),
      _sortBy: z.enum(['createdAt', 'name', 'email']).optional(),
      _order: z.enum(['ASC', 'DESC']).optional(),
    }),
    document: RestSubTenantUsersDocument,
    variables: ({ query }) => ({
      limit: query._limit,
      // Frontegg's _offset is a page index
      offset: query._offset * query._limit,
      filter: query._filter || null,
      sortBy: query._sortBy,
      order: query._order,
    }),
    result: (d) => d.subTenantUsers,
    response: (r, { query }) => {
      const totalPages = Math.ceil(r.totalCount / r.limit);
      return {
        items: r.items.map(subTenantUser),
        _metadata: { totalItems: r.totalCount, totalPages },
        _links: {
          next: query._offset + 1 < totalPages ? `?_limit=${query._limit}&_offset=${query._offset + 1}` : '',
          prev: query._offset > 0 ? `?_limit=${query._limit}&_offset=${query._offset - 1}` : '',
        },
      };
    },
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: V1,
    summary: 'Add a user (by email) to the acting tenant and/or its sub-tenants, with roles per tenant (all or nothing)',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    body: z.object({
      ...newUser,
      subTenants: z.array(z.object({ tenantId: str, roleIds: z.array(str).max(100).nullish() })).min(1).max(100),
      skipInviteEmail: z.boolean().nullish(),
    }),
    document: RestAddUserToSubTenantsDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.addUserToSubTenants,
    response: (r) => ('users' in r ? r.users[0] : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: V1,
    summary: 'Remove a user from tenants of the acting sub-tree (all or nothing)',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    body: z.object({ userId: str, subTenants: z.array(z.object({ tenantId: str })).optional(), tenantIds: z.array(str).optional() }),
    document: RestRemoveUserFromSubTenantsDocument,
    variables: ({ body }) => ({
      input: { userId: body.userId, tenantIds: body.subTenants?.map((t) => t.tenantId) ?? body.tenantIds ?? [] },
    }),
    result: (d) => d.removeUserFromSubTenants,
    response: changed,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${V1}/{userId}/roles`,
    summary: "Add roles to a user in tenants of the acting sub-tree (all or nothing; a user token grants only permissions it holds)",
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    params: userIdParam,
    body: rolesBody,
    document: RestAddSubTenantUserRolesDocument,
    variables: ({ params, body }) => ({ userId: params.userId, tenants: body }),
    result: (d) => d.addSubTenantUserRoles,
    response: changed,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'PATCH',
    path: `${V1}/{userId}/roles`,
    summary: "Set a user's roles in tenants of the acting sub-tree (all or nothing)",
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    params: userIdParam,
    body: rolesBody,
    document: RestSetSubTenantUserRolesDocument,
    variables: ({ params, body }) => ({ userId: params.userId, tenants: body }),
    result: (d) => d.setSubTenantUserRoles,
    response: changed,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: `${V1}/{userId}/roles`,
    summary: 'Remove roles from a user in tenants of the acting sub-tree (all or nothing)',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    params: userIdParam,
    body: rolesBody,
    document: RestRemoveSubTenantUserRolesDocument,
    variables: ({ params, body }) => ({ userId: params.userId, tenants: body }),
    result: (d) => d.removeSubTenantUserRoles,
    response: changed,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/sub-tenants/users/v2',
    summary: 'Add users (by email) to one tenant of the acting sub-tree (tenantId, else frontegg-tenant-id; all or nothing)',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    body: z.object({
      tenantId: optionalStr,
      users: z.array(z.object({ ...newUser, roleIds: z.array(str).max(100).nullish() })).min(1).max(100),
      skipInviteEmail: z.boolean().nullish(),
    }),
    document: RestAddUsersToSubTenantDocument,
    variables: ({ body: { tenantId, ...rest }, headers }) => ({ input: { ...rest, tenantId: tenantId ?? headers.get('frontegg-tenant-id') ?? '' } }),
    result: (d) => d.addUsersToSubTenant,
    response: (r) => ('users' in r ? { users: r.users } : r),
    status: 201,
  }),
];
