// The Node request listener for /oidc (and the root discovery document). oidc-provider is a Koa
// app, so it takes Node's req/res rather than a fetch Request; everything else Gatehouse serves is
// a fetch handler. bootstrap.ts joins the two into one listener (`gatehouse.nodeHandler`).
//
// The edge policies of every other front door apply here too (src/http/): the security headers,
// the request id, the client address as GATEHOUSE_TRUST_PROXY resolves it (the throttle keys on
// it), and CORS: an origin is allowed when GATEHOUSE_CORS_ORIGINS or some application lists it
// (preflights are answered here), and on the client-authenticating endpoints oidc-provider checks
// the calling client's own origins (clientBasedCORS in provider.ts). No credentialed CORS: nothing
// under /oidc reads a cookie in this slice.
//
// Only the endpoints of this slice reach the provider; anything else under /oidc is a 404 (the
// provider's authorization, end-session and interaction routes are the next slice's).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { createSecurityHeaders } from '../http/security-headers.ts';
import { resolveClientIp } from '../platform/client-ip.ts';
import type { KeySet } from '../platform/jwt.ts';
import type { Metrics } from '../platform/metrics.ts';
import { requestIdFrom, runWithRequestContext, saneHeaderValue } from '../platform/request-context.ts';
import { OIDC_MOUNT, type OidcProvider } from './provider.ts';

export const ROOT_DISCOVERY = '/.well-known/openid-configuration';

/** Paths below the mount that this slice serves. */
const ROUTES = new Set([ROOT_DISCOVERY, '/jwks', '/token', '/token/introspection', '/token/revocation']);

export interface OidcListenerDeps {
  oidc: OidcProvider;
  keys: { current: KeySet };
  issuer: string;
  corsOrigins: readonly string[];
  isApplicationCorsOrigin(origin: string): Promise<boolean>;
  trustProxy: number;
  metrics: Metrics;
}

/** True for requests this listener answers. */
export function isOidcPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0]!;
  return path === ROOT_DISCOVERY || path === OIDC_MOUNT || path.startsWith(`${OIDC_MOUNT}/`);
}

function headersOf(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') h.set(k, v);
  return h;
}

export function createOidcListener(deps: OidcListenerDeps) {
  const issuer = new URL(deps.issuer);
  const securityHeaders = createSecurityHeaders({ hsts: issuer.protocol === 'https:' });
  const globalOrigins = new Set(deps.corsOrigins);
  const callbacks = new WeakMap<Provider, ReturnType<Provider['callback']>>();

  function json(res: ServerResponse, status: number, body: unknown) {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.end(JSON.stringify(body));
  }

  return async function oidcListener(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const sub = url.pathname === ROOT_DISCOVERY ? ROOT_DISCOVERY : url.pathname.slice(OIDC_MOUNT.length) || '/';
    const route = ROUTES.has(sub) ? `${OIDC_MOUNT}${sub}` : 'unmatched';
    res.on('finish', () => {
      const method = ['GET', 'POST', 'OPTIONS', 'HEAD'].includes(req.method ?? '') ? req.method! : 'other';
      deps.metrics.httpRequest({ method, route, operation: '', status: res.statusCode, seconds: (performance.now() - started) / 1000 });
    });
    const context = {
      requestId: requestIdFrom(saneHeaderValue(req.headers['x-request-id'] as string | undefined ?? null)),
      clientIp: resolveClientIp(headersOf(req), req.socket.remoteAddress, deps.trustProxy),
      traceId: null,
    };
    const edge = new Headers();
    securityHeaders(edge);
    edge.set('x-request-id', context.requestId);
    edge.forEach((v, k) => res.setHeader(k, v));

    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : null;
    const originAllowed = origin !== null && origin !== 'null' && (globalOrigins.has(origin) || (await deps.isApplicationCorsOrigin(origin)));
    res.setHeader('vary', 'Origin');
    if (req.method === 'OPTIONS') {
      if (originAllowed) {
        res.setHeader('access-control-allow-origin', origin!);
        res.setHeader('access-control-allow-methods', 'GET, POST');
        res.setHeader('access-control-allow-headers', 'authorization, content-type, dpop');
        res.setHeader('access-control-max-age', '600');
      }
      res.statusCode = 204;
      return void res.end();
    }
    if (!ROUTES.has(sub)) return json(res, 404, { error: 'not_found', error_description: 'no such OpenID endpoint' });
    // The JWKS is Gatehouse's, the same document as /.well-known/jwks.json: every key that still
    // verifies, not only the one the provider signs with.
    if (sub === '/jwks') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'invalid_request', error_description: 'use GET' });
      if (originAllowed) res.setHeader('access-control-allow-origin', origin!);
      res.statusCode = 200;
      res.setHeader('content-type', 'application/jwk-set+json; charset=utf-8');
      res.setHeader('cache-control', 'public, max-age=300');
      return void res.end(JSON.stringify(deps.keys.current.jwks()));
    }
    // The provider echoes any Origin on its open endpoints: only an allowed one gets through.
    if (!originAllowed) {
      const setHeader = res.setHeader.bind(res);
      res.setHeader = ((name: string, value: number | string | readonly string[]) =>
        name.toLowerCase() === 'access-control-allow-origin' ? res : setHeader(name, value)) as typeof res.setHeader;
    }
    // The provider builds its URLs from the request: pin them to the issuer, whatever Host says.
    req.headers.host = issuer.host;
    req.headers['x-forwarded-host'] = issuer.host;
    req.headers['x-forwarded-proto'] = issuer.protocol.slice(0, -1);
    // Mounted like an Express sub-app: the provider sees its own paths, and the mount in originalUrl.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = `${OIDC_MOUNT}${sub}${url.search}`;
    req.url = `${sub}${url.search}`;
    const provider = deps.oidc.current();
    let callback = callbacks.get(provider);
    if (!callback) {
      provider.proxy = true;
      callback = provider.callback();
      callbacks.set(provider, callback);
    }
    await runWithRequestContext(context, () => callback(req, res));
  };
}
