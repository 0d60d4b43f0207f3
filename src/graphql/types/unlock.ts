// Self-service unlock with the token emailed when lockout locked the account. No bearer: a locked
// user cannot log in.
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';

builder.mutationFields((t) => ({
  unlockMe: t.boolean({
    description: 'Unlocks the account the emailed unlock token was sent for (single use).',
    errors: { types: MUTATION_ERRORS },
    args: { token: t.arg.string() },
    resolve: (_root, { token }, ctx) => ctx.services.unlock.unlockWithToken({ token }, ctx.client),
  }),
}));
