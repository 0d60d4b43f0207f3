// Frontegg's access tokens: account (tenant) access tokens and user (personal) access tokens. The
// secret is a bearer JWT, shown in the creation response only; deleting a token revokes it.
import { z } from 'zod';
import {
  RestActiveAccessTokenIdsDocument,
  RestCreateTenantAccessTokenDocument,
  RestCreateUserAccessTokenDocument,
  RestDeleteTenantAccessTokenDocument,
  RestDeleteUserAccessTokenDocument,
  RestMyAccessTokensDocument,
  RestTenantAccessTokenDataDocument,
  RestTenantAccessTokensDocument,
  RestUserAccessTokenDataDocument,
  type AccessTokenDataFieldsFragment,
  type AccessTokenFieldsFragment,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { actingTenantHeader as tenantHeader, int32 } from '../headers.ts';

const str = z.string();
const userHeaders = tenantHeader.extend({
  'frontegg-user-id': str.optional().describe('The user a vendor call acts for; user tokens act for their own user'),
});
// Optional: Frontegg's backend SDK (@frontegg/client) calls these routes with the vendor token and
// no tenant header; without one, a token is found by id in any tenant.
const vendorTenantHeader = z.object({ 'frontegg-tenant-id': str.optional().describe('The tenant the token belongs to (optional: any tenant)') });
const idParams = z.object({ id: str });
const expiresInMinutes = int32.nullish();

const tenantAccessToken = (t: AccessTokenFieldsFragment) => ({
  id: t.id,
  description: t.description ?? undefined,
  createdAt: t.createdAt,
  expires: t.expiresAt ?? undefined,
  roleIds: t.roles.map((r) => r.id),
  createdByUserId: t.createdById ?? undefined,
});

const userAccessToken = (t: AccessTokenFieldsFragment) => ({
  id: t.id,
  description: t.description ?? undefined,
  createdAt: t.createdAt,
  expires: t.expiresAt ?? undefined,
});

const tokenData = (d: AccessTokenDataFieldsFragment) => ({
  id: d.id,
  tenantId: d.tenantId,
  ...(d.userId ? { userId: d.userId } : {}),
  roles: d.roles,
  permissions: d.permissions,
  createdAt: d.createdAt,
  expires: d.expiresAt ?? undefined,
});

export const accessTokenRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/tenants/access-tokens/v1',
    summary: 'Create account (tenant) access token; the secret (a bearer token) is shown only here',
    tags: ['Access tokens'],
    headers: tenantHeader,
    body: z.object({ description: str.nullish(), expiresInMinutes, roleIds: z.array(str).nullish() }),
    document: RestCreateTenantAccessTokenDocument,
    variables: ({ body, headers }) => ({ input: { ...body, tenantId: headers.get('frontegg-tenant-id') } }),
    result: (d) => d.createTenantAccessToken,
    response: (r) => ('secret' in r ? { ...tenantAccessToken(r.token), secret: r.secret } : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/tenants/access-tokens/v1',
    summary: 'Get account (tenant) access tokens (never their secrets)',
    tags: ['Access tokens'],
    headers: tenantHeader,
    document: RestTenantAccessTokensDocument,
    variables: ({ headers }) => ({ tenantId: headers.get('frontegg-tenant-id') }),
    result: (d) => d.tenantAccessTokens,
    response: (r) => ({ accessTokens: r.map(tenantAccessToken) }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/tenants/access-tokens/v1/{id}',
    summary: 'Delete (revoke) account (tenant) access token',
    tags: ['Access tokens'],
    headers: tenantHeader,
    params: idParams,
    document: RestDeleteTenantAccessTokenDocument,
    variables: ({ params, headers }) => ({ id: params.id, tenantId: headers.get('frontegg-tenant-id') }),
    result: (d) => d.deleteTenantAccessToken,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/access-tokens/v1',
    summary: 'Create user access token; the secret (a bearer token) is shown only here',
    tags: ['Access tokens'],
    headers: userHeaders,
    body: z.object({ description: str.nullish(), expiresInMinutes }),
    document: RestCreateUserAccessTokenDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.createUserAccessToken,
    response: (r) => ('secret' in r ? { ...userAccessToken(r.token), secret: r.secret } : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/access-tokens/v1',
    summary: 'Get user access tokens (never their secrets)',
    tags: ['Access tokens'],
    headers: userHeaders,
    document: RestMyAccessTokensDocument,
    variables: () => ({}),
    result: (d) => d.myAccessTokens,
    response: (r) => ({ accessTokens: r.map(userAccessToken) }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/users/access-tokens/v1/{id}',
    summary: 'Delete (revoke) user access token by token ID',
    tags: ['Access tokens'],
    headers: userHeaders,
    params: idParams,
    document: RestDeleteUserAccessTokenDocument,
    variables: ({ params }) => ({ id: params.id }),
    result: (d) => d.deleteUserAccessToken,
    response: () => ({}),
    status: 200,
  }),
  // Literal before parameter: /active must not be read as a token id. The answer is a bare array
  // of token ids: what @frontegg/client checks a presented access token's `sub` against.
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/vendor-only/users/access-tokens/v1/active',
    summary: 'Get the ids of the user access tokens that are not revoked and have not expired (vendor only; one tenant with frontegg-tenant-id, else all)',
    tags: ['Vendor only'],
    headers: vendorTenantHeader,
    document: RestActiveAccessTokenIdsDocument,
    variables: () => ({ kind: 'USER_ACCESS' as const }),
    result: (d) => d.activeAccessTokenIds,
    response: (ids) => ids,
    status: 200,
  }),
  // Not in Frontegg's published spec, but called by its backend SDK for account access tokens.
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/vendor-only/tenants/access-tokens/v1/active',
    summary: 'Get the ids of the account (tenant) access tokens that are not revoked and have not expired (vendor only; one tenant with frontegg-tenant-id, else all)',
    tags: ['Vendor only'],
    headers: vendorTenantHeader,
    document: RestActiveAccessTokenIdsDocument,
    variables: () => ({ kind: 'TENANT_ACCESS' as const }),
    result: (d) => d.activeAccessTokenIds,
    response: (ids) => ids,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/vendor-only/users/access-tokens/v1/{id}',
    summary: 'Get user access token data: tenant, user, roles and permissions now (vendor only; never the secret)',
    tags: ['Vendor only'],
    headers: vendorTenantHeader,
    params: idParams,
    document: RestUserAccessTokenDataDocument,
    variables: ({ params }) => ({ id: params.id }),
    result: (d) => d.userAccessTokenData,
    response: tokenData,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/vendor-only/tenants/access-tokens/v1/{id}',
    summary: 'Get account (tenant) access token data: tenant, roles and permissions now (vendor only; never the secret)',
    tags: ['Vendor only'],
    headers: vendorTenantHeader,
    params: idParams,
    document: RestTenantAccessTokenDataDocument,
    variables: ({ params }) => ({ id: params.id }),
    result: (d) => d.tenantAccessTokenData,
    response: tokenData,
    status: 200,
  }),
];
