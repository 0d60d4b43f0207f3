// API resources (RFC 8707), their scopes and the scopes roles carry (vendor only). Rules in
// services/resources/api-resources.service.ts.
import { fail } from '../../errors/domain-errors.ts';
import { MAX_TOKEN_TTL, MIN_TOKEN_TTL } from '../../services/resources/api-resources.service.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const vendor = { vendor: true } as const;

export const ApiScope = builder.prismaObject('ApiScope', {
  description: 'A permission of an API resource, carried in the `scope` of access tokens for it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    resourceId: t.exposeID('resourceId'),
    resource: t.relation('resource'),
    name: t.exposeString('name', { description: 'One scope token (no spaces), unique per resource.' }),
    description: t.exposeString('description', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const ApiResource = builder.prismaObject('ApiResource', {
  interfaces: [builder.nodeInterfaceRef()],
  description: 'An API that access tokens are issued for: its indicator is their audience.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    indicator: t.exposeString('indicator', { description: 'The resource indicator (an absolute URI), fixed at creation; the token `aud`.' }),
    accessTokenTtl: t.exposeInt('accessTokenTtl', { description: `Access-token lifetime in seconds (${MIN_TOKEN_TTL}..${MAX_TOKEN_TTL}).` }),
    isDefault: t.exposeBoolean('isDefault', { description: 'The audience of tokens whose request names no resource (at most one).' }),
    scopes: t.relation('scopes', { query: { orderBy: { name: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CreateApiResourceInput = builder.inputType('CreateApiResourceInput', {
  fields: (t) => ({
    name: t.string(),
    indicator: t.string({ description: 'Absolute URI without fragment, e.g. https://api.example.com. Cannot change later.' }),
    accessTokenTtl: t.int({ required: false, description: 'Seconds, 60..86400 (default 3600).' }),
  }),
});
const UpdateApiResourceInput = builder.inputType('UpdateApiResourceInput', {
  fields: (t) => ({ name: t.string({ required: false }), accessTokenTtl: t.int({ required: false }) }),
});
const CreateApiScopeInput = builder.inputType('CreateApiScopeInput', {
  fields: (t) => ({ name: t.string(), description: t.string({ required: false }) }),
});
const UpdateApiScopeInput = builder.inputType('UpdateApiScopeInput', {
  fields: (t) => ({ name: t.string({ required: false }), description: t.string({ required: false }) }),
});

type Loader = (query: object) => Promise<unknown[]>;
/** A mutation's list result (mutation results must be objects), read with the caller's selection. */
const ApiScopeList = builder.objectRef<{ load: Loader }>('ApiScopeList').implement({
  fields: (t) => ({ scopes: t.prismaField({ type: ['ApiScope'], resolve: (query, p) => p.load(query) as never }) }),
});

const resource = async <Q extends object>(ctx: GraphQLContext, id: string, query: Q) => (await ctx.services.apiResources.findById(id, query)) ?? fail('api_resource_not_found');
const scope = async <Q extends object>(ctx: GraphQLContext, id: string, query: Q) => (await ctx.services.apiResources.findScope(id, query)) ?? fail('api_scope_not_found');

builder.queryFields((t) => ({
  apiResources: t.prismaConnection({
    type: 'ApiResource',
    cursor: 'id',
    description: 'Vendor only: API resources, oldest first.',
    authScopes: vendor,
    defaultSize: 50,
    maxSize: 500,
    resolve: (query, _root, _args, ctx) => ctx.services.apiResources.list(query),
  }),
  apiResource: t.prismaField({
    type: 'ApiResource',
    authScopes: vendor,
    args: { id: t.arg.id() },
    resolve: (query, _root, { id }, ctx) => resource(ctx, id, query),
  }),
  roleScopes: t.prismaField({
    type: ['ApiScope'],
    description: 'Vendor only: the resource scopes a role carries.',
    authScopes: vendor,
    args: { roleId: t.arg.id() },
    resolve: (query, _root, { roleId }, ctx) => ctx.services.apiResources.scopesOfRole(roleId, query),
  }),
}));

builder.mutationFields((t) => ({
  createApiResource: t.prismaField({
    type: 'ApiResource',
    description: 'Vendor only. A taken indicator answers api_resource_already_exists.',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateApiResourceInput }) },
    resolve: async (query, _root, { input }, ctx) => resource(ctx, await ctx.services.apiResources.create(input), query),
  }),
  updateApiResource: t.prismaField({
    type: 'ApiResource',
    description: 'Vendor only: name and token lifetime (the indicator is fixed).',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), input: t.arg({ type: UpdateApiResourceInput }) },
    resolve: async (query, _root, { id, input }, ctx) => resource(ctx, await ctx.services.apiResources.update(id, input), query),
  }),
  setDefaultApiResource: t.prismaField({
    type: 'ApiResource',
    description: 'Vendor only: makes the resource the default (the previous one stops being it), or not.',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), isDefault: t.arg.boolean() },
    resolve: async (query, _root, { id, isDefault }, ctx) => resource(ctx, await ctx.services.apiResources.setDefault(id, isDefault), query),
  }),
  deleteApiResource: t.boolean({
    description: 'Vendor only: deletes the resource and its scopes (roles lose them).',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.apiResources.delete(id);
      return true;
    },
  }),
  createApiScope: t.prismaField({
    type: 'ApiScope',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { resourceId: t.arg.id(), input: t.arg({ type: CreateApiScopeInput }) },
    resolve: async (query, _root, { resourceId, input }, ctx) => scope(ctx, await ctx.services.apiResources.createScope(resourceId, input), query),
  }),
  updateApiScope: t.prismaField({
    type: 'ApiScope',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), input: t.arg({ type: UpdateApiScopeInput }) },
    resolve: async (query, _root, { id, input }, ctx) => scope(ctx, await ctx.services.apiResources.updateScope(id, input), query),
  }),
  deleteApiScope: t.boolean({
    description: 'Vendor only: roles lose the scope.',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.apiResources.deleteScope(id);
      return true;
    },
  }),
  assignRoleScopes: t.field({
    type: ApiScopeList,
    description: 'Vendor only: puts resource scopes on a role (USER or MACHINE_TO_MACHINE); answers every scope the role then carries.',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { roleId: t.arg.id(), scopeIds: t.arg.idList() },
    resolve: async (_root, { roleId, scopeIds }, ctx) => {
      await ctx.services.apiResources.assignRoleScopes(roleId, scopeIds);
      return { load: (query) => ctx.services.apiResources.scopesOfRole(roleId, query) };
    },
  }),
  removeRoleScopes: t.field({
    type: ApiScopeList,
    description: 'Vendor only: takes resource scopes off a role; answers the scopes it still carries.',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { roleId: t.arg.id(), scopeIds: t.arg.idList() },
    resolve: async (_root, { roleId, scopeIds }, ctx) => {
      await ctx.services.apiResources.removeRoleScopes(roleId, scopeIds);
      return { load: (query) => ctx.services.apiResources.scopesOfRole(roleId, query) };
    },
  }),
}));
