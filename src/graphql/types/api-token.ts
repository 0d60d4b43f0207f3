// API tokens (client credentials) and their exchange for a JWT. Tenant tokens are managed with
// the fe.secure.*.tenantApiTokens permissions in the caller's tenant; user tokens belong to the
// acting user. No field ever returns a stored secret: the secret exists only in the creation result.
import { fail } from '../../errors/domain-errors.ts';
import type { Grantor } from '../../services/api-tokens/api-tokens.service.ts';
import type { Services } from '../../services/index.ts';
import { builder } from '../builder.ts';
import { actingUserId, tenantFor } from '../../services/authorization/tenant-scope.ts';
import { canInTenant } from '../auth-scopes.ts';
import type { GraphQLContext } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { Permission, Role } from './role.ts';

type TokenQuery = NonNullable<Parameters<Services['apiTokens']['findTenantToken']>[2]>;

const ApiTokenKind = builder.enumType('ApiTokenKind', {
  values: { TENANT: { description: 'Acts for the tenant with its own roles or permissions.' }, USER: { description: 'Acts for its user in one tenant.' },
    TENANT_ACCESS: { description: "A tenant access token: a bearer token with the token's roles." },
    USER_ACCESS: { description: "A user's personal access token." },
  },
});

export const ApiToken = builder.prismaObject('ApiToken', {
  interfaces: [builder.nodeInterfaceRef()],
  description: 'A client-credentials token. Its secret is shown once, at creation; only a keyed hash is kept.',
  fields: (t) => ({
    id: t.exposeID('id'),
    clientId: t.exposeString('clientId', { description: 'Equal to the id; Frontegg addresses tokens by clientId.' }),
    kind: t.field({ type: ApiTokenKind, select: { kind: true }, resolve: (a) => a.kind }),
    tenantId: t.exposeID('tenantId'),
    userId: t.exposeID('userId', { nullable: true, description: 'The user a user token acts for.' }),
    description: t.exposeString('description', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSONObject', description: 'Copied into the JWT.' }),
    createdById: t.exposeID('createdById', { nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'Null: never expires.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Last exchange, to the minute.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    roles: t.field({
      type: [Role],
      select: (_args, _ctx, nested) => ({ roles: { select: { role: nested(true) } } }),
      resolve: (a) => a.roles.map((r) => r.role),
    }),
    permissions: t.field({
      type: [Permission],
      description: "Permissions given directly (a user token's narrowing, or a tenant token without roles).",
      select: (_args, _ctx, nested) => ({ permissions: { select: { permission: nested(true) } } }),
      resolve: (a) => a.permissions.map((p) => p.permission),
    }),
  }),
});

interface CreatedShape {
  secret: string;
  /** Reads the new token through the same scoped finder the caller would use. */
  load: (query: TokenQuery) => ReturnType<Services['apiTokens']['findTenantToken']>;
}

const CreatedApiToken = builder.objectRef<CreatedShape>('CreatedApiToken').implement({
  description: 'A new token and its secret. The secret is never shown again.',
  fields: (t) => ({
    secret: t.exposeString('secret'),
    token: t.prismaField({
      type: 'ApiToken',
      resolve: async (query, p) => (await p.load(query)) ?? fail('api_token_not_found'),
    }),
  }),
});

const ApiTokenAccessToken = builder.objectRef<{ accessToken: string; refreshToken: string; expiresIn: number; expires: Date }>('ApiTokenAccessToken').implement({
  description: 'The JWT an API token was exchanged for (type tenantApiToken or userApiToken), and its refresh token.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    refreshToken: t.exposeString('refreshToken', { description: 'Single-use: refreshApiToken rotates it.' }),
    expiresIn: t.exposeInt('expiresIn', { description: 'Seconds until the access token expires.' }),
    expires: t.expose('expires', { type: 'DateTime' }),
  }),
});

const grantFields = (t: PothosSchemaTypes.InputFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never>, 'InputObject'>) => ({
  description: t.string({ required: false }),
  metadata: t.field({ type: 'JSONObject', required: false }),
  roleIds: t.idList({ required: false, description: 'Roles of the tenant (or vendor-wide). Given roles override permissionIds.' }),
  permissionIds: t.idList({ required: false, description: 'Permission ids or keys.' }),
});

const CreateTenantApiTokenInput = builder.inputType('CreateTenantApiTokenInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, description: 'Vendor only; defaults to the tenant the call acts in.' }),
    ...grantFields(t),
    expiresInMinutes: t.int({ required: false, description: 'Omitted: the token never expires.' }),
  }),
});

const UpdateTenantApiTokenInput = builder.inputType('UpdateTenantApiTokenInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, description: 'Vendor only; defaults to the tenant the call acts in.' }),
    ...grantFields(t),
  }),
});

