// Password rotation, captcha policy, delegation and sign-up by username over Frontegg's paths.
// Rules live in the services; these only map HTTP to the GraphQL documents.
import { z } from 'zod';
import {
  RestCaptchaPolicyDocument,
  RestCreateCaptchaPolicyDocument,
  RestDelegationConfigurationDocument,
  RestPasswordRotationPolicyDocument,
  RestPublicCaptchaPolicyDocument,
  RestSetDelegationConfigurationDocument,
  RestSetPasswordRotationPolicyDocument,
  RestSignUpWithUsernameDocument,
  RestUpdateCaptchaPolicyDocument,
  RestVendorPasswordRotationPolicyDocument,
  type CaptchaPolicyFieldsFragment,
  type PasswordRotationFieldsFragment,
} from '../../generated/graphql.ts';
import { metadataSchema } from '../../services/validation.ts';
import { defineRoute } from '../define-route.ts';
import { loginResponse } from '../frontegg.ts';
import { actingTenantHeader } from '../headers.ts';

const str = z.string();
const optionalStr = z.string().nullish();
/** GraphQL Int: a fraction or an out-of-range number is a 400 here, not a failed coercion later. */
const optionalInt = z.number().int('must be a whole number').min(-2147483648).max(2147483647).nullish();

const rotationResponse = (p: PasswordRotationFieldsFragment) => ({
  isActive: p.isActive,
  rotationPeriod: p.rotationPeriod,
  notificationPeriod: p.notificationPeriod,
  tenantId: p.tenantId,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

// Frontegg's answer lists secretKey; Gatehouse keeps it write-only, so it is never in an answer.
const captchaResponse = (p: CaptchaPolicyFieldsFragment) => ({
  id: p.id,
  siteKey: p.siteKey,
  enabled: p.enabled,
  minScore: p.minScore,
  ignoredEmails: p.ignoredEmails,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

const captchaBody = z.object({
  enabled: z.boolean(),
  siteKey: str,
  secretKey: optionalStr,
  minScore: z.number(),
  ignoredEmails: z.array(str).nullish(),
});

export const configPolicyRoutes = [
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1/password-rotation',
    summary: "Get password expiration period configuration (the tenant's, else the vendor's)",
    tags: ['Password rotation'],
    headers: actingTenantHeader,
    document: RestPasswordRotationPolicyDocument,
    variables: () => ({}),
    result: (d) => d.passwordRotationPolicy,
    response: rotationResponse,
    notFound: 'password_rotation_not_found',
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/configurations/v1/password-rotation',
    summary: 'Manage password expiration (vendor default, or a tenant override; fields left out keep their value)',
    tags: ['Password rotation'],
    headers: actingTenantHeader,
    body: z.object({ isActive: z.boolean().nullish(), rotationPeriod: optionalInt, notificationPeriod: optionalInt }),
    document: RestSetPasswordRotationPolicyDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.setPasswordRotationPolicy,
    response: (r) => ('rotationPeriod' in r ? rotationResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1/password-rotation/vendor',
    summary: 'Get environment configuration for password expiration period',
    tags: ['Password rotation'],
    document: RestVendorPasswordRotationPolicyDocument,
    variables: () => ({}),
    result: (d) => d.vendorPasswordRotationPolicy,
    response: rotationResponse,
    notFound: 'password_rotation_not_found',
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1/captcha-policy',
    summary: 'Get captcha policy (the secret key is never returned)',
    tags: ['Captcha policy'],
    document: RestCaptchaPolicyDocument,
    variables: () => ({}),
    result: (d) => d.captchaPolicy,
    response: captchaResponse,
    notFound: 'captcha_policy_not_found',
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/configurations/v1/captcha-policy',
    summary: 'Create captcha policy (secretKey required; stored encrypted)',
    tags: ['Captcha policy'],
    body: captchaBody,
    document: RestCreateCaptchaPolicyDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.createCaptchaPolicy,
    response: (r) => ('siteKey' in r ? captchaResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/configurations/v1/captcha-policy',
    summary: 'Update captcha policy (without secretKey the stored one is kept)',
    tags: ['Captcha policy'],
    body: captchaBody,
    document: RestUpdateCaptchaPolicyDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.updateCaptchaPolicy,
    response: (r) => ('siteKey' in r ? captchaResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1/captcha-policy/public',
    summary: 'Public captcha policy for the login box: enabled and site key (client-only path; never the secret key)',
    tags: ['Captcha policy'],
    document: RestPublicCaptchaPolicyDocument,
    variables: () => ({}),
    result: (d) => d.publicCaptchaPolicy,
    response: (p) => ({ enabled: p.enabled, siteKey: p.siteKey, minScore: p.minScore }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1/delegation',
    summary: 'Get delegation configuration (stored only: no token-exchange grant yet)',
    tags: ['Delegation'],
    document: RestDelegationConfigurationDocument,
    variables: () => ({}),
    result: (d) => d.delegationConfiguration,
    response: (p) => ({ enabled: p.enabled }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/configurations/v1/delegation',
    summary: 'Create or update delegation configuration',
    tags: ['Delegation'],
    body: z.object({ enabled: z.boolean().nullish() }).nullish(),
    document: RestSetDelegationConfigurationDocument,
    variables: ({ body }) => ({ enabled: body?.enabled }),
    result: (d) => d.setDelegationConfiguration,
    response: (r) => ('enabled' in r ? { enabled: r.enabled } : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/signUp/username',
    summary: 'Signup user with username: creates the tenant and its first user',
    tags: ['Users'],
    body: z.object({
      username: str,
      companyName: str,
      email: optionalStr,
      password: optionalStr,
      name: optionalStr,
      phoneNumber: optionalStr,
      profilePictureUrl: optionalStr,
      metadata: metadataSchema.nullish(),
      provider: optionalStr,
      skipInviteEmail: z.boolean().nullish(),
      roleIds: z.array(str).nullish(),
      emailMetadata: z.record(z.string(), z.unknown()).nullish(),
      recaptchaToken: optionalStr,
      invitationToken: optionalStr,
    }),
    document: RestSignUpWithUsernameDocument,
    variables: ({ body }) => ({
      input: {
        username: body.username,
        companyName: body.companyName,
        email: body.email,
        password: body.password,
        name: body.name,
        phoneNumber: body.phoneNumber,
        profilePictureUrl: body.profilePictureUrl,
        metadata: body.metadata,
        provider: body.provider,
        invitationToken: body.invitationToken,
        recaptchaToken: body.recaptchaToken,
      },
    }),
    result: (d) => d.signUpWithUsername,
    response: (r) =>
      'shouldActivate' in r
        ? {
            shouldActivate: r.shouldActivate,
            userId: r.userId,
            tenantId: r.tenantId,
            ...(r.authResponse ? { authResponse: loginResponse(r.authResponse) } : {}),
          }
        : r,
    status: 201,
  }),
];
