// Frontegg's Tenants API: account settings of the acting tenant, and the sub-account management
// and hierarchy settings of a tenant below it (client paths, shared/spec/frontegg-client-conventions.md).
// Who may read or change them, and the values' rules, live in the GraphQL fields and the service.
import { z } from 'zod';
import {
  RestAccountSettingsDocument,
  RestPublicAccountSettingsDocument,
  RestUpdateAccountSettingsDocument,
  RestUpdateSubTenantHierarchySettingsDocument,
  RestUpdateSubTenantManagementDocument,
  type AccountSettingsFieldsFragment,
  type SubAccountAccessType,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { actingTenantHeader as tenantHeader, tenantIdParams } from '../headers.ts';
import { tenantResponse } from '../frontegg.ts';

const optionalStr = z.string().nullish();

/** Frontegg's ISettingsResponse: unset settings are left out. */
const settingsResponse = (s: AccountSettingsFieldsFragment) => ({
  id: s.id,
  address: s.address ?? undefined,
  timezone: s.timezone ?? undefined,
  dateFormat: s.dateFormat ?? undefined,
  timeFormat: s.timeFormat ?? undefined,
  currency: s.currency ?? undefined,
  logo: s.logo ?? undefined,
});

type TenantWithAccess = Parameters<typeof tenantResponse>[0] & { subAccountAccessType: SubAccountAccessType };
const tenantWithAccess = (t: TenantWithAccess) => ({ ...tenantResponse(t), subAccountAccessType: t.subAccountAccessType });

export const tenantSettingsRoutes = [
  defineRoute({
    service: 'tenants',
    method: 'GET',
    path: '/resources/account-settings/v1',
    summary: 'Get the account settings of the acting tenant (client-only path)',
    tags: ['Account settings'],
    headers: tenantHeader,
    document: RestAccountSettingsDocument,
    variables: () => ({}),
    result: (d) => d.accountSettings,
    notFound: 'tenant_not_found',
    response: settingsResponse,
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'PUT',
    path: '/resources/account-settings/v1',
    summary: 'Update the account settings of the acting tenant: at least one setting; null clears one (client-only path)',
    tags: ['Account settings'],
    headers: tenantHeader,
    body: z.object({
      address: optionalStr,
      timezone: optionalStr,
      dateFormat: optionalStr,
      timeFormat: optionalStr,
      currency: optionalStr,
      logo: optionalStr,
    }),
    document: RestUpdateAccountSettingsDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.updateAccountSettings,
    response: (r) => ('id' in r ? settingsResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'GET',
    path: '/resources/account-settings/v1/public',
    summary: 'Get the public account settings of the acting tenant (any authenticated member; client-only path)',
    tags: ['Account settings'],
    headers: tenantHeader,
    document: RestPublicAccountSettingsDocument,
    variables: () => ({}),
    result: (d) => d.publicAccountSettings,
    notFound: 'tenant_not_found',
    response: (s) => ({ id: s.id, logo: s.logo ?? undefined }),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'PUT',
    path: '/resources/sub-tenants/v1/{tenantId}/management',
    summary: 'Update sub-account (tenant) management: isReseller lets it manage sub-accounts of its own (client-only path)',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    params: tenantIdParams,
    body: z.object({ isReseller: z.boolean() }),
    document: RestUpdateSubTenantManagementDocument,
    variables: ({ params, body }) => ({ id: params.tenantId, isReseller: body.isReseller }),
    result: (d) => d.updateSubTenantManagement,
    response: (r) => ('id' in r ? tenantWithAccess(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'PUT',
    path: '/resources/sub-tenants/v1/{tenantId}/hierarchy-settings',
    summary: "Update sub-account hierarchy settings: subAccountAccessType defaultOff | defaultOn | alwaysOn (client-only path)",
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    params: tenantIdParams,
    body: z.object({ subAccountAccessType: z.enum(['defaultOff', 'defaultOn', 'alwaysOn']) }),
    document: RestUpdateSubTenantHierarchySettingsDocument,
    variables: ({ params, body }) => ({ id: params.tenantId, subAccountAccessType: body.subAccountAccessType as SubAccountAccessType }),
    result: (d) => d.updateSubTenantHierarchySettings,
    response: (r) => ('id' in r ? tenantWithAccess(r) : r),
    status: 200,
  }),
];
