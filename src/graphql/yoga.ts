// The GraphQL-over-HTTP pipeline. /graphql and every REST route go through this one yoga
// instance, so context, auth scopes, validation, limits and masking exist once.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { DomainError, RateLimitedError } from '../errors/domain-errors.ts';
import { domainErrorFromDatabase } from '../services/database-errors.ts';
import type { Logger } from '../platform/logger.ts';
import { clientGraphQLError } from './client-errors.ts';
import { createContext, type ContextDeps } from './context.ts';
import { graphiqlPolicy, renderGraphiQLPage } from './graphiql.ts';
import { useInputGuard } from './input-guard.ts';
import { useOperationLabel } from './operation-label.ts';
import { schema } from './schema.ts';

export interface YogaDeps extends ContextDeps {
  logger: Logger;
  graphiql: boolean;
  /** Answer `__schema` / `__type` (off in production unless enabled; `__typename` always works). */
  introspection: boolean;
}

/** Set-Cookie values produced while resolving a request, keyed by that request. */
const cookieJar = new WeakMap<Request, string[]>();

const useResponseCookies = (): Plugin => ({
  onResponse({ request, response }) {
    for (const cookie of cookieJar.get(request) ?? []) response.headers.append('set-cookie', cookie);
  },
});

/**
 * The REST adapter hands its GraphQL params over in-process through the server context (which no
 * HTTP client can set), so a route skips serialising them into a body that yoga would only read
 * back as a stream and parse again. Everything after parsing — validation, limits, auth, masking —
 * runs exactly as for /graphql.
 */
export interface InternalParams {
  /** The client's address, resolved once at the app edge (never read from a header here). */
  clientIp?: string | null;
  gatehouseParams?: { query: string; operationName?: string; variables?: Record<string, unknown> };
}

const useInternalParams = (): Plugin => ({
  onRequestParse({ serverContext, setRequestParser }) {
    const params = (serverContext as InternalParams).gatehouseParams;
    if (params) setRequestParser(() => params);
  },
});

/** The GraphiQL page carries its own CSP (its inline script by hash); see graphiql.ts. */
const useGraphiQLPolicy = (): Plugin => ({
  onResponse({ response }) {
    const policy = graphiqlPolicy();
    if (policy && response.headers.get('content-type')?.startsWith('text/html')) response.headers.set('content-security-policy', policy);
  },
});

const useNoIntrospection = (): Plugin => ({
  onValidate({ addValidationRule }) {
    addValidationRule(NoSchemaIntrospectionCustomRule);
  },
});

function findDomainError(error: unknown): DomainError | null {
  let e: unknown = error;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof DomainError) return e;
    // A database refusal no service anticipated (a foreign key to a missing tenant): the caller's input.
    const fromDatabase = domainErrorFromDatabase(e);
    if (fromDatabase) return fromDatabase;
    e = (e as { originalError?: unknown }).originalError;
  }
  return null;
}

export function createGraphQLHandler(deps: YogaDeps) {
  return createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: deps.graphiql ? { title: 'Gatehouse GraphiQL', defaultQuery: '{ me { id email tenants { tenant { id name } } } }' } : false,
    renderGraphiQL: renderGraphiQLPage,
    landingPage: false,
    // CORS is the app edge's (src/http/cors.ts): yoga's default would echo any Origin with credentials.
    cors: false,
    batching: false,
    logging: {
      debug: (...args) => deps.logger.debug(args.map(String).join(' ')),
      info: (...args) => deps.logger.info(args.map(String).join(' ')),
      warn: (...args) => deps.logger.warn(args.map(String).join(' ')),
      error: (...args) => deps.logger.error(args.map(String).join(' ')),
    },
    context: async ({ request, ...server }) => {
      const ctx = await createContext(request, deps, (server as InternalParams).clientIp ?? null);
      cookieJar.set(request, ctx.responseCookies);
      return ctx;
    },
    // Domain errors keep their message and carry their code; anything else is masked.
    maskedErrors: {
      maskError(error, message) {
        const domain = findDomainError(error);
        if (domain) {
          const path = error instanceof GraphQLError ? error.path : undefined;
          // retryAfter travels to the REST adapter, which answers it as Retry-After.
          const retry = domain instanceof RateLimitedError ? { retryAfter: domain.retryAfter } : {};
          return new GraphQLError(domain.message, { path, extensions: { code: domain.code, ...retry } });
        }
        if (error instanceof GraphQLError && !error.originalError) return error;
        const client = clientGraphQLError(error);
        if (client) return client;
        deps.logger.error({ err: (error as GraphQLError).originalError ?? error }, 'unexpected error in a resolver');
        return new GraphQLError(message, { extensions: { code: 'internal_error' } });
      },
    },
    plugins: [
      useResponseCookies(),
      useInternalParams(),
      useGraphiQLPolicy(),
      ...(deps.introspection ? [] : [useNoIntrospection()]),
      useInputGuard(),
      useOperationLabel(),
      EnvelopArmorPlugin({
        maxDepth: { n: 12, ignoreIntrospection: true },
        costLimit: { maxCost: 5000, ignoreIntrospection: true },
        maxAliases: { n: 20 },
        maxDirectives: { n: 20 },
        maxTokens: { n: 2000 },
        blockFieldSuggestion: { enabled: true },
      }),
    ],
  });
}

export type GraphQLHandler = ReturnType<typeof createGraphQLHandler>;
