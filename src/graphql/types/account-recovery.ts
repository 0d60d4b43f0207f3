// Emailed one-time links: forgot password and account activation. Requests answer alike for
// known and unknown addresses; activation starts a session and sets the refresh cookie.
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { AuthResponse, withCookie } from './auth.ts';

const RequestAccepted = builder.objectRef<{ accepted: boolean }>('RequestAccepted').implement({
  description: 'The request was taken. Says nothing about whether the address is known (mail goes only to known ones).',
  fields: (t) => ({ accepted: t.exposeBoolean('accepted') }),
});

const ResetPasswordPayload = builder.objectRef<{ userId: string; revokedSessions: number }>('ResetPasswordPayload').implement({
  fields: (t) => ({
    userId: t.exposeID('userId'),
    revokedSessions: t.exposeInt('revokedSessions', { description: "How many of the user's sessions were ended." }),
  }),
});

const TokenValidity = builder.objectRef<{ valid: boolean }>('TokenValidity').implement({
  description: 'Only ever true: an unusable token is an error.',
  fields: (t) => ({ valid: t.exposeBoolean('valid') }),
});

const AccountLink = builder.objectRef<{ userId: string; token: string; link: string }>('AccountLink').implement({
  description: 'A one-time link the vendor delivers itself (nothing is emailed).',
  fields: (t) => ({ userId: t.exposeID('userId'), token: t.exposeString('token'), link: t.exposeString('link') }),
});

const ActivationStrategy = builder.objectRef<{ shouldSetPassword: boolean }>('ActivationStrategy').implement({
  fields: (t) => ({ shouldSetPassword: t.exposeBoolean('shouldSetPassword', { description: 'The user has no password: activateUser needs one.' }) }),
});

builder.queryFields((t) => ({
  activationStrategy: t.field({
    type: ActivationStrategy,
    description: 'Public: whether activating with this link needs a password. An unusable link is an error (and counts as an attempt).',
    args: { userId: t.arg.id(), token: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.activation.strategy(args),
  }),
}));

builder.mutationFields((t) => ({
  requestPasswordReset: t.field({
    type: RequestAccepted,
    description: 'Public: emails a one-hour reset link to the user with this email (or username). Unknown identifiers answer the same.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: {
      identifier: t.arg.string(),
      identifierType: t.arg.string({ required: false, description: 'email (default) or username; phoneNumber (SMS) is not implemented.' }),
    },
    resolve: (_root, args, ctx) => ctx.services.passwordReset.request(args, ctx.client),
  }),
  validatePasswordResetToken: t.field({
    type: TokenValidity,
    description: 'Public: checks a reset link before asking for the new password (a wrong token counts as an attempt).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), token: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.passwordReset.validate(args, ctx.client),
  }),
  resetPassword: t.field({
    type: ResetPasswordPayload,
    description: "Public: sets a new password through a reset link (policy and history apply), ends all the user's sessions and lifts a lockout.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), token: t.arg.string(), password: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.passwordReset.reset(args, ctx.client),
  }),
  generatePasswordResetLink: t.field({
    type: AccountLink,
    description: 'Vendor only: a reset link for the user, returned instead of emailed.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id() },
    resolve: (_root, { userId }, ctx) => ctx.services.passwordReset.generateLink(userId),
  }),
  activateUser: t.field({
    type: AuthResponse,
    description: 'Public: activates through the emailed link (verifies the email, sets the password if the user has none) and logs in.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), token: t.arg.string(), password: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => withCookie(ctx, await ctx.services.activation.activate(args, ctx.client)),
  }),
  resendActivationEmail: t.field({
    type: RequestAccepted,
    description: 'Public: emails a fresh activation link to an unverified user. Unknown or verified addresses answer the same.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.activation.resend(args, ctx.client),
  }),
  generateActivationLink: t.field({
    type: AccountLink,
    description: 'Vendor only: an activation link for the user, returned instead of emailed.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id() },
    resolve: (_root, { userId }, ctx) => ctx.services.activation.generateLink(userId),
  }),
}));
