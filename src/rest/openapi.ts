// The OpenAPI 3.1 document of the REST layer, generated from the route table only (one route
// definition drives routing, validation, execution and this document). Each route is documented
// once, under its service's canonical prefix; the other prefixes are stated in info.description.
// Output is deterministic (paths, methods, parameters and tags sorted) so schema/openapi.json
// can be committed and checked for drift (test/contract/openapi.test.ts).
import { z } from 'zod';
import { SERVICE_PREFIXES, type HttpMethod, type RouteDefinition, type Service } from './define-route.ts';

export type JsonSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
  style?: string;
  explode?: boolean;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string }>;
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, unknown> };
}

const ERROR_SCHEMA = 'FronteggError';
const ERROR_RESPONSE = 'FronteggError';
const METHOD_ORDER: readonly HttpMethod[] = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];
const byKey = <T>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
const sortedObject = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(byKey));

/** The canonical path of a route: its service's first prefix (/identity, /tenants, /auth) + its path. */
export const canonicalPath = (route: Pick<RouteDefinition, 'service' | 'path'>) => `${SERVICE_PREFIXES[route.service][0]}${route.path}`;

const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
const words = (s: string) => s.split(/[^A-Za-z0-9]+/).filter(Boolean).map(capitalize).join('');

/**
 * A deterministic operationId from the method and the canonical path:
 * GET /identity/resources/users/v1/{id} → getIdentityResourcesUsersV1ById.
 */
export function operationId(method: HttpMethod, path: string): string {
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((seg) => {
      const param = /^\{(.+)\}$/.exec(seg)?.[1];
      return param ? `By${words(param)}` : words(seg);
    });
  return method.toLowerCase() + parts.join('');
}

/**
 * zod → JSON Schema (2020-12, which OpenAPI 3.1 uses). `$schema` is dropped. References that only
 * make sense in a standalone schema are moved into components.schemas (named after the operation)
 * and rewritten: `$defs` (reused or recursive schemas) and `#` (a schema that refers to itself).
 */
function toSchema(schema: z.ZodType, io: 'input' | 'output', name: string, components: Record<string, JsonSchema>): JsonSchema {
  const { $schema: _ignored, $defs, ...root } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  const ref = (component: string) => `#/components/schemas/${component}`;
  let selfReferenced = false;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k !== '$ref' || typeof v !== 'string') return [k, rewrite(v)];
        if (v === '#') {
          selfReferenced = true;
          return [k, ref(name)];
        }
        return [k, v.startsWith('#/$defs/') ? ref(`${name}_${v.slice('#/$defs/'.length)}`) : v];
      }),
    );
  };
  const define = (component: string, def: JsonSchema) => {
    if (components[component]) throw new Error(`openapi: schema component ${component} defined twice`);
    components[component] = def;
  };
  for (const [def, s] of Object.entries($defs ?? {})) define(`${name}_${def}`, rewrite(s) as JsonSchema);
  const out = rewrite(root) as JsonSchema;
  if (!selfReferenced) return out;
  define(name, out);
  return { $ref: ref(name) };
}

interface ObjectSchema {
  properties: Record<string, JsonSchema>;
  required: string[];
}

/** The properties of an object schema (or null when the schema is not a plain object). */
function objectProperties(schema: JsonSchema): ObjectSchema | null {
  if (schema.type !== 'object' || !schema.properties || typeof schema.properties !== 'object') return null;
  return { properties: schema.properties as Record<string, JsonSchema>, required: (schema.required as string[] | undefined) ?? [] };
}

function parameters(route: RouteDefinition, opId: string, components: Record<string, JsonSchema>): OpenApiParameter[] {
  const out: OpenApiParameter[] = [];

  // Path: every {name} of the path, in path order; the schema from `params` when it declares it.
  const declared = route.params ? objectProperties(toSchema(route.params, 'input', `${opId}_params`, components)) : null;
  for (const m of route.path.matchAll(/\{(\w+)\}/g)) {
    const name = m[1]!;
    out.push({ name, in: 'path', required: true, schema: declared?.properties[name] ?? { type: 'string' } });
  }

  // Headers and query: one parameter per property, sorted by name.
  const expand = (where: 'header' | 'query', schema: z.ZodType | undefined) => {
    if (!schema) return;
    const json = toSchema(schema, 'input', `${opId}_${where}`, components);
    const obj = objectProperties(json);
    if (!obj) {
      // Not a plain object: one form-exploded parameter carrying the whole schema.
      out.push({ name: where, in: where, required: !schema.safeParse(undefined).success, schema: json, style: 'form', explode: true });
      return;
    }
    for (const [name, s] of Object.entries(obj.properties).sort(byKey)) {
      out.push({ name, in: where, required: obj.required.includes(name), schema: s });
    }
  };
  expand('header', route.headers);
  expand('query', route.query);
  return out;
}

