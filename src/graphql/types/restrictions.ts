// IP restrictions (per tenant: tenant admins with the security-policy permissions, or the vendor
// naming a tenant) and email-domain restrictions (vendor-wide, vendor only). Rules and
// enforcement live in services/policies/restrictions.service.ts.
import {
  RESTRICTION_STRATEGIES,
  type EmailDomainConfig,
  type IpRestrictionConfig,
  type RestrictionView,
} from '../../services/policies/restrictions.service.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { readPolicyScopes, writePolicyScopes } from '../policy-scope.ts';
import { tenantFor } from '../../services/authorization/tenant-scope.ts';

const StrategyEnum = builder.enumType('RestrictionStrategy', {
  description: 'ALLOW: only listed entries pass. BLOCK: listed entries are refused.',
  values: RESTRICTION_STRATEGIES,
});

/** IP lists belong to a tenant: a vendor call must name one (argument or frontegg-tenant-id). */
const ipScope = (ctx: GraphQLContext, tenantId: string | null | undefined) => tenantFor(ctx, tenantId);

const IpConfigType = builder.objectRef<IpRestrictionConfig>('IpRestrictionConfig').implement({
  description: "A tenant's IP restriction mode. While active, logins and refreshes into the tenant from a refused address fail (auth_ip_restricted).",
  fields: (t) => ({
    strategy: t.field({ type: StrategyEnum, resolve: (c) => c.strategy }),
    isActive: t.exposeBoolean('isActive'),
  }),
});

