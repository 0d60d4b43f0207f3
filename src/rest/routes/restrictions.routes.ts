// Frontegg's IP restrictions (per tenant) and email-domain restrictions (vendor-wide) over the
// identity paths. Rules, validation and enforcement live in services/policies/restrictions.service.ts.
import { z } from 'zod';
import {
  RestBulkCreateIpRestrictionsDocument,
  RestCreateEmailDomainRestrictionDocument,
  RestCreateIpRestrictionDocument,
  RestDeleteEmailDomainRestrictionDocument,
  RestDeleteIpRestrictionDocument,
  RestEmailDomainRestrictionConfigDocument,
  RestEmailDomainRestrictionsDocument,
  RestIpRestrictionCheckDocument,
  RestIpRestrictionConfigDocument,
  RestIpRestrictionsDocument,
  RestReplaceEmailDomainRestrictionsDocument,
  RestSetEmailDomainRestrictionConfigDocument,
  RestSetIpRestrictionConfigDocument,
  type EmailDomainRestrictionConfigFieldsFragment,
  type EmailDomainRestrictionFieldsFragment,
  type IpRestrictionFieldsFragment,
} from '../../generated/graphql.ts';
import { RESTRICTION_STRATEGIES } from '../../services/policies/restrictions.service.ts';
import { defineRoute } from '../define-route.ts';
import { actingTenantHeader as tenantHeader, queryInt32 } from '../headers.ts';

const str = z.string();
const int = queryInt32;
const strategy = z.enum(RESTRICTION_STRATEGIES);
const idParams = z.object({ id: str });

const IP = '/resources/configurations/v1/restrictions/ip';
const DOMAIN = '/resources/configurations/restrictions/v1/email-domain';
const ipTags = ['IP restrictions'];
const domainTags = ['Domain restrictions'];

const ipEntry = z.object({ ip: str, strategy, description: str.nullish(), isActive: z.boolean().nullish() });

const ipResponse = (r: IpRestrictionFieldsFragment) => ({
  id: r.id,
  ip: r.ip,
  strategy: r.strategy,
  description: r.description ?? undefined,
  isActive: r.isActive,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});
const domainResponse = (r: EmailDomainRestrictionFieldsFragment) => ({ id: r.id, domain: r.domain, type: r.type, createdAt: r.createdAt });
const domainConfigResponse = (c: EmailDomainRestrictionConfigFieldsFragment) => ({
  active: c.active,
  listType: c.listType,
  blockPublicDomains: c.blockPublicDomains,
});

const verify = (path: string, mode: 'CONFIG' | 'ALLOW_LIST', summary: string) =>
  defineRoute({
    service: 'identity',
    method: 'POST',
    path,
    summary,
    tags: ipTags,
    headers: tenantHeader,
    document: RestIpRestrictionCheckDocument,
    variables: () => ({ mode }),
    result: (d) => d.ipRestrictionCheck,
    response: (r) => ({ ip: r.ip ?? undefined, valid: r.valid }),
    status: 201,
  });

