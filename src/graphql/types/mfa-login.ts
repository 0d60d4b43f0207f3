// The second step of a login that answered MfaRequired, beyond the authenticator code of mfa.ts:
// enrolling an authenticator at login (forced MFA, no device yet), the emailed code, and whether
// the device may be remembered. All public: the mfaToken is the credential.
import type { AuthResult } from '../../services/auth/auth.service.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { AuthResponse } from './auth.ts';
import { AuthenticatorEnrollment, withMfaCookies } from './mfa.ts';

const MfaEnrolledLogin = builder.objectRef<{ auth: AuthResult; recoveryCodes: string[] }>('MfaEnrolledLogin').implement({
  description: 'An authenticator enrolled at login: the started session and the recovery codes, shown this once.',
  fields: (t) => ({
    authResponse: t.field({ type: AuthResponse, resolve: (r) => r.auth }),
    recoveryCode: t.string({ description: "The first recovery code (Frontegg's single code).", resolve: (r) => r.recoveryCodes[0]! }),
    recoveryCodes: t.exposeStringList('recoveryCodes'),
  }),
});

const MfaEmailCodeSent = builder.objectRef<{ otcToken: string }>('MfaEmailCodeSent').implement({
  description: 'The code went to the user\'s email; send it back with this otcToken and the mfaToken.',
  fields: (t) => ({ otcToken: t.exposeString('otcToken') }),
});

const RememberDeviceAllowance = builder.objectRef<{ isAllowedToRemember: boolean; mfaDeviceExpiration: number }>('RememberDeviceAllowance').implement({
  fields: (t) => ({
    isAllowedToRemember: t.exposeBoolean('isAllowedToRemember'),
    mfaDeviceExpiration: t.exposeInt('mfaDeviceExpiration', { description: 'Seconds a remembered device skips MFA (0 when not allowed).' }),
  }),
});

const EnrollAtLoginVerifyInput = builder.inputType('MfaEnrollAtLoginVerifyInput', {
  fields: (t) => ({
    mfaToken: t.string(),
    token: t.string({ description: 'The first code the authenticator app shows.' }),
    rememberDevice: t.boolean({ required: false }),
  }),
});

const EmailCodeVerifyInput = builder.inputType('MfaEmailCodeVerifyInput', {
  fields: (t) => ({
    mfaToken: t.string(),
    otcToken: t.string({ required: false, description: 'From requestMfaEmailCode.' }),
    code: t.string({ required: false, description: 'The emailed 6-digit code (may be sent in otcToken alone).' }),
    rememberDevice: t.boolean({ required: false }),
  }),
});

builder.queryFields((t) => ({
  mfaRememberDeviceAllowance: t.field({
    type: RememberDeviceAllowance,
    description: "Whether the pending login's user may remember this device (the MFA policy), and for how long.",
    args: { mfaToken: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.mfaLogin.allowRememberDevice(args),
  }),
}));

builder.mutationFields((t) => ({
  enrollAuthenticatorMfaAtLogin: t.field({
    type: AuthenticatorEnrollment,
    description: 'Forced MFA, no device yet (mfaEnrolled false): starts authenticator enrolment for the pending login.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { mfaToken: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.mfaLogin.enrollAuthenticator(args),
  }),
  verifyAuthenticatorMfaEnrollmentAtLogin: t.field({
    type: MfaEnrolledLogin,
    description: 'Confirms the enrolment with a first code, enrols the device and completes the login (refresh cookie set).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: EnrollAtLoginVerifyInput }) },
    resolve: async (_root, { input }, ctx) => {
      const r = await ctx.services.mfaLogin.verifyAuthenticatorEnrollment(input, ctx.client);
      withMfaCookies(ctx, r);
      return r;
    },
  }),
  requestMfaEmailCode: t.field({
    type: MfaEmailCodeSent,
    description: "Emails a 6-digit code for the pending login (when the EmailCode strategy is enabled); valid 10 minutes, 5 tries, once.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { mfaToken: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.mfaLogin.requestEmailCode(args, ctx.client),
  }),
  verifyMfaEmailCode: t.field({
    type: AuthResponse,
    description: 'Completes the pending login with the emailed code and sets the refresh cookie.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: EmailCodeVerifyInput }) },
    resolve: async (_root, { input }, ctx) => withMfaCookies(ctx, await ctx.services.mfaLogin.verifyEmailCode(input, ctx.client)),
  }),
}));