const IpRestrictionType = builder.objectRef<RestrictionView>('IpRestriction').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    ip: t.exposeString('value', { description: 'An IPv4/IPv6 address or CIDR range, normalized.' }),
    strategy: t.field({ type: StrategyEnum, resolve: (r) => r.strategy, description: 'The list (ALLOW or BLOCK) the entry belongs to.' }),
    description: t.exposeString('description', { nullable: true }),
    isActive: t.exposeBoolean('isActive'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const IpRestrictionPage = builder.objectRef<{ items: RestrictionView[]; total: number }>('IpRestrictionPage').implement({
  fields: (t) => ({
    items: t.field({ type: [IpRestrictionType], resolve: (p) => p.items }),
    total: t.exposeInt('total'),
  }),
});

const IpCheck = builder.objectRef<{ ip: string | null; valid: boolean }>('IpRestrictionCheck').implement({
  description: "The caller's address tested against a tenant's list.",
  fields: (t) => ({ ip: t.exposeString('ip', { nullable: true }), valid: t.exposeBoolean('valid') }),
});

const IpCheckMode = builder.enumType('IpRestrictionCheckMode', {
  description: 'CONFIG: would the list as configured (strategy) let the address in. ALLOW_LIST: is the address on the ALLOW list.',
  values: ['CONFIG', 'ALLOW_LIST'] as const,
});

const RestrictionCount = builder.objectRef<{ count: number }>('RestrictionCount').implement({
  fields: (t) => ({ count: t.exposeInt('count') }),
});
const RestrictionDeleted = builder.objectRef<{ id: string }>('RestrictionDeleted').implement({
  fields: (t) => ({ id: t.exposeID('id') }),
});

const EmailDomainConfigType = builder.objectRef<EmailDomainConfig>('EmailDomainRestrictionConfig').implement({
  description: 'Vendor-wide. While active, new accounts, invitations and email changes to a refused domain fail (email_domain_restricted).',
  fields: (t) => ({
    active: t.exposeBoolean('active'),
    listType: t.field({ type: StrategyEnum, resolve: (c) => c.listType }),
    blockPublicDomains: t.exposeBoolean('blockPublicDomains', { description: 'Also refuse well-known free-mail domains.' }),
  }),
});

const EmailDomainType = builder.objectRef<RestrictionView>('EmailDomainRestriction').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    domain: t.exposeString('value'),
    type: t.field({ type: StrategyEnum, resolve: (r) => r.strategy }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const IpConfigInput = builder.inputType('IpRestrictionConfigInput', {
  description: 'Fields left out keep their value (defaults ALLOW, inactive).',
  fields: (t) => ({ strategy: t.field({ type: StrategyEnum, required: false }), isActive: t.boolean({ required: false }) }),
});
const CreateIpInput = builder.inputType('CreateIpRestrictionInput', {
  fields: (t) => ({
    ip: t.string({ required: true, description: 'IPv4/IPv6 address or CIDR.' }),
    strategy: t.field({ type: StrategyEnum, required: true }),
    description: t.string({ required: false }),
    isActive: t.boolean({ required: false, description: 'Default true.' }),
  }),
});
const EmailDomainConfigInput = builder.inputType('EmailDomainRestrictionConfigInput', {
  fields: (t) => ({
    active: t.boolean({ required: true }),
    type: t.field({ type: StrategyEnum, required: false, description: 'The list type; left out keeps it.' }),
    blockPublicDomains: t.boolean({ required: false }),
  }),
});

builder.queryFields((t) => ({
  ipRestrictionConfig: t.field({
    type: IpConfigType,
    authScopes: readPolicyScopes,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { tenantId }, ctx) => ctx.services.restrictions.ipConfig(ipScope(ctx, tenantId)),
  }),
  ipRestrictions: t.field({
    type: IpRestrictionPage,
    description: "A tenant's IP entries, oldest first; offset is a page number.",
    authScopes: readPolicyScopes,
    args: { tenantId: t.arg.id({ required: false }), limit: t.arg.int({ required: false }), offset: t.arg.int({ required: false }) },
    resolve: (_root, { tenantId, limit, offset }, ctx) => ctx.services.restrictions.listIps(ipScope(ctx, tenantId), { limit, offset }),
  }),
  ipRestrictionCheck: t.field({
    type: IpCheck,
    description: "Tests the caller's current address, so an admin can check before activating an ALLOW list that would lock them out.",
    authScopes: readPolicyScopes,
    args: { tenantId: t.arg.id({ required: false }), mode: t.arg({ type: IpCheckMode, required: false }) },
    resolve: (_root, { tenantId, mode }, ctx) =>
      ctx.services.restrictions.verifyIp(ipScope(ctx, tenantId), ctx.client.ipAddress, mode === 'ALLOW_LIST' ? 'allow' : 'config'),
  }),
  emailDomainRestrictionConfig: t.field({
    type: EmailDomainConfigType,
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.restrictions.domainConfig(),
  }),
  emailDomainRestrictions: t.field({
    type: [EmailDomainType],
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.restrictions.listDomains(),
  }),
}));

builder.mutationFields((t) => ({
  setIpRestrictionConfig: t.field({
    type: IpConfigType,
    description: "Saving an ALLOW list that excludes the caller's own address is allowed (as in Frontegg); test it first with ipRestrictionCheck.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: writePolicyScopes,
    args: { tenantId: t.arg.id({ required: false }), input: t.arg({ type: IpConfigInput, required: true }) },
    resolve: (_root, { tenantId, input }, ctx) => ctx.services.restrictions.setIpConfig(ipScope(ctx, tenantId), input),
  }),
  createIpRestriction: t.field({
    type: IpRestrictionType,
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: writePolicyScopes,
    args: { tenantId: t.arg.id({ required: false }), input: t.arg({ type: CreateIpInput, required: true }) },
    resolve: (_root, { tenantId, input }, ctx) => ctx.services.restrictions.createIp(ipScope(ctx, tenantId), input),
  }),
  bulkCreateIpRestrictions: t.field({
    type: RestrictionCount,
    description: 'All or nothing: one invalid entry refuses the batch.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: writePolicyScopes,
    args: { tenantId: t.arg.id({ required: false }), input: t.arg({ type: [CreateIpInput], required: true }) },
    resolve: (_root, { tenantId, input }, ctx) => ctx.services.restrictions.bulkCreateIps(ipScope(ctx, tenantId), { ips: input }),
  }),
  deleteIpRestriction: t.field({
    type: RestrictionDeleted,
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: writePolicyScopes,
    args: { tenantId: t.arg.id({ required: false }), id: t.arg.id({ required: true }) },
    resolve: (_root, { tenantId, id }, ctx) => ctx.services.restrictions.deleteIp(ipScope(ctx, tenantId), String(id)),
  }),
  setEmailDomainRestrictionConfig: t.field({
    type: EmailDomainConfigType,
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { input: t.arg({ type: EmailDomainConfigInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.restrictions.setDomainConfig(input),
  }),
  createEmailDomainRestriction: t.field({
    type: EmailDomainType,
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { domain: t.arg.string({ required: true }), type: t.arg({ type: StrategyEnum, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.restrictions.createDomain(args),
  }),
  deleteEmailDomainRestriction: t.field({
    type: RestrictionDeleted,
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.restrictions.deleteDomain(String(id)),
  }),
  replaceEmailDomainRestrictions: t.field({
    type: RestrictionCount,
    description: 'Replaces every domain of the given type (entries of the other type stay).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { type: t.arg({ type: StrategyEnum, required: true }), domains: t.arg.stringList({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.restrictions.replaceDomains(args),
  }),
}));
