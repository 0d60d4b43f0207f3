// Password security: the complexity, history and lockout policies, changing one's password and
// unlocking a user. Policies are vendor-wide (no tenant) or a tenant's override.
import { fail } from '../../errors/domain-errors.ts';
import type { LockoutPolicyView, PasswordHistoryPolicyView } from '../../services/policies/password-policies.service.ts';
import type { PasswordPolicy } from '../../services/policies/password-rules.ts';
import { writeUsers } from '../auth-scopes.ts';
import { builder } from '../builder.ts';
import { policyWriter, readPolicyScopes, writePolicyScopes } from '../policy-scope.ts';
import { actingTenantId, actingUserId, confinedTenant, scopeFor } from '../../services/authorization/tenant-scope.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const PasswordOptionalTests = builder.objectRef<PasswordPolicy['optionalTests']>('PasswordOptionalTests').implement({
  description: 'The complexity tests that count towards minOptionalTestsToPass.',
  fields: (t) => ({
    requireLowercase: t.exposeBoolean('requireLowercase'),
    requireUppercase: t.exposeBoolean('requireUppercase'),
    requireNumbers: t.exposeBoolean('requireNumbers'),
    requireSpecialChars: t.exposeBoolean('requireSpecialChars'),
  }),
});

const PasswordRequiredTests = builder.objectRef<PasswordPolicy['requiredTests']>('PasswordRequiredTests').implement({
  fields: (t) => ({
    checkThreeRepeatedChars: t.exposeBoolean('checkThreeRepeatedChars', { description: 'Refuse a character repeated three times in a row.' }),
  }),
});

export const PasswordPolicyType = builder.objectRef<PasswordPolicy & { tenantId: string | null }>('PasswordPolicy').implement({
  description: 'Password complexity rules (OWASP model: required tests for all, optional tests that passphrases skip).',
  fields: (t) => ({
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'The tenant this policy is in force for; null for the vendor policy.' }),
    allowPassphrases: t.exposeBoolean('allowPassphrases'),
    minLength: t.exposeInt('minLength'),
    maxLength: t.exposeInt('maxLength'),
    minPhraseLength: t.exposeInt('minPhraseLength', { description: 'From this length on a password is a passphrase and skips the optional tests.' }),
    minOptionalTestsToPass: t.exposeInt('minOptionalTestsToPass'),
    blockPwnedPasswords: t.exposeBoolean('blockPwnedPasswords', {
      description: 'Refuse passwords on the bundled list of common and breached passwords (checked locally, case-insensitively).',
    }),
    optionalTests: t.field({ type: PasswordOptionalTests, resolve: (p) => p.optionalTests }),
    requiredTests: t.field({ type: PasswordRequiredTests, resolve: (p) => p.requiredTests }),
  }),
});

export const LockoutPolicy = builder.objectRef<LockoutPolicyView>('LockoutPolicy').implement({
  description: 'Locks a user after maxAttempts consecutive wrong passwords (unlock resets the count).',
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'Null for the vendor policy.' }),
    enabled: t.exposeBoolean('enabled'),
    maxAttempts: t.exposeInt('maxAttempts'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const PasswordHistoryPolicy = builder.objectRef<PasswordHistoryPolicyView>('PasswordHistoryPolicy').implement({
  description: "Refuses a new password equal to one of the user's last historySize passwords.",
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'Null for the vendor policy.' }),
    enabled: t.exposeBoolean('enabled'),
    historySize: t.exposeInt('historySize'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ChangePasswordPayload = builder.objectRef<{ changed: boolean; revokedSessions: number }>('ChangePasswordPayload').implement({
  fields: (t) => ({
    changed: t.exposeBoolean('changed'),
    revokedSessions: t.exposeInt('revokedSessions', { description: "How many of the user's other sessions were ended." }),
  }),
});

const PasswordOptionalTestsInput = builder.inputType('PasswordOptionalTestsInput', {
  fields: (t) => ({
    requireLowercase: t.boolean({ required: false }),
    requireUppercase: t.boolean({ required: false }),
    requireNumbers: t.boolean({ required: false }),
    requireSpecialChars: t.boolean({ required: false }),
  }),
});

const PasswordRequiredTestsInput = builder.inputType('PasswordRequiredTestsInput', {
  fields: (t) => ({ checkThreeRepeatedChars: t.boolean({ required: false }) }),
});

const PasswordPolicyInput = builder.inputType('PasswordPolicyInput', {
  description: 'Fields left out keep their current value.',
  fields: (t) => ({
    allowPassphrases: t.boolean({ required: false }),
    minLength: t.int({ required: false }),
    maxLength: t.int({ required: false, description: 'At most 128.' }),
    minPhraseLength: t.int({ required: false }),
    minOptionalTestsToPass: t.int({ required: false, description: '0 to the number of enabled optional tests.' }),
    blockPwnedPasswords: t.boolean({ required: false }),
    optionalTests: t.field({ type: PasswordOptionalTestsInput, required: false }),
    requiredTests: t.field({ type: PasswordRequiredTestsInput, required: false }),
  }),
});

const LockoutPolicyInput = builder.inputType('LockoutPolicyInput', {
  description: 'Both fields are required to create; an update changes what it names.',
  fields: (t) => ({ enabled: t.boolean({ required: false }), maxAttempts: t.int({ required: false }) }),
});

const PasswordHistoryPolicyInput = builder.inputType('PasswordHistoryPolicyInput', {
  description: 'Create defaults: enabled false, historySize 1. An update changes what it names.',
  fields: (t) => ({ enabled: t.boolean({ required: false }), historySize: t.int({ required: false, description: '1 to 10.' }) }),
});



builder.queryFields((t) => ({
  passwordPolicy: t.field({
    type: PasswordPolicyType,
    description: 'The complexity policy in force for a tenant (its override, else the vendor policy); without a tenant, the vendor policy.',
    authScopes: readPolicyScopes,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { tenantId }, ctx) => ctx.services.passwordPolicies.password.get(scopeFor(ctx, tenantId)),
  }),
  strictestPasswordPolicy: t.field({
    type: PasswordPolicyType,
    description:
      "Public (the login box shows it): the strictest complexity policy a password will be judged by: the user's tenants' (the current user, or userId), else the acting tenant's, else the vendor's.",
    args: { userId: t.arg.id({ required: false }) },
    resolve: (_root, { userId }, ctx) =>
      ctx.services.passwordPolicies.password.strictest({ userId: userId ?? actingUserId(ctx), tenantId: actingTenantId(ctx) }),
  }),
  lockoutPolicy: t.field({
    type: LockoutPolicy,
    nullable: true,
    description: "The lockout policy in force for a tenant (its own, else the vendor's); null when none is defined.",
    authScopes: readPolicyScopes,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { tenantId }, ctx) => ctx.services.passwordPolicies.lockout.get(scopeFor(ctx, tenantId)),
  }),
  vendorLockoutPolicy: t.field({
    type: LockoutPolicy,
    nullable: true,
    description: 'The vendor lockout policy (what a tenant override may only tighten).',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.passwordPolicies.lockout.get(null),
  }),
  passwordHistoryPolicy: t.field({
    type: PasswordHistoryPolicy,
    nullable: true,
    description: "The password history policy in force for a tenant (its own, else the vendor's); null when none is defined.",
    authScopes: readPolicyScopes,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { tenantId }, ctx) => ctx.services.passwordPolicies.history.get(scopeFor(ctx, tenantId)),
  }),
  vendorPasswordHistoryPolicy: t.field({
    type: PasswordHistoryPolicy,
    nullable: true,
    description: 'The vendor password history policy (what a tenant override may only tighten).',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.passwordPolicies.history.get(null),
  }),
}));

