import { z } from 'zod';
import {
  RestCreateUserDocument,
  RestMeDocument,
  RestRequestEmailChangeDocument,
  RestSwitchActiveTenantDocument,
  RestUserDocument,
  RestVendorUserDocument,
  RestVerifyEmailChangeDocument,
  RestVerifyUserDocument,
  RestVerifyUserPasswordDocument,
  type UserProfileFieldsFragment,
} from '../../generated/graphql.ts';
import { metadataSchema } from '../../services/validation.ts';
import { defineRoute } from '../define-route.ts';
import { actingTenantHeader as tenantHeader, int32 } from '../headers.ts';
import { createdUserResponse, permissionResponse, roleResponse, tenantResponse, userProfile, userProfileV3, userTenants } from '../frontegg.ts';

const str = z.string();
const optionalStr = z.string().nullish();
const me = (path: string, summary: string, response: (u: UserProfileFieldsFragment) => unknown) =>
  defineRoute({
    service: 'identity',
    method: 'GET',
    path,
    summary,
    tags: ['Users'],
    document: RestMeDocument,
    variables: () => ({}),
    result: (d) => d.me,
    response,
    status: 200,
  });

const activeMembership = (u: UserProfileFieldsFragment) => u.tenants.find((m) => m.tenantId === u.activeTenantId) ?? u.tenants[0];

export const createUserBody = z.object({
  email: optionalStr,
  username: optionalStr,
  name: optionalStr,
  password: optionalStr,
  phoneNumber: optionalStr,
  profilePictureUrl: optionalStr,
  provider: optionalStr,
  metadata: metadataSchema.nullish(),
  skipInviteEmail: z.boolean().nullish(),
  roleIds: z.array(str).nullish(),
  emailMetadata: z.record(str, z.unknown()).nullish(),
  expirationInSeconds: int32.nullish(),
});

const vendorCreateUserBody = createUserBody.omit({ provider: true, skipInviteEmail: true, emailMetadata: true }).extend({
  tenantId: str,
  vendorMetadata: metadataSchema.nullish(),
  mfaBypass: z.boolean().nullish(),
  externalId: optionalStr,
});

export const userRoutes = [
  me('/resources/users/v2/me', 'Get user profile', userProfile),
  me('/resources/users/v3/me', 'Get user profile (without roles and permissions)', userProfileV3),
  me('/resources/users/v1/me/tenants', 'Get user accounts (tenants)', userTenants),
  me('/resources/users/v2/me/tenants', 'Get user accounts (tenants)', userTenants),
  me('/resources/users/v3/me/tenants', 'Get user accounts (tenants) and the active one', (u) => {
    const active = activeMembership(u);
    return { tenants: userTenants(u), activeTenant: active ? tenantResponse(active.tenant) : undefined };
  }),
  me('/resources/users/v1/me/authorization', 'Get user permissions and roles', (u) => {
    const active = activeMembership(u);
    return { roles: active?.roles.map(roleResponse) ?? [], permissions: active?.permissions.map(permissionResponse) ?? [] };
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/users/v1/tenant',
    summary: "Update user's active account (tenant)",
    tags: ['Users'],
    body: z.object({ tenantId: str }),
    document: RestSwitchActiveTenantDocument,
    variables: ({ body }) => ({ tenantId: body.tenantId }),
    result: (d) => d.switchActiveTenant,
    response: (r) => ('id' in r ? userProfile(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1',
    summary: 'Create user in the tenant of frontegg-tenant-id',
    tags: ['Users'],
    headers: tenantHeader,
    body: createUserBody,
    document: RestCreateUserDocument,
    // A registered email is invited (pending membership, invitation mail unless skipInviteEmail).
    // emailMetadata is accepted for compatibility; the default templates take none.
    variables: ({ body: { skipInviteEmail, emailMetadata: _meta, ...user }, headers }) => ({
      input: { ...user, tenantId: headers.get('frontegg-tenant-id') },
      inviteRegistered: true,
      skipInviteEmail,
    }),
    result: (d) => d.createUser,
    response: (r, { headers }) => ('id' in r ? createdUserResponse(r, headers.get('frontegg-tenant-id') ?? r.activeTenantId ?? '') : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/vendor-only/users/v1',
    summary: 'Create user (vendor only; the user is created verified)',
    tags: ['Vendor only'],
    body: vendorCreateUserBody,
    document: RestCreateUserDocument,
    variables: ({ body }) => ({ input: { ...body, verified: true } }),
    result: (d) => d.createUser,
    response: (r) => ('id' in r ? userProfile(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/v1/{id}',
    summary: 'Get user by ID (in the tenant of frontegg-tenant-id)',
    tags: ['Users'],
    headers: tenantHeader,
    params: z.object({ id: str }),
    document: RestUserDocument,
    variables: ({ params, headers }) => ({ id: params.id, tenantId: headers.get('frontegg-tenant-id') }),
    result: (d) => d.user,
    response: userProfile,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/vendor-only/users/v1/{userId}',
    summary: 'Get user (vendor only, any tenant)',
    tags: ['Vendor only'],
    params: z.object({ userId: str }),
    document: RestVendorUserDocument,
    variables: ({ params }) => ({ id: params.userId }),
    result: (d) => d.vendorUser,
    response: userProfile,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/email/me',
    summary: 'Update user email: sends a verification code to the new address',
    tags: ['Users'],
    body: z.object({ email: str }),
    document: RestRequestEmailChangeDocument,
    variables: ({ body }) => ({ email: body.email }),
    result: (d) => d.requestEmailChange,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/email/me/verify',
    summary: 'Verify user email: the code sent to the new address makes it the verified email',
    tags: ['Users'],
    body: z.object({ email: str, code: str }),
    document: RestVerifyEmailChangeDocument,
    variables: ({ body }) => ({ email: body.email, code: body.code }),
    result: (d) => d.verifyEmailChange,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/{userId}/verify',
    summary: "Verify user (marks the email verified; in the tenant of frontegg-tenant-id)",
    tags: ['Users'],
    headers: tenantHeader,
    params: z.object({ userId: str }),
    document: RestVerifyUserDocument,
    variables: ({ params, headers }) => ({ userId: params.userId, tenantId: headers.get('frontegg-tenant-id') }),
    result: (d) => d.verifyUser,
    // The spec documents a 200 without a body.
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/vendor-only/users/v1/passwords/verify',
    summary: "Verify user's password (vendor only)",
    tags: ['Vendor only'],
    body: z.object({ email: str, password: str }),
    document: RestVerifyUserPasswordDocument,
    variables: ({ body }) => body,
    result: (d) => d.verifyUserPassword,
    response: () => ({}),
    status: 200,
  }),
];
