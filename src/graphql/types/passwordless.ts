// Passwordless login by email: magic link and one-time code. The login mutations answer the same
// LoginResult as password login (a session with the refresh cookie, or the MFA step).
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { LoginResult, loginOutcome } from './auth.ts';

const LoginEmailSent = builder.objectRef<{ accepted: boolean }>('LoginEmailSent').implement({
  description: 'The request was taken. Says nothing about whether the address is known (mail goes only to known ones).',
  fields: (t) => ({ accepted: t.exposeBoolean('accepted') }),
});

builder.mutationFields((t) => ({
  requestMagicLink: t.field({
    type: LoginEmailSent,
    description: 'Public: emails a 15-minute single-use login link to this address. Unknown addresses answer the same (and get no mail).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.passwordless.requestMagicLink(args, ctx.client),
  }),
  loginWithMagicLink: t.field({
    type: LoginResult,
    description: 'Public: logs in with the token of a magic link (once). With a verified authenticator the answer is MfaRequired (no tokens, no cookie).',
    args: { token: t.arg.string() },
    resolve: (_root, args, ctx) => loginOutcome(ctx, () => ctx.services.passwordless.loginWithMagicLink(args, ctx.client)),
  }),
  requestLoginCode: t.field({
    type: LoginEmailSent,
    description: 'Public: emails a 10-minute 6-digit login code to this address. Unknown addresses answer the same (and get no mail).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.passwordless.requestLoginCode(args, ctx.client),
  }),
  loginWithCode: t.field({
    type: LoginResult,
    description: 'Public: logs in with an emailed code. Five tries per code, the right one included; then it is dead. May answer MfaRequired.',
    args: { email: t.arg.string(), code: t.arg.string() },
    resolve: (_root, args, ctx) => loginOutcome(ctx, () => ctx.services.passwordless.loginWithCode(args, ctx.client)),
  }),
}));
