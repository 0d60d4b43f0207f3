// The one SchemaBuilder: plugins and their configuration live here (pothos complex-app).
import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import DatabaseErrorsPlugin from './database-errors-plugin.ts';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { domainError } from '../errors/domain-errors.ts';
import type PrismaTypes from '../generated/pothos-types.ts';
import { getDatamodel } from '../generated/pothos-types.ts';
import { actingUserId, actsIn, holds, mayActIn } from '../services/authorization/tenant-scope.ts';
import type { GraphQLContext } from './context.ts';

export interface AuthScopes {
  /** Any valid token (user or vendor). */
  authenticated: boolean;
  /** The vendor token (management). */
  vendor: boolean;
  /** A user access token. */
  user: boolean;
  /** There is a current user: a user token, or a vendor token with frontegg-user-id. */
  actor: boolean;
  /** The caller (user or API token) holds this permission key in its tenant (the vendor holds all). */
  permission: string;
  /** The call may act in this tenant (null: the tenant it acts in): any for the vendor, else only its own. */
  tenantAccess: string | null;
  /** The call acts in exactly this tenant (fields that show what is inside a tenant). */
  tenantMember: string;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSONObject: { Input: Record<string, unknown>; Output: unknown };
    ID: { Input: string; Output: string };
  };
}>({
  // Errors before scope-auth so authorization failures land in result unions too; database
  // refusals become domain errors just inside it, so they land there as well.
  plugins: [ErrorsPlugin, DatabaseErrorsPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  prisma: {
    client: (ctx) => ctx.prismaForPlugin,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Node ids are the raw database ids (REST maps them as Frontegg ids), so the plugin's
    // typename-encoded lookups cannot be used: node/nodes are defined in types/node.ts.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
  errors: {
    defaultResultOptions: { name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Success` },
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Result` },
  },
  scopeAuth: {
    authScopes: (ctx) => ({
      authenticated: ctx.principal.kind !== 'anonymous',
      vendor: ctx.principal.kind === 'vendor',
      user: ctx.principal.kind === 'user',
      actor: actingUserId(ctx) !== null,
      // The rules are the service's (services/authorization/tenant-scope.ts); these only name them.
      permission: (key) => holds(ctx, key),
      tenantAccess: (tenantId) => mayActIn(ctx, tenantId),
      tenantMember: (tenantId) => actsIn(ctx, tenantId),
    }),
    // 401 when there is no (valid) token, 403 when the token lacks the right.
    unauthorizedError: (_parent, ctx) =>
      ctx.authError
        ? domainError(ctx.authError)
        : ctx.principal.kind === 'anonymous'
          ? domainError('auth_unauthenticated')
          : ctx.principal.kind === 'vendor' && !ctx.headerUserId
            ? domainError('user_header_required')
            : domainError('auth_forbidden'),
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSONObject', JSONObjectResolver);
builder.queryType({});
builder.mutationType({});
