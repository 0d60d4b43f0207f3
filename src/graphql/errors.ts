// Errors belong in the schema (pothos plugin-errors "recommended usage"): an Error interface
// and one object type per domain error class; mutations return unions of their result and these.
import { ERROR_CLASSES, RateLimitedError, type DomainError } from '../errors/domain-errors.ts';
import { builder } from './builder.ts';

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'A failure the caller can act on. `code` is stable (see the error-code table); `message` is for people.',
  fields: (t) => ({
    code: t.string({ resolve: (e) => e.code }),
    message: t.exposeString('message'),
  }),
});

// Transport-level (RequestError) and masked (InternalError) failures never reach a resolver result.
const { RequestError: _request, InternalError: _internal, ...schemaErrors } = ERROR_CLASSES;
const exposed = Object.values(schemaErrors);

for (const cls of exposed) {
  if (cls === RateLimitedError) continue;
  builder.objectType(cls, {
    name: cls.name,
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof cls,
  });
}

builder.objectType(RateLimitedError, {
  name: 'RateLimitedError',
  description: 'Too many attempts or messages; the same answer whether or not the account exists.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof RateLimitedError,
  fields: (t) => ({
    retryAfter: t.int({ description: 'Seconds until the call may be tried again (REST: the Retry-After header).', resolve: (e) => e.retryAfter }),
  }),
});

/** The error types every mutation can answer with. */
export const MUTATION_ERRORS = [...exposed];
