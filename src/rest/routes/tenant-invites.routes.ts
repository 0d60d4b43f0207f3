// Tenant invite links (Frontegg's account invites) over Frontegg's paths. The token is in the
// answer that creates an invite only; listings and reads never carry it.
import { z } from 'zod';
import {
  RestCreateMyTenantInviteDocument,
  RestCreateTenantInviteDocument,
  RestDeleteMyTenantInviteDocument,
  RestDeleteTenantInviteDocument,
  RestMyTenantInviteDocument,
  RestTenantInvitesConfigurationDocument,
  RestTenantInvitesDocument,
  RestUpdateMyTenantInviteDocument,
  RestVerifyTenantInviteDocument,
  type TenantInviteFieldsFragment,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { actingTenantHeader as tenantHeader, int32 } from '../headers.ts';

const str = z.string();
const optionalStr = z.string().nullish();
const optionalInt = int32.nullish();
const selfHeaders = tenantHeader.extend({ 'frontegg-user-id': str.optional().describe('The user a vendor call acts as') });

/** Frontegg's invite shape; `token` only when the invite was just created. */
const inviteResponse = (i: TenantInviteFieldsFragment) => ({
  id: i.id,
  tenantId: i.tenantId,
  userId: i.userId ?? undefined,
  token: i.token ?? undefined,
  expires: i.expires,
  shouldSendEmail: i.shouldSendEmail,
  roleIds: i.roleIds,
  maxUses: i.maxUses ?? undefined,
  uses: i.uses,
  email: i.email ?? undefined,
  createdAt: i.createdAt,
});
const asInvite = (r: TenantInviteFieldsFragment | object) => ('id' in r && 'uses' in r ? inviteResponse(r as TenantInviteFieldsFragment) : r);
const P = '/resources/tenants/invites';

const myInviteBody = z.object({ expiresInMinutes: optionalInt, shouldSendEmail: z.boolean().nullish() });

/** POST …/v1/user and …/v2/user (the latter also takes roles): one mutation behind both. */
const createMyInvite = (version: 'v1' | 'v2', body: typeof myInviteBody, withRoles = '') =>
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${P}/${version}/user`,
    summary: `Create (replace) the caller's account (tenant) invite${withRoles}: the token is in this answer only`,
    tags: ['Account invitations'],
    headers: selfHeaders,
    body,
    document: RestCreateMyTenantInviteDocument,
    variables: ({ body }) => body,
    result: (d) => d.createMyTenantInvite,
    response: asInvite,
    status: 201,
  });

export const tenantInviteRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${P}/v1`,
    summary: 'Create account (tenant) invite: the token is in this answer only (maxUses and email are Gatehouse extensions)',
    tags: ['Account invitations'],
    headers: tenantHeader,
    body: z.object({
      tenantId: optionalStr,
      userId: optionalStr,
      expiresInMinutes: optionalInt,
      shouldSendEmail: z.boolean().nullish(),
      roleIds: z.array(str).nullish(),
      maxUses: optionalInt,
      email: optionalStr,
    }),
    document: RestCreateTenantInviteDocument,
    variables: ({ body, headers }) => ({ input: { ...body, tenantId: body.tenantId ?? headers.get('frontegg-tenant-id') } }),
    result: (d) => d.createTenantInvite,
    response: asInvite,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: `${P}/v1/all`,
    summary: "Get all account (tenant) invites of the tenant (the vendor without frontegg-tenant-id: every tenant's); no tokens",
    tags: ['Account invitations'],
    headers: tenantHeader,
    document: RestTenantInvitesDocument,
    variables: ({ headers }) => ({ tenantId: headers.get('frontegg-tenant-id') }),
    result: (d) => d.tenantInvites,
    response: (r) => r.map(inviteResponse),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: `${P}/v1/token/{id}`,
    summary: 'Delete an account (tenant) invite: its token stops working',
    tags: ['Account invitations'],
    headers: tenantHeader,
    params: z.object({ id: str }),
    document: RestDeleteTenantInviteDocument,
    variables: ({ params, headers }) => ({ id: params.id, tenantId: headers.get('frontegg-tenant-id') }),
    result: (d) => d.deleteTenantInvite,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: `${P}/v1/user`,
    summary: "Get the caller's account (tenant) invite (without its token)",
    tags: ['Account invitations'],
    headers: selfHeaders,
    document: RestMyTenantInviteDocument,
    variables: () => ({}),
    result: (d) => d.myTenantInvite,
    response: inviteResponse,
    status: 200,
  }),
  createMyInvite('v1', myInviteBody),
  createMyInvite('v2', myInviteBody.extend({ roleIds: z.array(str).nullish() }), ' with roles'),
  defineRoute({
    service: 'identity',
    method: 'PATCH',
    path: `${P}/v1/user`,
    summary: "Update the caller's account (tenant) invite (expiry, mail flag; the token is unchanged and not shown)",
    tags: ['Account invitations'],
    headers: selfHeaders,
    body: z.object({ expiresInMinutes: optionalInt, shouldSendEmail: z.boolean().nullish() }),
    document: RestUpdateMyTenantInviteDocument,
    variables: ({ body }) => body,
    result: (d) => d.updateMyTenantInvite,
    response: asInvite,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: `${P}/v1/user`,
    summary: "Delete the caller's account (tenant) invite",
    tags: ['Account invitations'],
    headers: selfHeaders,
    document: RestDeleteMyTenantInviteDocument,
    variables: () => ({}),
    result: (d) => d.deleteMyTenantInvite,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${P}/v1/verify`,
    summary: 'Verify account (tenant) invite: the tenant a usable token joins (no secrets, no use counted)',
    tags: ['Account invitations'],
    body: z.object({ token: str }),
    document: RestVerifyTenantInviteDocument,
    variables: ({ body }) => ({ token: body.token }),
    result: (d) => d.verifyTenantInvite,
    response: (r) => ({ id: r.id, tenantId: r.tenantId, name: r.name, expires: r.expires }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: `${P}/v1/configuration`,
    summary: 'Get account (tenant) invite configuration',
    tags: ['Account invitations'],
    document: RestTenantInvitesConfigurationDocument,
    variables: () => ({}),
    result: (d) => d.tenantInvitesConfiguration,
    response: (r) => ({ tenantInvitationsAllowed: r.tenantInvitationsAllowed, emailsEnabled: r.emailsEnabled }),
    status: 200,
  }),
];