export const restrictionRoutes = [
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: `${IP}/config`,
    summary: "Get IP restriction configuration (the acting tenant's; ALLOW, inactive when never set)",
    tags: ipTags,
    headers: tenantHeader,
    document: RestIpRestrictionConfigDocument,
    variables: () => ({}),
    result: (d) => d.ipRestrictionConfig,
    response: (c) => ({ strategy: c.strategy, isActive: c.isActive }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${IP}/config`,
    summary: "Create or update IP restriction configuration (fields left out keep their value; an ALLOW list may exclude the caller's own address: test it with /verify first)",
    tags: ipTags,
    headers: tenantHeader,
    body: z.object({ strategy: strategy.nullish(), isActive: z.boolean().nullish() }),
    document: RestSetIpRestrictionConfigDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.setIpRestrictionConfig,
    response: (r) => ('strategy' in r ? { strategy: r.strategy, isActive: r.isActive } : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: IP,
    summary: 'Get all IP restrictions (_offset is a page number)',
    tags: ipTags,
    headers: tenantHeader,
    query: z.object({ _limit: int.optional(), _offset: int.optional(), _filter: str.optional() }),
    document: RestIpRestrictionsDocument,
    variables: ({ query }) => ({ limit: query._limit, offset: query._offset }),
    result: (d) => d.ipRestrictions,
    response: (p, { query }) => ({
      items: p.items.map(ipResponse),
      _metadata: { totalItems: p.total, totalPages: Math.ceil(p.total / (query._limit ?? 50)) },
    }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: IP,
    summary: 'Create IP restriction (IPv4/IPv6 address or CIDR; 400 when invalid)',
    tags: ipTags,
    headers: tenantHeader,
    body: ipEntry,
    document: RestCreateIpRestrictionDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.createIpRestriction,
    response: (r) => ('ip' in r ? ipResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${IP}/bulk`,
    summary: 'Create IP restrictions in bulk (called by the Frontegg client; not in the identity spec; all or nothing)',
    tags: ipTags,
    headers: tenantHeader,
    body: z.object({ ips: z.array(ipEntry) }),
    document: RestBulkCreateIpRestrictionsDocument,
    variables: ({ body }) => ({ input: body.ips }),
    result: (d) => d.bulkCreateIpRestrictions,
    response: (r) => ('count' in r ? {} : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: `${IP}/{id}`,
    summary: "Delete IP restriction (404 for an unknown id or another tenant's)",
    tags: ipTags,
    headers: tenantHeader,
    params: idParams,
    document: RestDeleteIpRestrictionDocument,
    variables: ({ params }) => ({ id: params.id }),
    result: (d) => d.deleteIpRestriction,
    response: (r) => ('id' in r ? {} : r),
    status: 200,
  }),
  verify(`${IP}/verify`, 'CONFIG', "Test the caller's current IP against the tenant's list as configured"),
  verify(`${IP}/verify/allow`, 'ALLOW_LIST', "Test whether the caller's current IP is on the tenant's ALLOW list"),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: `${DOMAIN}/config`,
    summary: 'Get email-domain restriction configuration (vendor only; BLOCK, inactive when never set)',
    tags: domainTags,
    document: RestEmailDomainRestrictionConfigDocument,
    variables: () => ({}),
    result: (d) => d.emailDomainRestrictionConfig,
    response: domainConfigResponse,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${DOMAIN}/config`,
    summary: 'Change email-domain restriction list type and toggle it on/off (vendor only)',
    tags: domainTags,
    body: z.object({ active: z.boolean(), blockPublicDomains: z.boolean().nullish(), type: strategy.nullish() }),
    document: RestSetEmailDomainRestrictionConfigDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.setEmailDomainRestrictionConfig,
    response: (r) => ('active' in r ? domainConfigResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: DOMAIN,
    summary: 'Get email-domain restrictions (vendor only)',
    tags: domainTags,
    document: RestEmailDomainRestrictionsDocument,
    variables: () => ({}),
    result: (d) => d.emailDomainRestrictions,
    response: (rows) => ({ items: rows.map(domainResponse) }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: DOMAIN,
    summary: 'Create email-domain restriction (vendor only; 400 for a malformed domain)',
    tags: domainTags,
    body: z.object({ domain: str, type: strategy }),
    document: RestCreateEmailDomainRestrictionDocument,
    variables: ({ body }) => body,
    result: (d) => d.createEmailDomainRestriction,
    response: (r) => ('domain' in r ? domainResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: `${DOMAIN}/{id}`,
    summary: 'Delete email-domain restriction (vendor only)',
    tags: domainTags,
    params: idParams,
    document: RestDeleteEmailDomainRestrictionDocument,
    variables: ({ params }) => ({ id: params.id }),
    result: (d) => d.deleteEmailDomainRestriction,
    response: (r) => ('id' in r ? {} : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${DOMAIN}/replace-bulk`,
    summary: 'Replace every email-domain restriction of a type (vendor only; the other type stays)',
    tags: domainTags,
    body: z.object({ type: strategy, domains: z.array(str) }),
    document: RestReplaceEmailDomainRestrictionsDocument,
    variables: ({ body }) => body,
    result: (d) => d.replaceEmailDomainRestrictions,
    response: (r) => ('count' in r ? {} : r),
    status: 201,
  }),
];
