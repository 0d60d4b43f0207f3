// Runs a route: parse and validate the HTTP request, run the route's GraphQL document through
// the same yoga pipeline as /graphql (same context, scopes, limits, masking), then map the
// result or error to Frontegg's shape and status through the one error-code table.
import { print, type DocumentNode } from 'graphql';
import type { z } from 'zod';
import { isErrorCode, type ErrorCode } from '../errors/codes.ts';
import type { GraphQLHandler, InternalParams } from '../graphql/yoga.ts';
import { findNulByte, NUL_BYTE_MESSAGE } from '../platform/input-text.ts';
import type { RouteDefinition, RouteInput } from './define-route.ts';
import { errorResponse } from './errors.ts';

const printed = new WeakMap<DocumentNode, { query: string; operationName?: string }>();
function source(doc: DocumentNode) {
  let s = printed.get(doc);
  if (!s) {
    const op = doc.definitions.find((d) => d.kind === 'OperationDefinition');
    s = { query: print(doc), operationName: op && 'name' in op ? op.name?.value : undefined };
    printed.set(doc, s);
  }
  return s;
}

class RequestFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
  ) {
    super(message);
  }
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  // Before the schema: a NUL would otherwise pass any z.string() and fail in PostgreSQL as a 500.
  const nul = findNulByte(value, [where]);
  if (nul) throw new RequestFailure('validation_failed', `${nul.join('.')}: ${NUL_BYTE_MESSAGE}`);
  if (!schema) return value as T;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const detail = r.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ');
  throw new RequestFailure('validation_failed', detail);
}

async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new RequestFailure('request_too_large');
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw new RequestFailure('request_too_large');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestFailure('request_malformed_json');
  }
}

/** Headers forwarded to the GraphQL request: everything the context reads, never hop-by-hop ones. */
const FORWARDED = ['authorization', 'x-access-token', 'cookie', 'user-agent', 'x-forwarded-for', 'x-real-ip', 'frontegg-tenant-id', 'frontegg-user-id', 'frontegg-vendor-host'];

export interface ExecuteOptions {
  yoga: GraphQLHandler;
  maxBodyBytes: number;
  /** The client's address as the app edge resolved it (see platform/client-ip.ts). */
  clientIp: string | null;
}

export async function executeRoute(
  route: RouteDefinition,
  request: Request,
  params: Record<string, string>,
  o: ExecuteOptions,
): Promise<Response> {
  const traceId = crypto.randomUUID();
  const traceHeader = { 'frontegg-trace-id': traceId };
  let input: RouteInput<unknown, unknown, unknown>;
  try {
    const url = new URL(request.url);
    const rawQuery = Object.fromEntries(url.searchParams.entries());
    // Frontegg sends bodies on some DELETEs (remove roles/users from a group): read them where the route declares one.
    const rawBody = request.method === 'GET' || (request.method === 'DELETE' && !route.body) ? undefined : await readJson(request, o.maxBodyBytes);
    input = {
      params: validate(route.params, params, 'params'),
      query: validate(route.query, rawQuery, 'query'),
      // An absent body is an empty object (Frontegg's clients omit it on some POSTs); a JSON `null`
      // is not, and only a route whose schema says `.nullish()` accepts it.
      body: validate(route.body, rawBody === undefined && route.body ? {} : rawBody, 'body'),
      headers: request.headers,
    };
  } catch (error) {
    if (error instanceof RequestFailure) return errorResponse(error.code, error.message || undefined, traceHeader);
    throw error;
  }

  const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
  for (const name of FORWARDED) {
    const v = request.headers.get(name);
    if (v !== null) headers.set(name, v);
  }
  const { query, operationName } = source(route.document);
  const gqlRequest = new o.yoga.fetchAPI.Request('http://gatehouse.internal/graphql', { method: 'POST', headers });
  const context: InternalParams = { clientIp: o.clientIp, gatehouseParams: { query, operationName, variables: route.variables(input) as Record<string, unknown> | undefined } };
  const gqlResponse = await o.yoga.handleRequest(gqlRequest, context as Parameters<GraphQLHandler['handleRequest']>[1]);
  const payload = (await gqlResponse.json()) as { data?: unknown; errors?: Array<{ message: string; path?: unknown; extensions?: { code?: unknown; retryAfter?: unknown } }> };

  const responseHeaders = new Headers(traceHeader);
  for (const cookie of gqlResponse.headers.getSetCookie()) responseHeaders.append('set-cookie', cookie);

  const firstError = payload.errors?.[0];
  // A throttled call (rate_limited) says when to come back, as a query error or a union member.
  const retryAfter = (value: unknown) => {
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) responseHeaders.set('retry-after', String(value));
  };
  if (firstError) {
    const code = firstError.extensions?.code;
    retryAfter(firstError.extensions?.retryAfter);
    if (isErrorCode(code)) return errorResponse(code, firstError.message, responseHeaders);
    // An error without a code and without a path is graphql-js refusing the request before any
    // resolver ran: the route's document is fixed, so that is a variable the route mapped from the
    // client's input failing coercion (an Int beyond 32 bits, an unknown enum value) — bad input.
    if (!firstError.path) return errorResponse('validation_failed', firstError.message, responseHeaders);
    return errorResponse('internal_error', undefined, responseHeaders);
  }
  const result = route.result(payload.data);
  if (result && typeof result === 'object' && '__typename' in result && 'code' in result && isErrorCode(result.code)) {
    retryAfter((result as { retryAfter?: unknown }).retryAfter);
    return errorResponse(result.code, String((result as { message?: unknown }).message ?? ''), responseHeaders);
  }
  if (result === null || result === undefined) return errorResponse(route.notFound ?? 'route_not_found', undefined, responseHeaders);
  const body = route.response(result, input);
  if (route.contentType) {
    responseHeaders.set('content-type', route.contentType);
    return new Response(String(body), { status: route.status, headers: responseHeaders });
  }
  const parsed = route.responseSchema ? route.responseSchema.parse(body) : body;
  responseHeaders.set('content-type', 'application/json');
  return new Response(route.status === 204 ? null : JSON.stringify(parsed ?? {}), { status: route.status, headers: responseHeaders });
}
