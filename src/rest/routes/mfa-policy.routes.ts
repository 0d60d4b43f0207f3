// MFA administration over Frontegg's paths: the MFA policy (vendor or tenant override), whether a
// pending login may remember its device, the vendor's MFA configuration and strategies. Rules
// live in the services; these map HTTP to the GraphQL documents.
import { z } from 'zod';
import {
  RestCreateMfaPolicyDocument,
  RestMfaConfigurationDocument,
  RestMfaPolicyDocument,
  RestMfaRememberDeviceAllowanceDocument,
  RestMfaStrategiesDocument,
  RestSetMfaConfigurationDocument,
  RestSetMfaStrategyDocument,
  RestUpdateMfaPolicyDocument,
  RestUpsertMfaPolicyDocument,
  RestVendorMfaPolicyDocument,
  type MfaConfigurationFieldsFragment,
  type MfaPolicyFieldsFragment,
} from '../../generated/graphql.ts';
import { ENFORCE_MFA_TYPES } from '../../services/mfa/mfa-policy.service.ts';
import { MFA_STRATEGY_NAMES } from '../../services/mfa/mfa-strategies.ts';
import { defineRoute } from '../define-route.ts';
import { int32 } from '../headers.ts';

const str = z.string();
/** GraphQL Int: a fraction or an out-of-range number is a 400 here, not a failed coercion later. */
const optionalNum = int32.nullish();

/** Without it a vendor call acts on the vendor policy; a user token acts on its own tenant. */
const tenantHeader = z.object({
  'frontegg-tenant-id': str.optional().describe('The tenant whose override a vendor call reads or writes; omit for the vendor policy'),
});

const policyBody = z.object({
  enforceMFAType: z.enum(ENFORCE_MFA_TYPES).nullish(),
  allowRememberMyDevice: z.boolean().nullish(),
  mfaDeviceExpiration: optionalNum,
});

const policyResponse = (p: MfaPolicyFieldsFragment) => ({
  id: p.id,
  enforceMFAType: p.enforceMFAType,
  allowRememberMyDevice: p.allowRememberMyDevice,
  mfaDeviceExpiration: p.mfaDeviceExpiration,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

const configurationResponse = (c: MfaConfigurationFieldsFragment) => ({
  authenticationApp: { ...c.authenticationApp },
  sms: { ...c.sms },
  email: { ...c.email },
});

const P = '/resources/configurations/v1/mfa-policy';

const write = { service: 'identity' as const, path: P, tags: ['MFA policy'], headers: tenantHeader, body: policyBody };

export const mfaPolicyRoutes = [
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: P,
    summary: "Get MFA policy (the tenant's override, else the vendor's; 404 when none: MFA not forced)",
    tags: ['MFA policy'],
    headers: tenantHeader,
    document: RestMfaPolicyDocument,
    variables: () => ({}),
    result: (d) => d.mfaPolicy,
    response: policyResponse,
    notFound: 'mfa_policy_not_found',
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: `${P}/vendor`,
    summary: 'Get the vendor MFA policy (called by the Frontegg client; not in the identity spec)',
    tags: ['MFA policy'],
    document: RestVendorMfaPolicyDocument,
    variables: () => ({}),
    result: (d) => d.vendorMfaPolicy,
    response: policyResponse,
    notFound: 'mfa_policy_not_found',
    status: 200,
  }),
  defineRoute({
    ...write,
    method: 'POST',
    summary: 'Create MFA policy (409 if the scope has one; defaults Force, no remembered devices, 14 days)',
    document: RestCreateMfaPolicyDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.createMfaPolicy,
    response: (r) => ('enforceMFAType' in r ? policyResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    ...write,
    method: 'PATCH',
    summary: 'Update MFA policy (fields left out keep their value; 404 without a policy of the scope)',
    document: RestUpdateMfaPolicyDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.updateMfaPolicy,
    response: (r) => ('enforceMFAType' in r ? policyResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    ...write,
    method: 'PUT',
    summary: 'Upsert MFA policy (fields left out keep their value)',
    document: RestUpsertMfaPolicyDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.upsertMfaPolicy,
    response: (r) => ('enforceMFAType' in r ? policyResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: `${P}/allow-remember-device`,
    summary: 'Check if the pending login may remember its device (public: the mfaToken is the credential)',
    tags: ['MFA policy'],
    query: z.object({ mfaToken: str }),
    document: RestMfaRememberDeviceAllowanceDocument,
    variables: ({ query }) => ({ mfaToken: query.mfaToken }),
    result: (d) => d.mfaRememberDeviceAllowance,
    response: (r) => ({ isAllowedToRemember: r.isAllowedToRemember, mfaDeviceExpiration: r.mfaDeviceExpiration }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1/mfa',
    summary: 'Get MFA configuration (vendor only)',
    tags: ['MFA configuration'],
    document: RestMfaConfigurationDocument,
    variables: () => ({}),
    result: (d) => d.mfaConfiguration,
    response: configurationResponse,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/configurations/v1/mfa',
    summary: 'Update MFA configuration (vendor only; sections and fields left out keep their value)',
    tags: ['MFA configuration'],
    body: z.object({
      authenticationApp: z.object({ active: z.boolean().nullish(), serviceName: str.nullish() }).nullish(),
      sms: z.object({ active: z.boolean().nullish(), tokenLifetimeSeconds: optionalNum }).nullish(),
      email: z.object({ active: z.boolean().nullish(), tokenLifetimeSeconds: optionalNum }).nullish(),
    }),
    document: RestSetMfaConfigurationDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.setMfaConfiguration,
    response: (r) => ('authenticationApp' in r ? configurationResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1/mfa/strategies',
    summary: 'Get MFA strategies (public: which factors are enabled)',
    tags: ['MFA configuration'],
    document: RestMfaStrategiesDocument,
    variables: () => ({}),
    result: (d) => d.mfaStrategies,
    response: (r) => ({ strategies: r.strategies.map((s) => ({ strategy: s.strategy, isActive: s.isActive })) }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/configurations/v1/mfa/strategies',
    summary: 'Enable or disable an MFA strategy (vendor only)',
    tags: ['MFA configuration'],
    body: z.object({ strategy: z.enum(MFA_STRATEGY_NAMES), isActive: z.boolean() }),
    document: RestSetMfaStrategyDocument,
    variables: ({ body }) => body,
    result: (d) => d.setMfaStrategy,
    response: (r) => ('strategies' in r ? { strategies: r.strategies.map((s) => ({ strategy: s.strategy, isActive: s.isActive })) } : r),
    status: 201,
  }),
];
