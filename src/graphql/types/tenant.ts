import DataLoader from 'dataloader';
import type { TenantTree as TenantTreeShape } from '../../services/tenants/tenants.service.ts';
import { actingTenantId, confinedTenant, holds, tenantFor, tenantWithin } from '../../services/authorization/tenant-scope.ts';
import { insideTenant, readUsers, writeUsers } from '../auth-scopes.ts';
import { builder } from '../builder.ts';
import { type GraphQLContext, requireActingUserId } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const HIERARCHY_READ = 'fe.account-hierarchy.read.subAccount';
const HIERARCHY_WRITE = 'fe.account-hierarchy.write.subAccount';


/** Per-request batching of ancestor chains: a list of tenants asking `ancestors` costs two queries. */
const ancestorLoaders = new WeakMap<GraphQLContext, DataLoader<string, TenantRow[]>>();
type TenantRow = Awaited<ReturnType<GraphQLContext['services']['tenants']['findByIds']>>[number];
function ancestorLoader(ctx: GraphQLContext) {
  let loader = ancestorLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly string[]) => {
      const chains = await ctx.services.tenants.ancestorIds(ids);
      const rows = await ctx.services.tenants.findByIds([...new Set([...chains.values()].flat())]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => (chains.get(id) ?? []).map((a) => byId.get(a)).filter((r): r is TenantRow => !!r));
    });
    ancestorLoaders.set(ctx, loader);
  }
  return loader;
}

/** The tenant a hierarchy call is about: the acting tenant or one below it (the service rule, tenantWithin). */
const hierarchyTenant = (ctx: GraphQLContext, requested: string | null | undefined) =>
  tenantWithin(ctx, requested, (root, id) => ctx.services.tenants.isWithin(root, id));

export const Tenant = builder.prismaObject('Tenant', {
  interfaces: [builder.nodeInterfaceRef()],
  description: 'An account (Frontegg "tenant"): a customer organisation, possibly inside a parent tenant.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    parentId: t.exposeID('parentId', { nullable: true }),
    parent: t.relation('parent', { nullable: true }),
    subTenants: t.relatedConnection('children', {
      description: 'Direct sub-tenants, oldest first.',
      cursor: 'id',
      totalCount: true,
      nullable: true,
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      authScopes: { $any: { vendor: true, permission: HIERARCHY_READ } },
    }),
    users: t.relatedConnection('memberships', {
      description: "The tenant's memberships (each with its user and roles), oldest first.",
      cursor: 'id',
      totalCount: true,
      nullable: true,
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      authScopes: insideTenant('fe.secure.read.users'),
    }),
    userCount: t.int({
      nullable: true,
      select: { _count: { select: { memberships: true } } },
      authScopes: insideTenant('fe.secure.read.users'),
      resolve: (tenant) => tenant._count.memberships,
    }),
    roles: t.relation('roles', {
      description: "The tenant's own roles (vendor-wide roles are not listed here).",
      nullable: true,
      query: { orderBy: [{ level: 'asc' }, { key: 'asc' }] },
      authScopes: insideTenant('fe.secure.read.roles'),
    }),
    metadata: t.expose('metadata', { type: 'JSONObject' }),
    website: t.exposeString('website', { nullable: true }),
    logoUrl: t.exposeString('logoUrl', { nullable: true }),
    address: t.exposeString('address', { nullable: true }),
    timezone: t.exposeString('timezone', { nullable: true }),
    dateFormat: t.exposeString('dateFormat', { nullable: true }),
    timeFormat: t.exposeString('timeFormat', { nullable: true }),
    currency: t.exposeString('currency', { nullable: true }),
    isReseller: t.exposeBoolean('isReseller'),
    creatorName: t.exposeString('creatorName', { nullable: true }),
    creatorEmail: t.exposeString('creatorEmail', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectField(Tenant, 'ancestors', (t) =>
  t.field({
    type: [Tenant],
    description: 'Parent, grand-parent, … up to the root (nearest first).',
    resolve: (tenant, _args, ctx) => ancestorLoader(ctx).load(tenant.id),
  }),
);

type InputFieldBuilder = Parameters<NonNullable<Parameters<typeof builder.inputType>[1]['fields']>>[0];

/** The descriptive fields a tenant's creation and update share. */
const tenantProfileFields = (t: InputFieldBuilder) => ({
  metadata: t.field({ type: 'JSONObject', required: false }),
  website: t.string({ required: false }),
  logoUrl: t.string({ required: false }),
  address: t.string({ required: false }),
  timezone: t.string({ required: false }),
  dateFormat: t.string({ required: false }),
  timeFormat: t.string({ required: false }),
  currency: t.string({ required: false }),
  isReseller: t.boolean({ required: false }),
  creatorName: t.string({ required: false }),
  creatorEmail: t.string({ required: false }),
});

const CreateTenantInput = builder.inputType('CreateTenantInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, description: 'Choose the id; a UUID is generated otherwise.' }),
    name: t.string(),
    parentTenantId: t.id({ required: false }),
    ...tenantProfileFields(t),
  }),
});

