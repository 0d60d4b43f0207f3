// Input no resolver should ever see, refused once for every operation (and so for every REST route,
// which runs its document through this pipeline) before anything executes:
//   - a NUL byte in any string, in the variables or as a literal in the document: PostgreSQL cannot
//     store it (SQLSTATE 22021), so it would surface as a 500 from whichever query met it first;
//   - an empty (or blank) ID: it names nothing, and `tenantId: ""` otherwise reads as "given" to
//     one check and as "absent" to the next (`""` is falsy), which is how it reached a query.
// Both are answered as validation_failed with HTTP 400.
import {
  getNamedType,
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  BREAK,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { findNulByte, NUL_BYTE_MESSAGE } from '../platform/input-text.ts';

const EMPTY_ID_MESSAGE = 'must not be empty';

const invalid = (where: string, message: string) =>
  new GraphQLError(`${where}: ${message}`, { extensions: { code: 'validation_failed', http: { status: 400 } } });

const isBlank = (v: unknown) => typeof v === 'string' && v.trim() === '';

/** The path of the first blank value typed ID in `value` (of GraphQL input type `type`). */
function findEmptyId(type: GraphQLInputType, value: unknown, path: string[], depth = 0): string[] | null {
  if (value === null || value === undefined || depth > 32) return null;
  if (isNonNullType(type)) return findEmptyId(type.ofType, value, path, depth);
  if (isListType(type)) {
    const items = Array.isArray(value) ? value : [value];
    for (let i = 0; i < items.length; i++) {
      const found = findEmptyId(type.ofType, items[i], [...path, String(i)], depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object' || Array.isArray(value)) return null;
    for (const field of Object.values(type.getFields())) {
      const found = findEmptyId(field.type, (value as Record<string, unknown>)[field.name], [...path, field.name], depth + 1);
      if (found) return found;
    }
    return null;
  }
  return type.name === 'ID' && isBlank(value) ? path : null;
}

/** Literals in the document: a NUL in any string, a blank string where an ID goes. */
function checkLiterals(schema: GraphQLSchema, document: DocumentNode): GraphQLError | null {
  let error: GraphQLError | null = null;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      StringValue(node) {
        if (node.value.includes('\u0000')) error = invalid('A string literal', NUL_BYTE_MESSAGE);
        else if (getNamedType(typeInfo.getInputType())?.name === 'ID' && isBlank(node.value)) error = invalid('An ID literal', EMPTY_ID_MESSAGE);
        return error ? BREAK : undefined;
      },
    }),
  );
  return error;
}

function checkVariables(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): GraphQLError | null {
  for (const def of document.definitions) {
    if (def.kind !== 'OperationDefinition' || (operationName && def.name?.value !== operationName)) continue;
    for (const v of def.variableDefinitions ?? []) {
      const type = typeFromAST(schema, v.type) as GraphQLInputType | undefined;
      const found = type && findEmptyId(type, variables[v.variable.name.value], [`$${v.variable.name.value}`]);
      if (found) return invalid(found.join('.'), EMPTY_ID_MESSAGE);
    }
  }
  return null;
}

// In onExecute (not as a validation rule) so the answer is an HTTP 400 on /graphql too: yoga
// answers validation errors 200 to application/json clients, as GraphQL over HTTP allows.
export const useInputGuard = (): Plugin => ({
  onExecute({ args, setResultAndStopExecution }) {
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const nul = findNulByte(variables, ['variables']);
    const error =
      (nul && invalid(nul.join('.'), NUL_BYTE_MESSAGE)) ??
      checkLiterals(args.schema, args.document) ??
      checkVariables(args.schema, args.document, args.operationName, variables);
    if (error) setResultAndStopExecution({ errors: [error] });
  },
});
