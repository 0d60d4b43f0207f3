// The current user changes their email: a code goes to the new address, entering it swaps it.
import { builder } from '../builder.ts';
import { actingUserId } from '../../services/authorization/tenant-scope.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const EmailChangeRequested = builder.objectRef<{ accepted: boolean }>('EmailChangeRequested').implement({
  description: 'A code was sent to the new address. Says nothing about whether the address is taken.',
  fields: (t) => ({ accepted: t.exposeBoolean('accepted') }),
});

const EmailChanged = builder.objectRef<{ userId: string; email: string }>('EmailChanged').implement({
  fields: (t) => ({ userId: t.exposeID('userId'), email: t.exposeString('email') }),
});

builder.mutationFields((t) => ({
  requestEmailChange: t.field({
    type: EmailChangeRequested,
    description: "Emails a 6-digit code to `email`, the current user's intended new address.",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string() },
    resolve: (_root, { email }, ctx) => ctx.services.emailChange.request({ userId: actingUserId(ctx)!, email }),
  }),
  verifyEmailChange: t.field({
    type: EmailChanged,
    description: "Makes `email` the current user's (verified) email when `code` is the one sent to it.",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string(), code: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.emailChange.verify({ userId: actingUserId(ctx)!, ...args }),
  }),
}));
