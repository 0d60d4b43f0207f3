// Relay object identification with raw ids. `id` on every type stays the raw database id (the
// REST layer maps it as Frontegg's id), so a Node id carries no type: `node`/`nodes` ask the
// nodes service for the kind of each id (one statement over every node table, precedence in
// NODE_KINDS), then read each kind in ONE batched statement through that kind's scoped service
// method, with exactly the visibility the kind's own queries give the caller. An id the caller may
// not see answers null, the same as an unknown id (no existence oracle across tenants).
import { brandWithType, type OutputType, type SchemaTypes } from '@pothos/core';
import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { fail } from '../../errors/domain-errors.ts';
import { MAX_NODE_IDS, type NodeKind } from '../../services/nodes/nodes.service.ts';
import { builder } from '../builder.ts';
import { actingTenantId, actingUserId, holds, managementActor } from '../../services/authorization/tenant-scope.ts';
import type { GraphQLContext } from '../context.ts';

const HIERARCHY_READ = 'fe.account-hierarchy.read.subAccount';

type Row = { id: string };
type Loader = (ctx: GraphQLContext, ids: string[], query: object) => Promise<Row[]>;

/** Per kind: the rows among `ids` the caller may read through the kind's own query fields. */
const LOADERS: Record<NodeKind, Loader> = {
  // me (itself), user (members of the acting tenant, fe.secure.read.users), vendorUser (vendor: any).
  User: (ctx, ids, query) => {
    if (ctx.principal.kind === 'vendor') return ctx.services.users.findManyVisible(ids, null, query);
    const selfId = actingUserId(ctx);
    const tenantId = holds(ctx, 'fe.secure.read.users') ? actingTenantId(ctx) : null;
    return selfId || tenantId ? ctx.services.users.findManyVisible(ids, { selfId, tenantId }, query) : Promise.resolve([]);
  },
  // tenant(id): the vendor any; others their acting tenant, or one below it with the sub-account read permission.
  Tenant: async (ctx, ids, query) => {
    if (ctx.principal.kind === 'vendor') return ctx.services.tenants.findManyByIds(ids, query);
    const own = actingTenantId(ctx);
    if (!own) return [];
    let visible = ids.filter((id) => id === own);
    const others = ids.filter((id) => id !== own);
    if (others.length && holds(ctx, HIERARCHY_READ)) {
      const chains = await ctx.services.tenants.ancestorIds(others);
      visible = [...visible, ...others.filter((id) => chains.get(id)?.includes(own))];
    }
    return visible.length ? ctx.services.tenants.findManyByIds(visible, query) : [];
  },
  // role(id): fe.secure.read.roles; vendor-wide roles and the acting tenant's (the vendor: any).
  Role: async (ctx, ids, query) => (holds(ctx, 'fe.secure.read.roles') ? ctx.services.roles.findManyVisible(managementActor(ctx), ids, query) : []),
  // permissions / permissionCategories: fe.secure.read.roles; they are vendor-wide.
  Permission: async (ctx, ids, query) => (holds(ctx, 'fe.secure.read.roles') ? ctx.services.permissions.findMany(ids, query) : []),
  PermissionCategory: async (ctx, ids, query) => (holds(ctx, 'fe.secure.read.roles') ? ctx.services.permissions.findCategories(ids, query) : []),
  // group(id): fe.secure.read.groups; the acting tenant's groups (the vendor: any tenant's).
  Group: async (ctx, ids, query) => (holds(ctx, 'fe.secure.read.groups') ? ctx.services.groups.findManyVisible(managementActor(ctx), ids, query) : []),
  // applications: vendor only.
  Application: async (ctx, ids, query) => (ctx.principal.kind === 'vendor' ? ctx.services.applications.findManyByIds(ids, query) : []),
  // apiResources / apiResource(id): vendor only.
  ApiResource: async (ctx, ids, query) => (ctx.principal.kind === 'vendor' ? ctx.services.apiResources.findManyByIds(ids, query) : []),
  // mySessions: the acting user's live sessions only (someone else's session looks like none).
  Session: async (ctx, ids, query) => {
    const userId = actingUserId(ctx);
    if (!userId) return [];
    const wanted = new Set(ids);
    return (await ctx.services.sessions.listActive(userId, query)).filter((s) => wanted.has(s.id));
  },
  // tenantApiTokens / tenantAccessTokens (fe.secure.read.tenantApiTokens, acting tenant) and
  // myApiTokens / myAccessTokens (the acting user's, in the acting tenant); the vendor: any.
  ApiToken: async (ctx, ids, query) => {
    const tenantId = actingTenantId(ctx);
    const userId = actingUserId(ctx);
    const scope =
      ctx.principal.kind === 'vendor'
        ? null
        : {
            tenantId: holds(ctx, 'fe.secure.read.tenantApiTokens') ? tenantId : null,
            user: userId && tenantId ? { userId, tenantId } : null,
          };
    const [clientCredentials, accessTokens] = await Promise.all([
      ctx.services.apiTokens.findManyVisible(ids, scope, query),
      ctx.services.accessTokens.findManyVisible(ids, scope, query),
    ]);
    return [...clientCredentials, ...accessTokens];
  },
};

async function loadNodes(ctx: GraphQLContext, info: GraphQLResolveInfo, ids: readonly string[]) {
  if (ids.length > MAX_NODE_IDS) fail('validation_failed', `At most ${MAX_NODE_IDS} ids`);
  const kinds = await ctx.services.nodes.kindsOf(ids);
  const byKind = new Map<NodeKind, string[]>();
  for (const [id, kind] of kinds) byKind.set(kind, [...(byKind.get(kind) ?? []), id]);
  const found = new Map<string, Row>();
  await Promise.all(
    [...byKind].map(async ([kind, kindIds]) => {
      // The selection made under `... on <Kind>` (and on Node), so relations load with the rows.
      const query = await queryFromInfo({ context: ctx, info, typeName: kind, awaitSelections: true });
      for (const row of await LOADERS[kind](ctx, kindIds, query)) {
        brandWithType(row, kind as OutputType<SchemaTypes>);
        found.set(row.id, row);
      }
    }),
  );
  return ids.map((id) => found.get(id) ?? null);
}

export const NodeInterface = builder.nodeInterfaceRef();

builder.queryFields((t) => ({
  node: t.field({
    type: NodeInterface,
    nullable: true,
    description: 'Any object by its id (the raw id every type exposes); null when unknown or not visible to the caller.',
    authScopes: { authenticated: true },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx, info) => (await loadNodes(ctx, info, [id]))[0],
  }),
  nodes: t.field({
    type: [NodeInterface],
    nullable: { list: false, items: true },
    description: `Objects by id, in the order given (null for unknown or invisible ids); at most ${MAX_NODE_IDS}.`,
    authScopes: { authenticated: true },
    args: { ids: t.arg.idList() },
    resolve: (_root, { ids }, ctx, info) => loadNodes(ctx, info, ids),
  }),
}));
