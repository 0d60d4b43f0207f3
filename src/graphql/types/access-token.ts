// Access tokens: account (tenant) access tokens, managed with the tenant API-token permissions in
// the caller's tenant, and personal (user) access tokens of the acting user. The secret (a bearer
// JWT) exists only in the creation result; the vendor-only data fields answer what a token
// amounts to, never its secret.
import { fail } from '../../errors/domain-errors.ts';
import type { Services } from '../../services/index.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { actingUserId, scopeFor, tenantFor } from '../../services/authorization/tenant-scope.ts';
import { canInTenant } from '../auth-scopes.ts';
import { grantorOf, tokenOwner } from './api-token.ts';

type TokenQuery = NonNullable<Parameters<Services['accessTokens']['findTenantToken']>[2]>;

const CreatedAccessToken = builder
  .objectRef<{ secret: string; load: (query: TokenQuery) => ReturnType<Services['accessTokens']['findTenantToken']> }>('CreatedAccessToken')
  .implement({
    description: 'A new access token. The secret is the bearer token itself and is never shown again.',
    fields: (t) => ({
      secret: t.exposeString('secret'),
      token: t.prismaField({
        type: 'ApiToken',
        resolve: async (query, p) => (await p.load(query)) ?? fail('api_token_not_found'),
      }),
    }),
  });

type TokenData = Awaited<ReturnType<Services['accessTokens']['tokenData']>>;

const AccessTokenData = builder.objectRef<TokenData>('AccessTokenData').implement({
  description: 'What an access token amounts to now: its tenant, user, and roles and permissions (keys) resolved at use.',
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId'),
    userId: t.exposeID('userId', { nullable: true }),
    roles: t.exposeStringList('roles'),
    permissions: t.exposeStringList('permissions'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'Null: never expires.' }),
  }),
});

const AccessTokenKind = builder.enumType('AccessTokenKind', {
  description: 'TENANT_ACCESS: an account access token; USER_ACCESS: a personal access token.',
  values: ['TENANT_ACCESS', 'USER_ACCESS'] as const,
});

const CreateTenantAccessTokenInput = builder.inputType('CreateTenantAccessTokenInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, description: 'Vendor only; defaults to the tenant the call acts in.' }),
    description: t.string({ required: false }),
    expiresInMinutes: t.int({ required: false, description: 'Omitted: the token never expires.' }),
    roleIds: t.idList({ required: false, description: 'Roles of the tenant (or vendor-wide) whose permissions the caller holds.' }),
  }),
});

const CreateUserAccessTokenInput = builder.inputType('CreateUserAccessTokenInput', {
  fields: (t) => ({
    description: t.string({ required: false }),
    expiresInMinutes: t.int({ required: false, description: 'Omitted: the token never expires.' }),
  }),
});


builder.queryFields((t) => ({
  tenantAccessTokens: t.prismaField({
    type: ['ApiToken'],
    description: "The tenant's account access tokens, newest first (never their secrets).",
    authScopes: canInTenant('fe.secure.read.tenantApiTokens'),
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (query, _root, { tenantId }, ctx) => ctx.services.accessTokens.listTenantTokens(tenantFor(ctx, tenantId), query),
  }),
  myAccessTokens: t.prismaField({
    type: ['ApiToken'],
    description: "The acting user's personal access tokens in the tenant the call acts in, newest first.",
    authScopes: { actor: true },
    resolve: (query, _root, _args, ctx) => {
      const { userId, tenantId } = tokenOwner(ctx);
      return ctx.services.accessTokens.listUserTokens(userId, tenantId, query);
    },
  }),
  tenantAccessTokenData: t.field({
    type: AccessTokenData,
    description: 'Vendor only: an account access token, of the frontegg-tenant-id tenant when the header names one.',
    authScopes: { vendor: true },
    args: { id: t.arg.id() },
    resolve: (_root, { id }, ctx) => ctx.services.accessTokens.tokenData(id, 'TENANT_ACCESS', scopeFor(ctx)),
  }),
  userAccessTokenData: t.field({
    type: AccessTokenData,
    description: 'Vendor only: a personal access token, of the frontegg-tenant-id tenant when the header names one.',
    authScopes: { vendor: true },
    args: { id: t.arg.id() },
    resolve: (_root, { id }, ctx) => ctx.services.accessTokens.tokenData(id, 'USER_ACCESS', scopeFor(ctx)),
  }),
  activeAccessTokenIds: t.idList({
    description:
      "Vendor only: the ids of the access tokens of a kind that are usable now (not revoked, not expired, a personal token's user still an enabled, unlocked member), in the frontegg-tenant-id tenant or, without the header, in every tenant.",
    authScopes: { vendor: true },
    args: { kind: t.arg({ type: AccessTokenKind }) },
    resolve: (_root, { kind }, ctx) => ctx.services.accessTokens.listActiveTokenIds(kind, scopeFor(ctx)),
  }),
  activeUserAccessTokens: t.prismaField({
    type: ['ApiToken'],
    description: "Vendor only: the frontegg-tenant-id tenant's personal access tokens that have not expired.",
    authScopes: { vendor: true },
    resolve: (query, _root, _args, ctx) => ctx.services.accessTokens.listActiveUserTokens(tenantFor(ctx), query),
  }),
}));

builder.mutationFields((t) => ({
  createTenantAccessToken: t.field({
    type: CreatedAccessToken,
    description: 'Creates an account access token with roles the caller holds the permissions of.',
    authScopes: canInTenant('fe.secure.write.tenantApiTokens'),
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateTenantAccessTokenInput }) },
    resolve: async (_root, { input }, ctx) => {
      const tenantId = tenantFor(ctx, input.tenantId);
      const { id, secret } = await ctx.services.accessTokens.createTenantToken({ ...input, tenantId, createdById: actingUserId(ctx) }, grantorOf(ctx));
      return { secret, load: (query) => ctx.services.accessTokens.findTenantToken(id, tenantId, query) };
    },
  }),
  deleteTenantAccessToken: t.boolean({
    description: 'Deletes (revokes) an account access token.',
    authScopes: canInTenant('fe.secure.delete.tenantApiTokens'),
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: async (_root, { id, tenantId }, ctx) => {
      await ctx.services.accessTokens.deleteTenantToken(id, tenantFor(ctx, tenantId));
      return true;
    },
  }),
  createUserAccessToken: t.field({
    type: CreatedAccessToken,
    description: 'Creates a personal access token for the acting user in the tenant the call acts in.',
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateUserAccessTokenInput }) },
    resolve: async (_root, { input }, ctx) => {
      const { userId, tenantId } = tokenOwner(ctx);
      const { id, secret } = await ctx.services.accessTokens.createUserToken({ ...input, userId, tenantId });
      return { secret, load: (query) => ctx.services.accessTokens.findUserToken(id, userId, query) };
    },
  }),
  deleteUserAccessToken: t.boolean({
    description: "Deletes (revokes) one of the acting user's personal access tokens.",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.accessTokens.deleteUserToken(id, tokenOwner(ctx).userId);
      return true;
    },
  }),
}));
