// Configuration families: password rotation (expiration), the captcha policy and delegation.
// Rotation follows the other security policies (vendor default, tenant override); captcha and
// delegation are vendor-wide. The captcha secret key is write-only: no type exposes it.
import type { CaptchaPolicyView } from '../../services/policies/captcha-policy.service.ts';
import type { PasswordRotationView } from '../../services/policies/password-rotation.service.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { policyWriter, readPolicyScopes, writePolicyScopes } from '../policy-scope.ts';
import { scopeFor } from '../../services/authorization/tenant-scope.ts';

const PasswordRotationPolicy = builder.objectRef<PasswordRotationView>('PasswordRotationPolicy').implement({
  description: 'Password expiration: a password older than rotationPeriod minutes cannot log in until it is reset.',
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'Null for the vendor policy.' }),
    isActive: t.exposeBoolean('isActive'),
    rotationPeriod: t.exposeInt('rotationPeriod', { description: 'Minutes a password lives.' }),
    notificationPeriod: t.exposeInt('notificationPeriod', { description: 'Minutes before expiry when users are to be warned.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const PasswordRotationInput = builder.inputType('PasswordRotationInput', {
  description: "Fields left out keep the scope's value (a first write: Frontegg's defaults, inactive, 129600 and 10080 minutes).",
  fields: (t) => ({
    isActive: t.boolean({ required: false }),
    rotationPeriod: t.int({ required: false, description: 'Minutes, 1 to 5256000.' }),
    notificationPeriod: t.int({ required: false, description: 'Minutes, 0 to 5256000.' }),
  }),
});

const CaptchaPolicy = builder.objectRef<CaptchaPolicyView>('CaptchaPolicy').implement({
  description: 'reCAPTCHA on password login and sign-up. The secret key is stored encrypted and never returned.',
  fields: (t) => ({
    id: t.exposeID('id'),
    enabled: t.exposeBoolean('enabled'),
    siteKey: t.exposeString('siteKey'),
    minScore: t.exposeFloat('minScore', { description: 'Lowest reCAPTCHA v3 score accepted (0 to 1); v2 answers carry no score.' }),
    ignoredEmails: t.exposeStringList('ignoredEmails', { description: 'Emails that skip the check.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const PublicCaptchaPolicy = builder
  .objectRef<{ enabled: boolean; siteKey: string | null; minScore: number | null }>('PublicCaptchaPolicy')
  .implement({
    description: 'What a login box needs to show the captcha.',
    fields: (t) => ({
      enabled: t.exposeBoolean('enabled'),
      siteKey: t.exposeString('siteKey', { nullable: true }),
      minScore: t.exposeFloat('minScore', { nullable: true }),
    }),
  });

const CaptchaPolicyInput = builder.inputType('CaptchaPolicyInput', {
  fields: (t) => ({
    enabled: t.boolean(),
    siteKey: t.string(),
    secretKey: t.string({ required: false, description: 'Required to create; an update without it keeps the stored key.' }),
    minScore: t.float(),
    ignoredEmails: t.stringList({ required: false }),
  }),
});

const DelegationConfiguration = builder.objectRef<{ enabled: boolean }>('DelegationConfiguration').implement({
  description:
    'Whether access tokens made by token exchange may carry an act (actor) claim. Stored and reported only: Gatehouse has no token-exchange grant yet.',
  fields: (t) => ({ enabled: t.exposeBoolean('enabled') }),
});

builder.queryFields((t) => ({
  passwordRotationPolicy: t.field({
    type: PasswordRotationPolicy,
    nullable: true,
    description: "The password rotation policy in force for a tenant (its own, else the vendor's); null when none is defined.",
    authScopes: readPolicyScopes,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { tenantId }, ctx) => ctx.services.passwordRotation.get(scopeFor(ctx, tenantId)),
  }),
  vendorPasswordRotationPolicy: t.field({
    type: PasswordRotationPolicy,
    nullable: true,
    description: 'The vendor password rotation policy (what a tenant override may only tighten).',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.passwordRotation.vendor(),
  }),
  captchaPolicy: t.field({
    type: CaptchaPolicy,
    nullable: true,
    description: 'Vendor only: the captcha policy (without its secret key); null when none is defined.',
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.captchaPolicy.get(),
  }),
  publicCaptchaPolicy: t.field({
    type: PublicCaptchaPolicy,
    description: 'Public (the login box reads it): whether the captcha is on and its site key. Never the secret key.',
    resolve: (_root, _args, ctx) => ctx.services.captchaPolicy.publicPolicy(),
  }),
  delegationConfiguration: t.field({
    type: DelegationConfiguration,
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.delegation.get(),
  }),
}));

builder.mutationFields((t) => ({
  setPasswordRotationPolicy: t.field({
    type: PasswordRotationPolicy,
    description:
      "Creates or updates the vendor password rotation policy, or a tenant's (the vendor names it; a tenant admin writes their own and may only tighten an active vendor policy).",
    authScopes: writePolicyScopes,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: PasswordRotationInput }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { input, tenantId }, ctx) => ctx.services.passwordRotation.set(scopeFor(ctx, tenantId), input, policyWriter(ctx)),
  }),
  createCaptchaPolicy: t.field({
    type: CaptchaPolicy,
    description: 'Vendor only: creates the captcha policy (secretKey required).',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CaptchaPolicyInput }) },
    resolve: (_root, { input }, ctx) => ctx.services.captchaPolicy.create(input),
  }),
  updateCaptchaPolicy: t.field({
    type: CaptchaPolicy,
    description: 'Vendor only: replaces the captcha policy; without secretKey the stored one is kept.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CaptchaPolicyInput }) },
    resolve: (_root, { input }, ctx) => ctx.services.captchaPolicy.update(input),
  }),
  setDelegationConfiguration: t.field({
    type: DelegationConfiguration,
    description: 'Vendor only: stores whether delegation (act claim on exchanged tokens) is enabled; leaving enabled out changes nothing.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { enabled: t.arg.boolean({ required: false }) },
    resolve: (_root, { enabled }, ctx) => ctx.services.delegation.set({ enabled }),
  }),
}));