function operation(route: RouteDefinition, path: string, components: Record<string, JsonSchema>): OpenApiOperation {
  const opId = operationId(route.method, path);
  const params = parameters(route, opId, components);
  const body = route.body;
  return {
    operationId: opId,
    summary: route.summary,
    tags: [...(route.tags ?? [])].sort(),
    ...(params.length ? { parameters: params } : {}),
    ...(body
      ? {
          requestBody: {
            // Optional when the schema accepts no body: execute.ts validates a missing body as `{}`.
            required: ![undefined, {}].some((v) => body.safeParse(v).success),
            content: { 'application/json': { schema: toSchema(body, 'input', `${opId}_body`, components) } },
          },
        }
      : {}),
    responses: {
      [String(route.status)]: {
        description: route.summary,
        content: route.contentType
          ? { [route.contentType]: { schema: { type: 'string' } } }
          : {
              'application/json': {
                // Without a declared responseSchema: any JSON value (some Frontegg answers are arrays).
                schema: route.responseSchema ? toSchema(route.responseSchema, 'output', `${opId}_response`, components) : {},
              },
            },
      },
      '4XX': { $ref: `#/components/responses/${ERROR_RESPONSE}` },
    },
  };
}

function describePrefixes(): string {
  const lines = (Object.entries(SERVICE_PREFIXES) as Array<[Service, readonly string[]]>)
    .sort(byKey)
    .map(([, [canonical, ...aliases]]) => `- \`${canonical}/...\` is also served under ${aliases.map((a) => `\`${a}/...\``).join(', ')}`);
  return [
    "Gatehouse's REST layer: Frontegg's documented paths, generated from the route table.",
    '',
    'Each route is documented once, under its canonical prefix. Every path is also served under the',
    "`/frontegg/...` prefix that Frontegg's browser clients call:",
    '',
    ...lines,
    '',
    'Errors use Frontegg\'s body: `{"errors": ["message"], "errorCode": "..."}`.',
  ].join('\n');
}

export function buildOpenApi(routes: readonly RouteDefinition[]): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>> = {};
  const tags = new Set<string>();
  const operationIds = new Set<string>();

  const sorted = [...routes].sort((a, b) => {
    const [pa, pb] = [canonicalPath(a), canonicalPath(b)];
    return pa < pb ? -1 : pa > pb ? 1 : METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method);
  });
  for (const route of sorted) {
    const path = canonicalPath(route);
    const item = (paths[path] ??= {});
    const method = route.method.toLowerCase() as Lowercase<HttpMethod>;
    if (item[method]) throw new Error(`openapi: duplicate route ${route.method} ${path}`);
    const op = operation(route, path, schemas);
    if (operationIds.has(op.operationId)) throw new Error(`openapi: duplicate operationId ${op.operationId} (${route.method} ${path})`);
    operationIds.add(op.operationId);
    for (const tag of op.tags) tags.add(tag);
    item[method] = op;
  }

  schemas[ERROR_SCHEMA] = {
    type: 'object',
    description: "Frontegg's error body.",
    properties: {
      errors: { type: 'array', items: { type: 'string' }, description: 'Human-readable messages.' },
      errorCode: { type: 'string', description: 'Stable snake_case code (src/errors/codes.ts).' },
    },
    required: ['errors'],
  };

  return {
    openapi: '3.1.0',
    info: { title: 'Gatehouse REST API', version: '0.1.0', description: describePrefixes() },
    tags: [...tags].sort().map((name) => ({ name })),
    paths: sortedObject(paths),
    components: {
      schemas: sortedObject(schemas),
      responses: {
        [ERROR_RESPONSE]: {
          description: 'Client error (validation, authentication, authorization, not found, conflict, ...).',
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } },
        },
      },
    },
  };
}