const CreateSubTenantInput = builder.inputType('CreateSubTenantInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, description: 'Choose the id; a UUID is generated otherwise.' }),
    name: t.string(),
    parentTenantId: t.id(),
    ...tenantProfileFields(t),
  }),
});

const UpdateTenantInput = builder.inputType('UpdateTenantInput', {
  fields: (t) => ({ name: t.string({ required: false }), ...tenantProfileFields(t) }),
});

const TenantTree = builder.objectRef<TenantTreeShape>('TenantTree').implement({
  description: 'A sub-tree of tenants: its root and every tenant below it (nest them by parentId).',
  fields: (t) => ({
    root: t.field({ type: Tenant, resolve: (tree) => tree.root }),
    descendants: t.field({ type: [Tenant], description: 'Oldest first.', resolve: (tree) => tree.descendants }),
  }),
});

const SubTenantSearchResult = builder
  .objectRef<{ items: TenantRow[]; total: number; limit: number }>('SubTenantSearchResult')
  .implement({
    fields: (t) => ({
      items: t.field({ type: [Tenant], resolve: (r) => r.items }),
      total: t.exposeInt('total'),
      limit: t.exposeInt('limit'),
    }),
  });

const TenantUserCount = builder.objectRef<{ tenantId: string; totalUsers: number }>('TenantUserCount').implement({
  fields: (t) => ({ tenantId: t.exposeID('tenantId'), totalUsers: t.exposeInt('totalUsers') }),
});

const SubTenantAccess = builder
  .objectRef<{ userId: string; tenantId: string; subTenantAccess: boolean }>('SubTenantAccess')
  .implement({
    fields: (t) => ({
      userId: t.exposeID('userId'),
      tenantId: t.exposeID('tenantId'),
      subTenantAccess: t.exposeBoolean('subTenantAccess'),
    }),
  });

const SubTenantSortBy = builder.enumType('SubTenantSortBy', { values: ['name', 'createdAt', 'tenantId'] as const });
const SortOrder = builder.enumType('SubTenantSortOrder', { values: ['ASC', 'DESC'] as const });

builder.queryFields((t) => ({
  tenant: t.prismaField({
    type: 'Tenant',
    nullable: true,
    description:
      'A tenant by id: any for the vendor; for others their acting tenant, or one below it with the sub-account read permission.',
    authScopes: { authenticated: true },
    args: { id: t.arg.id() },
    resolve: async (query, _root, { id }, ctx) => {
      if (ctx.principal.kind !== 'vendor') {
        const own = actingTenantId(ctx);
        if (!own) return null;
        const visible =
          id === own ||
          (holds(ctx, HIERARCHY_READ) && (await ctx.services.tenants.isWithin(own, id)));
        if (!visible) return null;
      }
      return ctx.services.tenants.findById(id, query);
    },
  }),
  tenantTree: t.field({
    type: TenantTree,
    description: 'The sub-tree below a tenant (default: the tenant the call acts in).',
    authScopes: { $any: { vendor: true, permission: HIERARCHY_READ } },
    args: { rootId: t.arg.id({ required: false }) },
    resolve: async (_root, { rootId }, ctx) => ctx.services.tenants.tree(await hierarchyTenant(ctx, rootId)),
  }),
  subTenants: t.field({
    type: [Tenant],
    description: 'Every tenant below a tenant (default: the acting tenant), oldest first.',
    authScopes: { $any: { vendor: true, permission: HIERARCHY_READ } },
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: async (_root, { tenantId }, ctx) => ctx.services.tenants.descendants(await hierarchyTenant(ctx, tenantId)),
  }),
  searchSubTenants: t.field({
    type: SubTenantSearchResult,
    description: 'A page of the tenants below a tenant (default: the acting tenant), filtered by name or id.',
    authScopes: { $any: { vendor: true, permission: HIERARCHY_READ } },
    args: {
      tenantId: t.arg.id({ required: false }),
      filter: t.arg.string({ required: false }),
      limit: t.arg.int({ required: false }),
      offset: t.arg.int({ required: false }),
      sortBy: t.arg({ type: SubTenantSortBy, required: false }),
      order: t.arg({ type: SortOrder, required: false }),
    },
    resolve: async (_root, { tenantId, ...search }, ctx) => ctx.services.tenants.searchDescendants(await hierarchyTenant(ctx, tenantId), search),
  }),
  tenantAncestors: t.field({
    type: [Tenant],
    description: 'The parents of a tenant (default: the acting tenant), nearest first.',
    authScopes: { authenticated: true },
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: async (_root, { tenantId }, ctx) => ctx.services.tenants.ancestors(await hierarchyTenant(ctx, tenantId)),
  }),
  tenantUserCounts: t.field({
    type: [TenantUserCount],
    description: 'Members per tenant. Non-vendor callers may count their acting tenant and the tenants below it.',
    authScopes: readUsers,
    args: { tenantIds: t.arg.idList() },
    resolve: async (_root, { tenantIds }, ctx) => {
      for (const id of tenantIds) await hierarchyTenant(ctx, id);
      return ctx.services.tenants.userCounts(tenantIds);
    },
  }),
  myTenantHierarchy: t.field({
    type: [TenantTree],
    description: "The current user's tenants, each with the sub-tenants sub-tenant access lets the user enter.",
    authScopes: { actor: true },
    resolve: (_root, _args, ctx) => ctx.services.tenants.userHierarchy(requireActingUserId(ctx)),
  }),
  tenants: t.prismaConnection({
    type: 'Tenant',
    cursor: 'id',
    authScopes: { vendor: true },
    maxSize: 10_000,
    defaultSize: 100,
    resolve: (query, _root, _args, ctx) => ctx.services.tenants.list(query),
  }),
}));

