// Frontegg's Tenants API (outside the identity spec): /tenants/resources/tenants/v1.
import { z } from 'zod';
import {
  RestCreateTenantDocument,
  RestDeleteTenantDocument,
  RestTenantDocument,
  RestTenantsDocument,
  RestUpdateTenantDocument,
} from '../../generated/graphql.ts';
import { metadataSchema } from '../../services/validation.ts';
import { defineRoute } from '../define-route.ts';
import { tenantIdParams } from '../headers.ts';
import { tenantResponse } from '../frontegg.ts';

const optionalStr = z.string().nullish();
/** The Tenants API body of a tenant's profile (tenants and sub-tenants). */
export const tenantBody = z.object({
  name: optionalStr,
  website: optionalStr,
  logo: optionalStr,
  logoUrl: optionalStr,
  address: optionalStr,
  timezone: optionalStr,
  dateFormat: optionalStr,
  timeFormat: optionalStr,
  currency: optionalStr,
  isReseller: z.boolean().nullish(),
  creatorName: optionalStr,
  creatorEmail: optionalStr,
  metadata: metadataSchema.nullish(),
});
type TenantBody = z.output<typeof tenantBody>;

const tenantFields = (b: TenantBody) => ({
  website: b.website,
  logoUrl: b.logoUrl ?? b.logo,
  address: b.address,
  timezone: b.timezone,
  dateFormat: b.dateFormat,
  timeFormat: b.timeFormat,
  currency: b.currency,
  isReseller: b.isReseller,
  creatorName: b.creatorName,
  creatorEmail: b.creatorEmail,
  metadata: b.metadata,
});


/** The Tenants API v1 lists every tenant in one answer; the connection is read in one page this large. */
const LIST_ALL = 10_000;

export const tenantRoutes = [
  defineRoute({
    service: 'tenants',
    method: 'POST',
    path: '/resources/tenants/v1',
    summary: 'Create a tenant',
    tags: ['Tenants'],
    body: tenantBody.extend({ tenantId: optionalStr, parentTenantId: optionalStr, name: z.string() }),
    document: RestCreateTenantDocument,
    variables: ({ body }) => ({
      input: { tenantId: body.tenantId, name: body.name, parentTenantId: body.parentTenantId, ...tenantFields(body) },
    }),
    result: (d) => d.createTenant,
    response: (r) => ('id' in r ? tenantResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'tenants',
    method: 'GET',
    path: '/resources/tenants/v1',
    summary: 'Get all tenants',
    tags: ['Tenants'],
    document: RestTenantsDocument,
    variables: () => ({ first: LIST_ALL }),
    result: (d) => d.tenants,
    response: (r) => r.edges.map((e) => tenantResponse(e.node)),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'GET',
    path: '/resources/tenants/v1/{tenantId}',
    summary: 'Get a tenant (Frontegg answers a one-element array)',
    tags: ['Tenants'],
    params: tenantIdParams,
    document: RestTenantDocument,
    variables: ({ params }) => ({ id: params.tenantId }),
    result: (d) => d.tenant,
    notFound: 'tenant_not_found',
    response: (r) => [tenantResponse(r)],
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'PUT',
    path: '/resources/tenants/v1/{tenantId}',
    summary: 'Update a tenant',
    tags: ['Tenants'],
    params: tenantIdParams,
    body: tenantBody,
    document: RestUpdateTenantDocument,
    variables: ({ params, body }) => ({ id: params.tenantId, input: { name: body.name, ...tenantFields(body) } }),
    result: (d) => d.updateTenant,
    response: (r) => ('id' in r ? tenantResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'DELETE',
    path: '/resources/tenants/v1/{tenantId}',
    summary: 'Delete a tenant',
    tags: ['Tenants'],
    params: tenantIdParams,
    document: RestDeleteTenantDocument,
    variables: ({ params }) => ({ id: params.tenantId }),
    result: (d) => d.deleteTenant,
    response: () => ({}),
    status: 200,
  }),
];
