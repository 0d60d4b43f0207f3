// One fetch handler: /graphql → yoga; /identity, /frontegg/identity, /tenants, /auth → the REST
// router (which runs GraphQL documents through the same yoga); /.well-known, /health (liveness),
// /health/ready (readiness) and /metrics. The browser-facing policies (src/http/: CORS, CSRF,
// security headers) wrap every route alike. Every request runs in a request context (request id,
// client IP, trace id) that logs read, and is counted by route template for /metrics.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from './config.ts';
import type { GraphQLHandler } from './graphql/yoga.ts';
import type { Logger } from './platform/logger.ts';
import type { KeySet } from './platform/jwt.ts';
import { createCorsPolicy } from './http/cors.ts';
import { createOriginCheck, isPreflightedGraphQLRequest } from './http/csrf.ts';
import { createSecurityHeaders } from './http/security-headers.ts';
import { resolveClientIp } from './platform/client-ip.ts';
import type { MetricsEndpoint } from './platform/metrics.ts';
import { runReadiness, type ReadinessCheck } from './platform/readiness.ts';
import { requestIdFrom, runWithRequestContext, saneHeaderValue, saneUserAgent, type RequestContext } from './platform/request-context.ts';
import { errorResponse } from './rest/errors.ts';
import { executeRoute } from './rest/execute.ts';
import { Router } from './rest/router.ts';
import { routes } from './rest/routes/index.ts';

export interface AppDeps {
  config: Pick<Config, 'issuer' | 'appUrl' | 'corsOrigins' | 'maxBodyBytes' | 'trustProxy' | 'metrics'>;
  yoga: GraphQLHandler;
  keys: { current: KeySet };
  logger: Logger;
  /** What /health/ready checks (bootstrap: database, migrations, redis). */
  readiness: readonly ReadinessCheck[];
  /** The instance's registry; null when GATEHOUSE_METRICS=off (then /metrics is 404). */
  metrics: MetricsEndpoint | null;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Bearer check for /metrics: hashed first, so the comparison is constant-time whatever the lengths. */
function metricsAuthorized(request: Request, token: string | null): boolean {
  if (!token) return true;
  const header = request.headers.get('authorization') ?? '';
  const presented = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
  return timingSafeEqual(sha256(presented), sha256(token));
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

  /** Every response leaves through here: CORS for configured origins, security headers, the request id. */
  function finish(request: Request, response: Response, requestId: string): Response {
    let r = response;
    const decorate = (h: Headers) => {
      securityHeaders(h);
      h.set('x-request-id', requestId);
    };
    try {
      decorate(r.headers);
    } catch {
      // Immutable headers (a response built elsewhere): copy once.
      r = new Response(response.body, response);
      decorate(r.headers);
    }
    cors.decorate(request, r.headers);
    return r;
  }

  /** `label` names the request for metrics: a route template or a fixed path, never the raw path (ids, probes). */
  async function handle(request: Request, clientIp: string | null, label: (route: string) => void): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (request.method === 'OPTIONS') return cors.preflight(request);
    if (!originCheck.allows(request)) return errorResponse('request_cross_origin');
    if (path === '/graphql') {
      label('/graphql');
      if (!isPreflightedGraphQLRequest(request)) return errorResponse('request_unsupported_media_type');
      return deps.yoga.fetch(request, { clientIp });
    }
    // Liveness: the process answers. Nothing slow here (no database): an orchestrator restarts
    // an instance that fails it, and a database outage is no reason to restart every instance.
    if (path === '/health' && request.method === 'GET') {
      label('/health');
      return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
    }
    // Readiness: whether to route traffic here (database, migrations, Redis), 200 or 503.
    if (path === '/health/ready' && request.method === 'GET') {
      label('/health/ready');
      const report = await runReadiness(deps.readiness);
      return Response.json(report, { status: report.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
    }
    if (path === '/metrics' && request.method === 'GET' && deps.metrics) {
      label('/metrics');
      if (!metricsAuthorized(request, config.metrics.token)) return errorResponse('auth_unauthenticated', undefined, { 'www-authenticate': 'Bearer' });
      const { contentType, body } = await deps.metrics.render();
      return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
    }
    if (path === '/.well-known/jwks.json' && request.method === 'GET') {
      label('/.well-known/jwks.json');
      return Response.json(deps.keys.current.jwks(), { headers: { 'cache-control': 'public, max-age=300' } });
    }
    // The discovery document is the OpenID provider's (src/oidc), whose issuer is `${issuer}/oidc`.
    // Over HTTP the node listener serves it at this path too (bootstrap.ts nodeHandler); a caller
    // of app.fetch alone (in-process) is sent there.
    if (path === '/.well-known/openid-configuration' && request.method === 'GET') {
      label('/.well-known/openid-configuration');
      return new Response(null, { status: 307, headers: { location: `${config.issuer}/oidc/.well-known/openid-configuration` } });
    }
    const match = router.match(request.method, path);
    if (match.kind === 'route') label(match.template);
    if (match.kind === 'route') return executeRoute(match.route, request, match.params, { yoga: deps.yoga, maxBodyBytes: config.maxBodyBytes, clientIp });
    if (match.kind === 'method_not_allowed') return errorResponse('route_method_not_allowed', undefined, { allow: match.allow.join(', ') });
    return errorResponse('route_not_found');
  }

  async function serve(request: Request, context: RequestContext): Promise<Response> {
    const started = performance.now();
    let route = 'unmatched';
    let response: Response;
    try {
      response = finish(request, await handle(request, context.clientIp, (r) => (route = r)), context.requestId);
    } catch (error) {
      // Never a stack trace on the wire. Only our own failures (5xx) are logged at error level.
      deps.logger.error({ err: error, path: new URL(request.url).pathname, method: request.method }, 'unhandled error');
      response = finish(request, errorResponse('internal_error'), context.requestId);
    }
    const operation = route === '/graphql' ? (context.operation ?? 'graphql') : '';
    const seconds = (performance.now() - started) / 1000;
    const method = METHODS.has(request.method) ? request.method : 'other';
    deps.metrics?.httpRequest({ method, route, operation, status: response.status, seconds });
    deps.logger.debug({ method: request.method, route, operation: operation || undefined, status: response.status, ms: Math.round(seconds * 1000) }, 'request');
    return response;
  }

  return {
    async fetch(request, connection) {
      const context: RequestContext = {
        requestId: requestIdFrom(request.headers.get('x-request-id')),
        clientIp: resolveClientIp(request.headers, connection?.remoteAddress, config.trustProxy),
        traceId: saneHeaderValue(request.headers.get('frontegg-trace-id')),
        userAgent: saneUserAgent(request.headers.get('user-agent')),
      };
      return runWithRequestContext(context, () => serve(request, context));
    },
  };
}
