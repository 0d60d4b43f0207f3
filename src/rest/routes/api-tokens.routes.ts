// Frontegg's API tokens (client credentials): tenant and user tokens, and their exchange for a
// JWT. Frontegg addresses a token by its clientId everywhere ({id} in the paths), which is also
// our id. The secret appears in the creation response only.
import { z } from 'zod';
import {
  RestCreateTenantApiTokenDocument,
  RestCreateUserApiTokenDocument,
  RestDeleteTenantApiTokenDocument,
  RestDeleteUserApiTokenDocument,
  RestExchangeApiTokenDocument,
  RestMyApiTokensDocument,
  RestRefreshApiTokenDocument,
  RestTenantApiTokensDocument,
  RestUpdateTenantApiTokenDocument,
  type ApiTokenAccessTokenFieldsFragment,
  type ApiTokenFieldsFragment,
} from '../../generated/graphql.ts';
import { metadataSchema } from '../../services/validation.ts';
import { defineRoute } from '../define-route.ts';
import { actingTenantHeader as tenantHeader, int32 } from '../headers.ts';

const str = z.string();
const optionalStr = z.string().nullish();
const userHeaders = tenantHeader.extend({
  'frontegg-user-id': str.optional().describe('The user a vendor call acts for; user tokens act for their own user'),
});
const idParams = z.object({ id: str });

const grantBody = z.object({
  description: optionalStr,
  metadata: metadataSchema.nullish(),
  roleIds: z.array(str).nullish(),
  permissionIds: z.array(str).nullish(),
});
const createTenantTokenBody = grantBody.extend({ expiresInMinutes: int32.nullish() });
const createUserTokenBody = z.object({
  description: optionalStr,
  metadata: metadataSchema.nullish(),
  expiresInMinutes: int32.nullish(),
});

const tenantToken = (t: ApiTokenFieldsFragment) => ({
  clientId: t.clientId,
  description: t.description ?? undefined,
  tenantId: t.tenantId,
  createdByUserId: t.createdById ?? undefined,
  metadata: t.metadata ?? {},
  createdAt: t.createdAt,
  permissionIds: t.permissions.map((p) => p.id),
  roleIds: t.roles.map((r) => r.id),
  expires: t.expiresAt ?? undefined,
});

const userToken = (t: ApiTokenFieldsFragment) => ({
  clientId: t.clientId,
  description: t.description ?? undefined,
  metadata: t.metadata ?? {},
  createdAt: t.createdAt,
  expires: t.expiresAt ?? undefined,
});

/** Frontegg's OAuth-style answer for an exchange or a refresh. */
const tokenResponse = (r: ApiTokenAccessTokenFieldsFragment) => ({
  access_token: r.accessToken,
  refresh_token: r.refreshToken,
  expires_in: r.expiresIn,
  expires: new Date(r.expires).toUTCString(),
});

const createTenantToken = (path: string) =>
  defineRoute({
    service: 'identity',
    method: 'POST',
    path,
    summary: 'Create client credentials token (roleIds override permissionIds); the secret is shown only here',
    tags: ['API tokens'],
    headers: tenantHeader,
    body: createTenantTokenBody,
    document: RestCreateTenantApiTokenDocument,
    variables: ({ body, headers }) => ({ input: { ...body, tenantId: headers.get('frontegg-tenant-id') } }),
    result: (d) => d.createTenantApiToken,
    response: (r) => ('secret' in r ? { ...tenantToken(r.token), secret: r.secret } : r),
    status: 201,
  });

export const apiTokenRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v2/api-token',
    summary: 'Authenticate using API token (clientId and secret for a JWT)',
    tags: ['API tokens'],
    body: z.object({ clientId: str, secret: str }),
    document: RestExchangeApiTokenDocument,
    variables: ({ body }) => body,
    result: (d) => d.exchangeApiToken,
    response: (r) => ('accessToken' in r ? tokenResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v2/api-token/token/refresh',
    summary: 'Refresh API token (single-use refresh token; reuse revokes its family)',
    tags: ['API tokens'],
    body: z.object({ refreshToken: str }),
    document: RestRefreshApiTokenDocument,
    variables: ({ body }) => body,
    result: (d) => d.refreshApiToken,
    response: (r) => ('accessToken' in r ? tokenResponse(r) : r),
    status: 200,
  }),
  createTenantToken('/resources/tenants/api-tokens/v1'),
  createTenantToken('/resources/tenants/api-tokens/v2'),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/tenants/api-tokens/v1',
    summary: 'Get client credentials tokens (never their secrets)',
    tags: ['API tokens'],
    headers: tenantHeader,
    document: RestTenantApiTokensDocument,
    variables: ({ headers }) => ({ tenantId: headers.get('frontegg-tenant-id') }),
    result: (d) => d.tenantApiTokens,
    response: (r) => r.map(tenantToken),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PATCH',
    path: '/resources/tenants/api-tokens/v1/{id}',
    summary: 'Update client credentials token',
    tags: ['API tokens'],
    headers: tenantHeader,
    params: idParams,
    body: grantBody,
    document: RestUpdateTenantApiTokenDocument,
    variables: ({ params, body, headers }) => ({ id: params.id, input: { ...body, tenantId: headers.get('frontegg-tenant-id') } }),
    result: (d) => d.updateTenantApiToken,
    response: (r) => ('clientId' in r ? tenantToken(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/tenants/api-tokens/v1/{id}',
    summary: 'Delete client credentials token',
    tags: ['API tokens'],
    headers: tenantHeader,
    params: idParams,
    document: RestDeleteTenantApiTokenDocument,
    variables: ({ params, headers }) => ({ id: params.id, tenantId: headers.get('frontegg-tenant-id') }),
    result: (d) => d.deleteTenantApiToken,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/api-tokens/v1',
    summary: 'Create user client credentials token; the secret is shown only here',
    tags: ['API tokens'],
    headers: userHeaders,
    body: createUserTokenBody,
    document: RestCreateUserApiTokenDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.createUserApiToken,
    response: (r) => ('secret' in r ? { ...userToken(r.token), secret: r.secret } : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/api-tokens/v1',
    summary: 'Get user client credentials tokens (never their secrets)',
    tags: ['API tokens'],
    headers: userHeaders,
    document: RestMyApiTokensDocument,
    variables: () => ({}),
    result: (d) => d.myApiTokens,
    response: (r) => r.map(userToken),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/users/api-tokens/v1/{id}',
    summary: 'Delete user client credentials token by token ID',
    tags: ['API tokens'],
    headers: userHeaders,
    params: idParams,
    document: RestDeleteUserApiTokenDocument,
    variables: ({ params }) => ({ id: params.id }),
    result: (d) => d.deleteUserApiToken,
    response: () => ({}),
    status: 200,
  }),
];
