// Documents generated from the built GraphQL schema, so a new field joins the security tests by
// existing: which root fields select a tenant, a selection set for any return type, and
// argument values drawn from the caller's fixtures.
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/** Argument and input-field names that pick the tenant a call acts in. */
export const TENANT_SELECTORS = new Set(['tenantId', 'tenantIds', 'rootId', 'parentTenantId']);

/** Whether an argument (or an input object it takes, two levels deep) names a tenant. */
function selectsTenant(name: string, type: GraphQLInputType, depth = 0): boolean {
  if (TENANT_SELECTORS.has(name)) return true;
  const named = getNamedType(type);
  if (depth > 1 || !isInputObjectType(named)) return false;
  return Object.values(named.getFields()).some((f) => selectsTenant(f.name, f.type, depth + 1));
}

export interface RootField {
  operation: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  tenantArgs: boolean;
}

export function rootFields(schema: GraphQLSchema): RootField[] {
  const out: RootField[] = [];
  for (const [operation, type] of [['query', schema.getQueryType()], ['mutation', schema.getMutationType()]] as const) {
    for (const field of Object.values(type!.getFields())) {
      out.push({ operation, field, tenantArgs: field.args.some((a) => selectsTenant(a.name, a.type)) });
    }
  }
  return out;
}

/**
 * A selection set reading every argument-free field down to `depth` object levels (unions and
 * interfaces through inline fragments), or '' for a leaf type.
 */
export function selection(type: GraphQLOutputType | GraphQLNamedType, depth: number): string {
  const named = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if (isUnionType(named)) {
    return `{ __typename ${named
      .getTypes()
      .map((m) => `... on ${m.name} ${selection(m, depth)}`)
      .join(' ')} }`;
  }
  if (isObjectType(named) || isInterfaceType(named)) {
    const parts = ['__typename'];
    for (const f of Object.values(named.getFields())) {
      if (f.args.some((a) => isNonNullType(a.type))) continue;
      const leaf = getNamedType(f.type);
      if (isScalarType(leaf) || isEnumType(leaf)) parts.push(f.name);
      else if (depth > 0) parts.push(`${f.name} ${selection(f.type, depth - 1)}`);
    }
    return `{ ${parts.join(' ')} }`;
  }
  return '';
}

/** Values for arguments: `pick(name, scalarTypeName)` answers ids and strings by name. */
export type Pick = (argName: string, scalar: string) => unknown;

function valueFor(name: string, type: GraphQLInputType, pick: Pick, depth: number): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const v = valueFor(name, inner.ofType, pick, depth);
    return Array.isArray(v) ? v : [v];
  }
  if (isEnumType(inner)) return inner.getValues()[0]!.value;
  if (isInputObjectType(inner)) {
    const obj: Record<string, unknown> = {};
    if (depth > 3) return obj;
    for (const f of Object.values(inner.getFields())) {
      if (isNonNullType(f.type) || selectsTenant(f.name, f.type, 1)) obj[f.name] = valueFor(f.name, f.type, pick, depth + 1);
    }
    return obj;
  }
  return pick(name, (inner as { name: string }).name);
}

/** Variables for the required and tenant-selecting arguments of a field. */
function argumentsOf(field: GraphQLField<unknown, unknown>, pick: Pick) {
  const used: GraphQLArgument[] = field.args.filter((a) => isNonNullType(a.type) || selectsTenant(a.name, a.type));
  const variables: Record<string, unknown> = {};
  for (const a of used) variables[a.name] = valueFor(a.name, a.type, pick, 0);
  return { used, variables };
}

/** One operation calling the root field with generated arguments and a `depth`-deep selection. */
export function documentFor(root: RootField, pick: Pick, depth: number) {
  const { used, variables } = argumentsOf(root.field, pick);
  const defs = used.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = used.map((a) => `${a.name}: $${a.name}`).join(', ');
  const source = `${root.operation} Probe${defs ? `(${defs})` : ''} { ${root.field.name}${args ? `(${args})` : ''} ${selection(root.field.type, depth)} }`;
  return { source, variables };
}
