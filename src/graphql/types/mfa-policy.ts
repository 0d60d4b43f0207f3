// MFA administration: the MFA policy (vendor-wide, or a tenant's override), the vendor's MFA
// configuration (authenticator service name, code lifetimes) and which factors are enabled.
import type { MfaPolicyView } from '../../services/mfa/mfa-policy.service.ts';
import { ENFORCE_MFA_TYPES } from '../../services/mfa/mfa-policy.service.ts';
import { MFA_STRATEGY_NAMES, type MfaConfiguration, type MfaStrategy } from '../../services/mfa/mfa-strategies.ts';
import { builder } from '../builder.ts';
import { policyWriter, readPolicyScopes, writePolicyScopes } from '../policy-scope.ts';
import { scopeFor } from '../../services/authorization/tenant-scope.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const EnforceMfaType = builder.enumType('EnforceMfaType', {
  description: 'Password login is not SAML, so ForceExceptSAML forces it as Force does.',
  values: ENFORCE_MFA_TYPES,
});

const MfaStrategyEnum = builder.enumType('MfaStrategy', { values: MFA_STRATEGY_NAMES });

const MfaPolicyType = builder.objectRef<MfaPolicyView>('MfaPolicy').implement({
  description: 'Whether MFA is forced at login, and whether (and how long) a device may be remembered after MFA.',
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'Null for the vendor policy.' }),
    enforceMFAType: t.field({ type: EnforceMfaType, resolve: (p) => p.enforceMFAType }),
    allowRememberMyDevice: t.exposeBoolean('allowRememberMyDevice'),
    mfaDeviceExpiration: t.exposeInt('mfaDeviceExpiration', { description: 'Seconds a remembered device skips MFA.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const MfaPolicyInput = builder.inputType('MfaPolicyInput', {
  description: 'Create: fields left out take the defaults (Force, false, 1209600). Update/upsert: fields left out keep their value.',
  fields: (t) => ({
    enforceMFAType: t.field({ type: EnforceMfaType, required: false }),
    allowRememberMyDevice: t.boolean({ required: false }),
    mfaDeviceExpiration: t.int({ required: false, description: 'Seconds, 60 to one year.' }),
  }),
});

const MfaStrategySetting = builder.objectRef<{ strategy: MfaStrategy; isActive: boolean }>('MfaStrategySetting').implement({
  fields: (t) => ({
    strategy: t.field({ type: MfaStrategyEnum, resolve: (s) => s.strategy }),
    isActive: t.exposeBoolean('isActive'),
  }),
});

const MfaStrategies = builder.objectRef<{ strategies: Array<{ strategy: MfaStrategy; isActive: boolean }> }>('MfaStrategies').implement({
  fields: (t) => ({ strategies: t.field({ type: [MfaStrategySetting], resolve: (s) => s.strategies }) }),
});

const MfaAuthenticationAppConfig = builder.objectRef<{ active: boolean; serviceName: string }>('MfaAuthenticationAppConfig').implement({
  fields: (t) => ({
    active: t.exposeBoolean('active'),
    serviceName: t.exposeString('serviceName', { description: 'The otpauth issuer authenticator apps show.' }),
  }),
});

const MfaCodeChannelConfig = builder.objectRef<{ active: boolean; tokenLifetimeSeconds: number }>('MfaCodeChannelConfig').implement({
  fields: (t) => ({
    active: t.exposeBoolean('active'),
    tokenLifetimeSeconds: t.exposeInt('tokenLifetimeSeconds'),
  }),
});

const MfaConfigurationType = builder.objectRef<MfaConfiguration>('MfaConfiguration').implement({
  description: "The vendor's MFA configuration; the active flags are the AuthenticatorApp, SMS and EmailCode strategies.",
  fields: (t) => ({
    authenticationApp: t.field({
      type: MfaAuthenticationAppConfig,
      resolve: (c) => ({ active: c.strategies.AuthenticatorApp, serviceName: c.authenticationApp.serviceName }),
    }),
    sms: t.field({ type: MfaCodeChannelConfig, resolve: (c) => ({ active: c.strategies.SMS, ...c.sms }) }),
    email: t.field({ type: MfaCodeChannelConfig, resolve: (c) => ({ active: c.strategies.EmailCode, ...c.email }) }),
  }),
});

