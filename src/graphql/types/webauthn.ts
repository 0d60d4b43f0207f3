// WebAuthn: security keys / platform authenticators as a second factor (self-service, at the MFA
// step of a login, and enrolment during a login) and passkeys (passwordless login). Options and
// credentials travel as the JSON the browser's WebAuthn API produces (base64url binary fields).
import type { AuthResult } from '../../services/auth/auth.service.ts';
import type { WebAuthnOptions } from '../../services/mfa/webauthn.service.ts';
import { builder } from '../builder.ts';
import { requireActingUserId } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { AuthResponse, withCookie } from './auth.ts';
import { WebAuthnDevice } from './mfa-challenge.ts';

const WebAuthnChallenge = builder.objectRef<WebAuthnOptions>('WebAuthnChallenge').implement({
  description: 'Options for navigator.credentials.create/get. The challenge is single use and expires after 5 minutes.',
  fields: (t) => ({
    options: t.expose('options', { type: 'JSONObject', description: 'PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON.' }),
    webauthnToken: t.exposeString('webauthnToken', { description: "Frontegg's webauthnToken (the challenge); optional on verify, must match when sent." }),
  }),
});

const WebAuthnMfaEnrollment = builder.objectRef<{ deviceId: string; recoveryCodes: string[] }>('WebAuthnMfaEnrollment').implement({
  description: 'The enrolled device; recovery codes only when it is the first second factor (shown this once).',
  fields: (t) => ({
    deviceId: t.exposeID('deviceId'),
    recoveryCode: t.string({ nullable: true, resolve: (r) => r.recoveryCodes[0] ?? null }),
    recoveryCodes: t.exposeStringList('recoveryCodes'),
  }),
});

const WebAuthnEnrolledLogin = builder.objectRef<{ session: AuthResult; recoveryCode: string | null }>('WebAuthnEnrolledLogin').implement({
  description: 'A login finished by enrolling a WebAuthn device: the session, and the first recovery code when this was the first second factor.',
  fields: (t) => ({
    session: t.field({ type: AuthResponse, resolve: (r) => r.session }),
    recoveryCode: t.exposeString('recoveryCode', { nullable: true }),
  }),
});

const WebAuthnDeviceRemoved = builder.objectRef<{ deviceId: string }>('WebAuthnDeviceRemoved').implement({
  fields: (t) => ({ deviceId: t.exposeID('deviceId') }),
});

const credentialArg = { description: 'The PublicKeyCredential as JSON (id, rawId, type, response{…} with base64url fields).' };

