import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';

export const Tenant = builder.prismaObject('Tenant', {
  description: 'An account (Frontegg "tenant"): a customer organisation, possibly inside a parent tenant.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    parentId: t.exposeID('parentId', { nullable: true }),
    parent: t.relation('parent', { nullable: true }),
    subTenants: t.relation('children', { description: 'Direct sub-tenants.' }),
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

const UpdateTenantInput = builder.inputType('UpdateTenantInput', {
  fields: (t) => ({ name: t.string({ required: false }), ...tenantProfileFields(t) }),
});

builder.queryFields((t) => ({
  tenant: t.prismaField({
    type: 'Tenant',
    nullable: true,
    authScopes: { vendor: true },
    args: { id: t.arg.id() },
    resolve: (query, _root, { id }, ctx) => ctx.services.tenants.findById(id, query),
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