const AuthAppConfigInput = builder.inputType('MfaAuthenticationAppConfigInput', {
  fields: (t) => ({ active: t.boolean({ required: false }), serviceName: t.string({ required: false }) }),
});
const CodeChannelConfigInput = builder.inputType('MfaCodeChannelConfigInput', {
  fields: (t) => ({ active: t.boolean({ required: false }), tokenLifetimeSeconds: t.int({ required: false, description: '60 to 86400.' }) }),
});
const MfaConfigurationInput = builder.inputType('MfaConfigurationInput', {
  description: 'Sections and fields left out keep their value.',
  fields: (t) => ({
    authenticationApp: t.field({ type: AuthAppConfigInput, required: false }),
    sms: t.field({ type: CodeChannelConfigInput, required: false }),
    email: t.field({ type: CodeChannelConfigInput, required: false }),
  }),
});


builder.queryFields((t) => ({
  mfaPolicy: t.field({
    type: MfaPolicyType,
    nullable: true,
    description: "The MFA policy in force for a tenant (its own, else the vendor's); null when none is defined (MFA not forced).",
    authScopes: readPolicyScopes,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { tenantId }, ctx) => ctx.services.mfaPolicy.get(scopeFor(ctx, tenantId)),
  }),
  vendorMfaPolicy: t.field({
    type: MfaPolicyType,
    nullable: true,
    description: 'The vendor MFA policy (what a tenant override may only tighten).',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.mfaPolicy.get(null),
  }),
  mfaConfiguration: t.field({
    type: MfaConfigurationType,
    description: "The vendor's MFA configuration.",
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.mfaConfiguration.get(),
  }),
  mfaStrategies: t.field({
    type: MfaStrategies,
    description: 'Public (the login box reads it): which MFA factors are enabled.',
    resolve: async (_root, _args, ctx) => ({ strategies: await ctx.services.mfaConfiguration.strategies() }),
  }),
}));

builder.mutationFields((t) => {
  const args = { input: t.arg({ type: MfaPolicyInput }), tenantId: t.arg.id({ required: false }) };
  const field = (description: string, run: 'create' | 'update' | 'upsert') =>
    t.field({
      type: MfaPolicyType,
      description,
      authScopes: writePolicyScopes,
      errors: { types: MUTATION_ERRORS, directResult: true },
      args,
      resolve: (_root, { input, tenantId }, ctx) => ctx.services.mfaPolicy[run](scopeFor(ctx, tenantId), input, policyWriter(ctx)),
    });
  return {
    createMfaPolicy: field('Creates the vendor MFA policy or a tenant\'s (409 if it exists). A tenant admin may only be stricter than the vendor.', 'create'),
    updateMfaPolicy: field("Updates the scope's own MFA policy (404 without one).", 'update'),
    upsertMfaPolicy: field("Creates or updates the scope's MFA policy.", 'upsert'),
    setMfaConfiguration: t.field({
      type: MfaConfigurationType,
      description: "Vendor only: updates the MFA configuration (the active flags switch the matching strategies).",
      authScopes: { vendor: true },
      errors: { types: MUTATION_ERRORS, directResult: true },
      args: { input: t.arg({ type: MfaConfigurationInput }) },
      resolve: (_root, { input }, ctx) => ctx.services.mfaConfiguration.set(input),
    }),
    setMfaStrategy: t.field({
      type: MfaStrategies,
      description: 'Vendor only: enables or disables one MFA factor. A disabled factor is refused at login and enrolment.',
      authScopes: { vendor: true },
      errors: { types: MUTATION_ERRORS, directResult: true },
      args: { strategy: t.arg({ type: MfaStrategyEnum }), isActive: t.arg.boolean() },
      resolve: async (_root, args, ctx) => ({ strategies: await ctx.services.mfaConfiguration.setStrategy(args) }),
    }),
  };
});
