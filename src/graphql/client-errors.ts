// GraphQL errors that wrap another error yet are the client's fault, so the mask must not turn
// them into internal_error: a variable graphql-js could not coerce (an Int beyond 32 bits — the
// scalar's own GraphQLError or TypeError becomes originalError), and Pothos refusing paging
// arguments (`first` with `before`, a malformed cursor) with a PothosValidationError. Both keep
// their message, which names the argument and never shows internals, and answer validation_failed.
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';

export function clientGraphQLError(error: unknown): GraphQLError | null {
  if (!(error instanceof GraphQLError)) return null;
  const original = error.originalError;
  // No path: raised before any resolver ran, i.e. while coercing the request's variables.
  const coercion = !error.path && error.message.startsWith('Variable "$');
  if (!coercion && !(original instanceof PothosValidationError)) return null;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    path: error.path,
    extensions: { ...error.extensions, code: 'validation_failed', ...(coercion ? { http: { status: 400 } } : {}) },
  });
}
