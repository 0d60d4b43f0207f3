// Abuse limits (vendor only): what applies now, and runtime overrides of the server's values.
import { RATE_LIMIT_NAMES } from '../../platform/rate-limit.ts';
import type { RateLimitView } from '../../services/security/throttle.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const RateLimitName = builder.enumType('RateLimitName', {
  description: 'A limit; its environment variable is GATEHOUSE_RATE_LIMIT_<name> (see the README for each one).',
  values: RATE_LIMIT_NAMES,
});

const RateLimitSource = builder.enumType('RateLimitSource', {
  values: { SERVER: { description: 'Environment or built-in default.' }, VENDOR: { description: 'Set at runtime with setRateLimits.' } },
});

const RateLimit = builder.objectRef<RateLimitView>('RateLimit').implement({
  description: 'At most `points` per `windowSeconds` for each key the limit counts (an IP, an account, a recipient).',
  fields: (t) => ({
    name: t.field({ type: RateLimitName, resolve: (l) => l.name }),
    points: t.exposeInt('points', { description: '0: the limit is off.' }),
    windowSeconds: t.exposeInt('windowSeconds'),
    enabled: t.exposeBoolean('enabled', { description: 'False when points is 0 or GATEHOUSE_RATE_LIMITS=off.' }),
    source: t.field({ type: RateLimitSource, resolve: (l) => l.source }),
  }),
});

const RateLimitInput = builder.inputType('RateLimitInput', {
  fields: (t) => ({
    name: t.field({ type: RateLimitName }),
    points: t.int({ required: false, description: 'null: back to the server value; 0: off.' }),
    windowSeconds: t.int({ required: false, description: 'Defaults to the current window.' }),
  }),
});

builder.queryFields((t) => ({
  rateLimits: t.field({
    type: [RateLimit],
    description: 'Vendor only: every abuse limit as it applies now.',
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.throttle.limits(),
  }),
}));

builder.mutationFields((t) => ({
  setRateLimits: t.field({
    type: [RateLimit],
    description: 'Vendor only: overrides abuse limits at runtime (counters of a changed limit start afresh).',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: false },
    args: { limits: t.arg({ type: [RateLimitInput] }) },
    resolve: (_root, { limits }, ctx) => ctx.services.throttle.setLimits(limits),
  }),
}));
