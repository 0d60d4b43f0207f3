// SMS as a second factor: self-service enrolment and disabling, and the SMS step of a login
// (the mfaToken of a MfaRequired answer). Completing a login answers the session with the cookie.
import { builder } from '../builder.ts';
import { requireActingUserId } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { AuthResponse, withCookie } from './auth.ts';
import { SmsCodeSent, SmsDone } from './sms.ts';

const SmsMfaEnrolled = builder.objectRef<{ deviceId: string }>('SmsMfaEnrolled').implement({
  fields: (t) => ({ deviceId: t.exposeID('deviceId') }),
});


builder.mutationFields((t) => ({
  enrollSmsMfa: t.field({
    type: SmsCodeSent,
    description: 'Starts SMS MFA enrolment for the acting user: sends a code to the number.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { phoneNumber: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.smsMfa.enroll(requireActingUserId(ctx), args),
  }),
  verifySmsMfaEnrollment: t.field({
    type: SmsMfaEnrolled,
    description: 'Confirms SMS MFA enrolment with the code.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { otcToken: t.arg.string(), code: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.smsMfa.verifyEnrollment(requireActingUserId(ctx), args),
  }),
  requestSmsMfaDisable: t.field({
    type: SmsCodeSent,
    description: "Sends a code to an SMS device's phone to confirm disabling it.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { deviceId: t.arg.id() },
    resolve: (_root, { deviceId }, ctx) => ctx.services.smsMfa.requestDisable(requireActingUserId(ctx), deviceId),
  }),
  verifySmsMfaDisable: t.field({
    type: SmsDone,
    description: 'Disables an SMS device with the code sent to it.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { deviceId: t.arg.id(), otcToken: t.arg.string(), code: t.arg.string() },
    resolve: async (_root, { deviceId, ...code }, ctx) => ({ done: await ctx.services.smsMfa.verifyDisable(requireActingUserId(ctx), deviceId, code) }),
  }),
  requestSmsMfaLoginCode: t.field({
    type: SmsCodeSent,
    description: 'Login step: sends a code to one of the user\'s SMS devices (mfaToken from MfaRequired).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { mfaToken: t.arg.string(), deviceId: t.arg.id() },
    resolve: (_root, args, ctx) => ctx.services.smsMfa.requestLoginCode(args, ctx.client),
  }),
  verifySmsMfaLogin: t.field({
    type: AuthResponse,
    description: 'Login step: completes the login with the SMS code; starts the session and sets the refresh cookie.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { mfaToken: t.arg.string(), deviceId: t.arg.id(), otcToken: t.arg.string(), code: t.arg.string() },
    resolve: async (_root, args, ctx) => withCookie(ctx, await ctx.services.smsMfa.verifyLogin(args, ctx.client)),
  }),
  enrollSmsMfaAtLogin: t.field({
    type: SmsCodeSent,
    description: 'Login step for a user who must enrol MFA first (an enrol-at-login mfaToken only): sends a code to the number.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { mfaToken: t.arg.string(), phoneNumber: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.smsMfa.enrollAtLogin(args, ctx.client),
  }),
  verifySmsMfaEnrollmentAtLogin: t.field({
    type: AuthResponse,
    description: 'Login step: confirms the SMS device with the code and starts the session (refresh cookie set).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { mfaToken: t.arg.string(), otcToken: t.arg.string(), code: t.arg.string() },
    resolve: async (_root, args, ctx) => withCookie(ctx, await ctx.services.smsMfa.verifyEnrollAtLogin(args, ctx.client)),
  }),
}));
