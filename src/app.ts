// One fetch handler: /graphql → yoga; /identity, /frontegg/identity, /tenants, /auth → the REST
// router (which runs GraphQL documents through the same yoga); /.well-known and /health.
import type { Config } from './config.ts';
import type { GraphQLHandler } from './graphql/yoga.ts';
import type { Logger } from './platform/logger.ts';
import type { KeySet } from './platform/jwt.ts';
import { resolveClientIp } from './platform/client-ip.ts';
import { errorResponse } from './rest/errors.ts';
import { executeRoute } from './rest/execute.ts';
import { Router } from './rest/router.ts';
import { routes } from './rest/routes/index.ts';

export interface AppDeps {
  config: Pick<Config, 'issuer' | 'corsOrigins' | 'maxBodyBytes' | 'trustProxy'>;
  yoga: GraphQLHandler;
  keys: { current: KeySet };
  logger: Logger;
  health: () => Promise<boolean>;
}

export interface App {
  /** `remoteAddress`: the connection's peer (the HTTP server knows it; in-process callers may not). */
  fetch(request: Request, connection?: { remoteAddress?: string | null }): Promise<Response>;
}

const CORS_HEADERS = [
  'authorization',
  'content-type',
  'frontegg-source',
  'x-frontegg-framework',
  'x-frontegg-sdk',
  'frontegg-scoped-tenant',
  'frontegg-login-alias',
  'frontegg-requested-application-id',
  'frontegg-tenant-id',
  'frontegg-user-id',
  'frontegg-vendor-host',
].join(', ');

export function createApp(deps: AppDeps): App {
  const router = new Router(routes);
  const { config } = deps;
  const allowedOrigins = new Set(config.corsOrigins);

  /** Credentialed CORS for the configured origins only (the refresh cookie must travel). */
  function withCors(request: Request, response: Response): Response {
    const origin = request.headers.get('origin');
    if (!origin || !allowedOrigins.has(origin)) return response;
    const r = new Response(response.body, response);
    r.headers.set('access-control-allow-origin', origin);
    r.headers.set('access-control-allow-credentials', 'true');
    r.headers.append('vary', 'Origin');
    r.headers.set('access-control-expose-headers', 'frontegg-trace-id');
    return r;
  }

  async function handle(request: Request, clientIp: string | null): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (request.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
          'access-control-allow-headers': CORS_HEADERS,
          'access-control-max-age': '600',
        },
      });
    }
    if (path === '/graphql') return deps.yoga.fetch(request, { clientIp });
    if (path === '/health' && request.method === 'GET') {
      const ok = await deps.health();
      return Response.json({ status: ok ? 'ok' : 'unavailable', database: ok ? 'up' : 'down' }, { status: ok ? 200 : 503 });
    }
    if (path === '/.well-known/jwks.json' && request.method === 'GET') {
      return Response.json(deps.keys.current.jwks(), { headers: { 'cache-control': 'public, max-age=300' } });
    }
    if (path === '/.well-known/openid-configuration' && request.method === 'GET') {
      return Response.json({
        issuer: config.issuer,
        jwks_uri: `${config.issuer}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: [deps.keys.current.signingKey.algorithm],
        token_endpoint: `${config.issuer}/frontegg/identity/resources/auth/v1/user/token/refresh`,
        subject_types_supported: ['public'],
        response_types_supported: ['token'],
      });
    }
    const match = router.match(request.method, path);
    if (match.kind === 'route') return executeRoute(match.route, request, match.params, { yoga: deps.yoga, maxBodyBytes: config.maxBodyBytes, clientIp });
    if (match.kind === 'method_not_allowed') return errorResponse('route_method_not_allowed', undefined, { allow: match.allow.join(', ') });
    return errorResponse('route_not_found');
  }

  return {
    async fetch(request, connection) {
      try {
        return withCors(request, await handle(request, resolveClientIp(request.headers, connection?.remoteAddress, config.trustProxy)));
      } catch (error) {
        // Never a stack trace on the wire.
        deps.logger.error({ err: error, path: new URL(request.url).pathname }, 'unhandled error');
        return withCors(request, errorResponse('internal_error'));
      }
    },
  };
}