builder.mutationFields((t) => ({
  createTenant: t.prismaField({
    type: 'Tenant',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateTenantInput }) },
    resolve: async (query, _root, { input }, ctx) => {
      const tenant = await ctx.services.tenants.create(input);
      return (await ctx.services.tenants.findById(tenant.id, query))!;
    },
  }),
  updateTenant: t.prismaField({
    type: 'Tenant',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), input: t.arg({ type: UpdateTenantInput }) },
    resolve: (query, _root, { id, input }, ctx) => ctx.services.tenants.update(id, input, query),
  }),
  setTenantMetadata: t.prismaField({
    type: 'Tenant',
    description: "Vendor only: merges keys into a tenant's metadata.",
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), metadata: t.arg({ type: 'JSONObject' }) },
    resolve: (query, _root, { id, metadata }, ctx) => ctx.services.tenants.setMetadata(id, metadata, query),
  }),
  deleteTenantMetadata: t.prismaField({
    type: 'Tenant',
    description: "Vendor only: removes one key of a tenant's metadata.",
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), key: t.arg.string() },
    resolve: (query, _root, { id, key }, ctx) => ctx.services.tenants.deleteMetadataKey(id, key, query),
  }),
  createSubTenant: t.prismaField({
    type: 'Tenant',
    description: 'Creates a tenant below parentTenantId; a tenant admin only inside its own sub-tree.',
    authScopes: { $any: { vendor: true, permission: HIERARCHY_WRITE } },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateSubTenantInput }) },
    resolve: async (query, _root, { input }, ctx) => {
      const tenant = await ctx.services.tenants.createSubTenant(input, confinedTenant(ctx));
      return (await ctx.services.tenants.findById(tenant.id, query))!;
    },
  }),
  updateSubTenant: t.prismaField({
    type: 'Tenant',
    description: 'Updates a sub-tenant; a tenant admin only below its own tenant.',
    authScopes: { $any: { vendor: true, permission: HIERARCHY_WRITE } },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), input: t.arg({ type: UpdateTenantInput }) },
    resolve: (query, _root, { id, input }, ctx) => ctx.services.tenants.updateSubTenant(id, input, confinedTenant(ctx), query),
  }),
  deleteSubTenant: t.field({
    type: 'Boolean',
    description: 'Deletes a sub-tenant with its own rows; refused while it has sub-tenants of its own.',
    authScopes: { $any: { vendor: true, permission: HIERARCHY_WRITE } },
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.tenants.deleteSubTenant(id, confinedTenant(ctx));
      return true;
    },
  }),
  setSubTenantAccess: t.field({
    type: SubTenantAccess,
    description:
      "Lets a member of a tenant act in that tenant's sub-tenants (when the vendor allows sub-tenant access), or stops it.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), allowAccess: t.arg.boolean(), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { userId, allowAccess, tenantId }, ctx) => {
      return ctx.services.tenants.setSubTenantAccess(tenantFor(ctx, tenantId), userId, allowAccess);
    },
  }),
  deleteTenant: t.field({
    type: 'Boolean',
    description: 'Deletes a tenant with its memberships, roles, groups and tokens. Refused while it has sub-tenants.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.tenants.delete(id);
      return true;
    },
  }),
}));