const CreateUserApiTokenInput = builder.inputType('CreateUserApiTokenInput', {
  fields: (t) => ({
    description: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
    permissionIds: t.idList({ required: false, description: "Narrows the token to these of the user's permissions (ids or keys)." }),
    expiresInMinutes: t.int({ required: false, description: 'Omitted: the token never expires.' }),
  }),
});

export const grantorOf = (ctx: GraphQLContext): Grantor =>
  ctx.principal.kind === 'user' || ctx.principal.kind === 'apiToken' ? { permissions: ctx.principal.permissions } : null;

/** The acting user and the tenant their user tokens live in (frontegg-tenant-id for a vendor call). */
export function tokenOwner(ctx: GraphQLContext) {
  const userId = actingUserId(ctx) ?? fail('auth_unauthenticated');
  return { userId, tenantId: tenantFor(ctx) };
}

builder.queryFields((t) => ({
  tenantApiTokens: t.prismaField({
    type: ['ApiToken'],
    description: "The tenant's client-credentials tokens, newest first.",
    authScopes: canInTenant('fe.secure.read.tenantApiTokens'),
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (query, _root, { tenantId }, ctx) => ctx.services.apiTokens.listTenantTokens(tenantFor(ctx, tenantId), query),
  }),
  myApiTokens: t.prismaField({
    type: ['ApiToken'],
    description: "The acting user's tokens in the tenant the call acts in, newest first.",
    authScopes: { actor: true },
    resolve: (query, _root, _args, ctx) => {
      const { userId, tenantId } = tokenOwner(ctx);
      return ctx.services.apiTokens.listUserTokens(userId, tenantId, query);
    },
  }),
}));

builder.mutationFields((t) => ({
  createTenantApiToken: t.field({
    type: CreatedApiToken,
    description: 'Creates a tenant token with roles or permissions the caller holds itself.',
    authScopes: canInTenant('fe.secure.write.tenantApiTokens'),
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateTenantApiTokenInput }) },
    resolve: async (_root, { input }, ctx) => {
      const tenantId = tenantFor(ctx, input.tenantId);
      const { id, secret } = await ctx.services.apiTokens.createTenantToken({ ...input, tenantId, createdById: actingUserId(ctx) }, grantorOf(ctx));
      return { secret, load: (query) => ctx.services.apiTokens.findTenantToken(id, tenantId, query) };
    },
  }),
  updateTenantApiToken: t.prismaField({
    type: 'ApiToken',
    description: "Updates a tenant token's description and metadata; roleIds or permissionIds replace its grants.",
    authScopes: canInTenant('fe.secure.write.tenantApiTokens'),
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), input: t.arg({ type: UpdateTenantApiTokenInput }) },
    resolve: async (query, _root, { id, input }, ctx) => {
      const tenantId = tenantFor(ctx, input.tenantId);
      await ctx.services.apiTokens.updateTenantToken(id, tenantId, input, grantorOf(ctx));
      return (await ctx.services.apiTokens.findTenantToken(id, tenantId, query)) ?? fail('api_token_not_found');
    },
  }),
  deleteTenantApiToken: t.boolean({
    description: 'Deletes a tenant token; it can no longer be exchanged.',
    authScopes: canInTenant('fe.secure.delete.tenantApiTokens'),
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: async (_root, { id, tenantId }, ctx) => {
      await ctx.services.apiTokens.deleteTenantToken(id, tenantFor(ctx, tenantId));
      return true;
    },
  }),
  createUserApiToken: t.field({
    type: CreatedApiToken,
    description: 'Creates a token that acts for the acting user in the tenant the call acts in.',
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateUserApiTokenInput }) },
    resolve: async (_root, { input }, ctx) => {
      const { userId, tenantId } = tokenOwner(ctx);
      const { id, secret } = await ctx.services.apiTokens.createUserToken({ ...input, userId, tenantId });
      return { secret, load: (query) => ctx.services.apiTokens.findUserToken(id, userId, query) };
    },
  }),
  deleteUserApiToken: t.boolean({
    description: "Deletes one of the acting user's tokens.",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.apiTokens.deleteUserToken(id, tokenOwner(ctx).userId);
      return true;
    },
  }),
  exchangeApiToken: t.field({
    type: ApiTokenAccessToken,
    description: 'Exchanges a clientId and secret for a JWT. Every refusal is the same InvalidCredentialsError.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { clientId: t.arg.string(), secret: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.apiTokens.exchange(args, ctx.client),
  }),
  refreshApiToken: t.field({
    type: ApiTokenAccessToken,
    description: 'Rotates an API-token refresh token. Presenting a used one revokes its whole family.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { refreshToken: t.arg.string() },
    resolve: (_root, { refreshToken }, ctx) => ctx.services.apiTokens.refresh(refreshToken, ctx.client),
  }),
}));