builder.queryFields((t) => ({
  myPasskeys: t.field({
    type: [WebAuthnDevice],
    description: "The acting user's passkeys.",
    authScopes: { actor: true },
    resolve: (_root, _args, ctx) => ctx.services.webauthn.passkeys(requireActingUserId(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  startWebAuthnMfaEnrollment: t.field({
    type: WebAuthnChallenge,
    description: 'Registration options for a new WebAuthn second factor of the acting user.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    resolve: (_root, _args, ctx) => ctx.services.webauthn.startMfaEnrollment(requireActingUserId(ctx)),
  }),
  verifyWebAuthnMfaEnrollment: t.field({
    type: WebAuthnMfaEnrollment,
    description: 'Verifies the attestation and enrols the device.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: {
      credential: t.arg({ type: 'JSONObject', ...credentialArg }),
      webauthnToken: t.arg.string({ required: false }),
      deviceType: t.arg.string({ required: false, description: 'Platform or CrossPlatform.' }),
    },
    resolve: (_root, args, ctx) => ctx.services.webauthn.verifyMfaEnrollment(requireActingUserId(ctx), args),
  }),
  startWebAuthnMfaDisable: t.field({
    type: WebAuthnChallenge,
    description: 'Authentication options to prove possession of the device before removing it.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { deviceId: t.arg.id() },
    resolve: (_root, { deviceId }, ctx) => ctx.services.webauthn.startMfaDisable(requireActingUserId(ctx), deviceId),
  }),
  disableWebAuthnMfa: t.field({
    type: WebAuthnDeviceRemoved,
    description: 'Removes the device after an assertion from it; the recovery codes go when no second factor is left.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { deviceId: t.arg.id(), credential: t.arg({ type: 'JSONObject', ...credentialArg }), webauthnToken: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => {
      await ctx.services.webauthn.disableMfaDevice(requireActingUserId(ctx), args);
      return { deviceId: args.deviceId };
    },
  }),
  startWebAuthnMfaLogin: t.field({
    type: WebAuthnChallenge,
    description: 'Public: authentication options for one WebAuthn device of a login that answered MfaRequired.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { mfaToken: t.arg.string(), deviceId: t.arg.id() },
    resolve: (_root, args, ctx) => ctx.services.webauthn.startMfaLogin(args),
  }),
  verifyWebAuthnMfaLogin: t.field({
    type: AuthResponse,
    description: 'Public: finishes the MFA step with an assertion from that device; starts the session and sets the refresh cookie.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: {
      mfaToken: t.arg.string(),
      deviceId: t.arg.id(),
      credential: t.arg({ type: 'JSONObject', ...credentialArg }),
      webauthnToken: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, ctx) => withCookie(ctx, await ctx.services.webauthn.verifyMfaLogin(args, ctx.client)),
  }),
  startWebAuthnEnrollmentAtLogin: t.field({
    type: WebAuthnChallenge,
    description: 'Public: registration options for a login that must enrol a second factor first.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { mfaToken: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.webauthn.startEnrollmentAtLogin(args),
  }),
  verifyWebAuthnEnrollmentAtLogin: t.field({
    type: WebAuthnEnrolledLogin,
    description: 'Public: enrols the device, finishes the login, starts the session and sets the refresh cookie.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: {
      mfaToken: t.arg.string(),
      credential: t.arg({ type: 'JSONObject', ...credentialArg }),
      webauthnToken: t.arg.string({ required: false }),
      deviceType: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const r = await ctx.services.webauthn.verifyEnrollmentAtLogin(args, ctx.client);
      withCookie(ctx, r.session);
      return r;
    },
  }),
  startPasskeyRegistration: t.field({
    type: WebAuthnChallenge,
    description: 'Registration options for a new passkey (discoverable, user-verified) of the acting user.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    resolve: (_root, _args, ctx) => ctx.services.webauthn.startPasskeyRegistration(requireActingUserId(ctx)),
  }),
  verifyPasskeyRegistration: t.field({
    type: WebAuthnDevice,
    description: 'Verifies the attestation and stores the passkey.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { credential: t.arg({ type: 'JSONObject', ...credentialArg }) },
    resolve: (_root, args, ctx) => ctx.services.webauthn.verifyPasskeyRegistration(requireActingUserId(ctx), args),
  }),
  deletePasskey: t.field({
    type: WebAuthnDeviceRemoved,
    description: "Deletes one of the acting user's passkeys.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { deviceId: t.arg.id() },
    resolve: async (_root, { deviceId }, ctx) => {
      await ctx.services.webauthn.deletePasskey(requireActingUserId(ctx), deviceId);
      return { deviceId };
    },
  }),
  startPasskeyLogin: t.field({
    type: WebAuthnChallenge,
    description: 'Public: options for a passkey login. The answer is the same for any email, known or not.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.webauthn.startPasskeyLogin(args),
  }),
  loginWithPasskey: t.field({
    type: AuthResponse,
    description: 'Public: logs in with a passkey assertion (no MFA step: the passkey verified the user); sets the refresh cookie.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { credential: t.arg({ type: 'JSONObject', ...credentialArg }) },
    resolve: async (_root, args, ctx) => withCookie(ctx, await ctx.services.webauthn.loginWithPasskey(args, ctx.client)),
  }),
}));
