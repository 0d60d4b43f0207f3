// The /graphql metrics label. Operation names are the client's to choose (unbounded series), so
// the label is the operation's root field — a set bounded by the schema — as `query.me` or
// `mutation.login`; a document selecting several root fields (or none we know) is 'graphql'.
import { Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { currentRequest } from '../platform/request-context.ts';

export function operationLabel(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): string {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op) return 'graphql';
  const fields = new Set(
    op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD && !s.name.value.startsWith('__') ? [s.name.value] : [])),
  );
  if (fields.size !== 1 || op.selectionSet.selections.some((s) => s.kind !== Kind.FIELD)) return 'graphql';
  const [field] = fields;
  const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return root?.getFields()[field!] ? `${op.operation}.${field}` : 'graphql';
}

/** Records the label on the request context; the app edge reads it when the response is counted. */
export const useOperationLabel = (): Plugin => ({
  onExecute({ args }) {
    const request = currentRequest();
    if (request) request.operation = operationLabel(args.schema, args.document, args.operationName);
  },
});