builder.mutationFields((t) => ({
  setPasswordPolicy: t.field({
    type: PasswordPolicyType,
    description: 'Vendor only: creates or updates the vendor complexity policy, or a tenant override (tenantId or frontegg-tenant-id).',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: PasswordPolicyInput }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { input, tenantId }, ctx) => ctx.services.passwordPolicies.password.set(scopeFor(ctx, tenantId), input),
  }),
  createLockoutPolicy: t.field({
    type: LockoutPolicy,
    description: "Creates the vendor lockout policy or a tenant's. A tenant admin may only make their tenant stricter than the vendor.",
    authScopes: writePolicyScopes,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: LockoutPolicyInput }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { input, tenantId }, ctx) => ctx.services.passwordPolicies.lockout.create(scopeFor(ctx, tenantId), input, policyWriter(ctx)),
  }),
  updateLockoutPolicy: t.field({
    type: LockoutPolicy,
    authScopes: writePolicyScopes,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: LockoutPolicyInput }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { input, tenantId }, ctx) => ctx.services.passwordPolicies.lockout.update(scopeFor(ctx, tenantId), input, policyWriter(ctx)),
  }),
  createPasswordHistoryPolicy: t.field({
    type: PasswordHistoryPolicy,
    description: "Creates the vendor password history policy or a tenant's. A tenant admin may only make their tenant stricter than the vendor.",
    authScopes: writePolicyScopes,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: PasswordHistoryPolicyInput }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { input, tenantId }, ctx) => ctx.services.passwordPolicies.history.create(scopeFor(ctx, tenantId), input, policyWriter(ctx)),
  }),
  updatePasswordHistoryPolicy: t.field({
    type: PasswordHistoryPolicy,
    authScopes: writePolicyScopes,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: PasswordHistoryPolicyInput }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { input, tenantId }, ctx) => ctx.services.passwordPolicies.history.update(scopeFor(ctx, tenantId), input, policyWriter(ctx)),
  }),
  changePassword: t.field({
    type: ChangePasswordPayload,
    description: "Changes the current user's password and ends their other sessions (this one stays).",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { password: t.arg.string(), newPassword: t.arg.string() },
    resolve: (_root, args, ctx) =>
      ctx.services.passwords.change(actingUserId(ctx)!, ctx.principal.kind === 'user' ? ctx.principal.sessionId : null, args),
  }),
  unlockUser: t.prismaField({
    type: 'User',
    description: 'Lifts a lockout and clears the failure count (vendor: any user; tenant admin: members of their tenant).',
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id() },
    resolve: async (query, _root, { userId }, ctx) => {
      const scope = confinedTenant(ctx);
      await ctx.services.passwords.unlock(userId, scope);
      return (await ctx.services.users.findById(userId, query)) ?? fail('user_not_found');
    },
  }),
}));
