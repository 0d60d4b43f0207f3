// One fetch handler: /graphql → yoga; /identity, /frontegg/identity, /tenants, /auth → the REST
// router (which runs GraphQL documents through the same yoga); /.well-known and /health. The
// browser-facing policies (src/http/: CORS, CSRF, security headers) wrap every route alike.
import type { Config } from './config.ts';
import type { GraphQLHandler } from './graphql/yoga.ts';
import type { Logger } from './platform/logger.ts';
import type { KeySet } from './platform/jwt.ts';
import { createCorsPolicy } from './http/cors.ts';
import { createOriginCheck, isPreflightedGraphQLRequest } from './http/csrf.ts';
import { createSecurityHeaders } from './http/security-headers.ts';
import { resolveClientIp } from './platform/client-ip.ts';
import { errorResponse } from './rest/errors.ts';
import { executeRoute } from './rest/execute.ts';
import { Router } from './rest/router.ts';
import { routes } from './rest/routes/index.ts';

export interface AppDeps {
  config: Pick<Config, 'issuer' | 'appUrl' | 'corsOrigins' | 'maxBodyBytes' | 'trustProxy'>;
  yoga: GraphQLHandler;
  keys: { current: KeySet };
  logger: Logger;
  health: () => Promise<boolean>;
}

export interface App {
  /** `remoteAddress`: the connection's peer (the HTTP server knows it; in-process callers may not). */
  fetch(request: Request, connection?: { remoteAddress?: string | null }): Promise<Response>;
}

export function createApp(deps: AppDeps): App {
  const router = new Router(routes);
  const { config } = deps;
  const cors = createCorsPolicy(config.corsOrigins);
  const originCheck = createOriginCheck([new URL(config.issuer).origin, new URL(config.appUrl).origin, ...config.corsOrigins]);
  const securityHeaders = createSecurityHeaders({ hsts: config.issuer.startsWith('https:') });

  /** Every response leaves through here: CORS for configured origins, security headers. */
  function finish(request: Request, response: Response): Response {
    let r = response;
    try {
      securityHeaders(r.headers);
    } catch {
      // Immutable headers (a response built elsewhere): copy once.
      r = new Response(response.body, response);
      securityHeaders(r.headers);
    }
    cors.decorate(request, r.headers);
    return r;
  }

  async function handle(request: Request, clientIp: string | null): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (request.method === 'OPTIONS') return cors.preflight(request);
    if (!originCheck.allows(request)) return errorResponse('request_cross_origin');
    if (path === '/graphql') {
      if (!isPreflightedGraphQLRequest(request)) return errorResponse('request_unsupported_media_type');
      return deps.yoga.fetch(request, { clientIp });
    }
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
        return finish(request, await handle(request, resolveClientIp(request.headers, connection?.remoteAddress, config.trustProxy)));
      } catch (error) {
        // Never a stack trace on the wire.
        deps.logger.error({ err: error, path: new URL(request.url).pathname }, 'unhandled error');
        return finish(request, errorResponse('internal_error'));
      }
    },
  };
}
