// Authenticator-app MFA: self-service enrolment and disabling, the second step of a login,
// recovery and vendor unenrolment. No field exposes a TOTP secret except the one-time
// enrolment answer (the QR code and its otpauth URI).
import { builder } from '../builder.ts';
import { requireActingUserId } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import type { AuthResult } from '../../services/auth/auth.service.ts';
import type { MfaLoginCompletion } from '../../services/mfa/mfa-login.service.ts';
import type { GraphQLContext } from '../context.ts';
import { AuthResponse, withCookie } from './auth.ts';
import { MfaDevices } from './mfa-challenge.ts';

export const AuthenticatorEnrollment = builder.objectRef<{ qrCode: string; otpauthUri: string }>('AuthenticatorEnrollment').implement({
  description: 'Shown once: scan the QR code (or enter the URI) in an authenticator app, then verify with a code.',
  fields: (t) => ({
    qrCode: t.exposeString('qrCode', { description: 'PNG data URL of the otpauth URI.' }),
    otpauthUri: t.exposeString('otpauthUri'),
  }),
});

const MfaEnrollmentResult = builder.objectRef<{ deviceId: string; recoveryCodes: string[] }>('MfaEnrollmentResult').implement({
  description: 'The enrolled authenticator and the recovery codes, shown this once (only their hashes are stored).',
  fields: (t) => ({
    deviceId: t.exposeID('deviceId'),
    recoveryCode: t.string({ description: "The first recovery code (Frontegg's single code).", resolve: (r) => r.recoveryCodes[0]! }),
    recoveryCodes: t.exposeStringList('recoveryCodes'),
  }),
});

const MfaDone = builder.objectRef<{ done: boolean }>('MfaDone').implement({
  fields: (t) => ({ done: t.exposeBoolean('done') }),
});

const MfaLoginInput = builder.inputType('MfaLoginInput', {
  fields: (t) => ({
    mfaToken: t.string(),
    value: t.string({ description: 'The 6-digit code from the authenticator app.' }),
    deviceId: t.id({ required: false, description: 'Only this authenticator.' }),
    rememberDevice: t.boolean({ required: false, description: 'Remember this browser (when the MFA policy allows it): later logins skip MFA.' }),
  }),
});

/** A login finished by a second factor: the refresh cookie, and the device cookie when one was remembered. */
export function withMfaCookies(ctx: GraphQLContext, r: MfaLoginCompletion<AuthResult>) {
  if (r.rememberDevice) ctx.deviceCookie.set(r.rememberDevice.token, r.rememberDevice.maxAgeSeconds);
  return withCookie(ctx, r.auth);
}


builder.queryFields((t) => ({
  myMfaDevices: t.field({
    type: MfaDevices,
    description: "The acting user's verified second factors.",
    authScopes: { actor: true },
    resolve: (_root, _args, ctx) => ctx.services.mfa.devices(requireActingUserId(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  enrollAuthenticatorMfa: t.field({
    type: AuthenticatorEnrollment,
    description: 'Starts authenticator enrolment for the acting user (restarting replaces a pending one).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    resolve: (_root, _args, ctx) => ctx.services.mfa.enrollAuthenticator(requireActingUserId(ctx)),
  }),
  verifyAuthenticatorMfaEnrollment: t.field({
    type: MfaEnrollmentResult,
    description: 'Confirms enrolment with a current code; returns the recovery codes once.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { token: t.arg.string() },
    resolve: (_root, { token }, ctx) => ctx.services.mfa.verifyAuthenticatorEnrollment(requireActingUserId(ctx), { token }),
  }),
  disableAuthenticatorMfa: t.field({
    type: MfaDone,
    description: 'Removes the authenticator (one, or all) after a valid current code or recovery code.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { token: t.arg.string(), deviceId: t.arg.id({ required: false }) },
    resolve: async (_root, args, ctx) => ({ done: await ctx.services.mfa.disableAuthenticator(requireActingUserId(ctx), args) }),
  }),
  verifyMfaLogin: t.field({
    type: AuthResponse,
    description: 'Second step of a login that answered MfaRequired: starts the session and sets the refresh cookie.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: MfaLoginInput }) },
    resolve: async (_root, { input }, ctx) => withMfaCookies(ctx, await ctx.services.mfaLogin.verifyAuthenticator(input, ctx.client)),
  }),
  recoverMfa: t.field({
    type: MfaDone,
    description: "Uses a recovery code to remove the user's MFA; the user then logs in with the password alone.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string(), recoveryCode: t.arg.string() },
    resolve: async (_root, args, ctx) => ({ done: await ctx.services.mfa.recover(args, ctx.client) }),
  }),
  unenrollUserMfa: t.field({
    type: MfaDone,
    description: "Vendor only: removes all of a user's MFA devices and recovery codes.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { userId: t.arg.id() },
    resolve: async (_root, { userId }, ctx) => ({ done: await ctx.services.mfa.unenroll(userId) }),
  }),
}));
