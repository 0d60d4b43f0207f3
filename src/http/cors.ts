// One CORS policy for every front door (GraphQL, each REST dialect, later /oidc), from
// GATEHOUSE_CORS_ORIGINS only. Credentialed CORS hands a page the refresh cookie's power, so an
// origin is allowed by exact string match against the configured list and never echoed
// otherwise: no wildcard, no suffix match, no `null`.

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';

/** What browsers may send besides CORS-safelisted headers: what Frontegg's clients send. */
const ALLOWED_HEADERS = [
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

export interface CorsPolicy {
  /** True when `origin` is one of the configured origins. */
  allows(origin: string | null): boolean;
  /** The answer to a preflight (`OPTIONS`): CORS headers only for an allowed origin. */
  preflight(request: Request): Response;
  /** Adds the CORS headers to `headers` when the request's origin is allowed. */
  decorate(request: Request, headers: Headers): void;
}

export function createCorsPolicy(origins: readonly string[]): CorsPolicy {
  const allowed = new Set(origins);
  const allows = (origin: string | null): origin is string => origin !== null && allowed.has(origin);

  return {
    allows,
    preflight(request) {
      const headers = new Headers({ vary: 'Origin' });
      const origin = request.headers.get('origin');
      if (allows(origin)) {
        headers.set('access-control-allow-origin', origin);
        headers.set('access-control-allow-credentials', 'true');
        headers.set('access-control-allow-methods', ALLOWED_METHODS);
        headers.set('access-control-allow-headers', ALLOWED_HEADERS);
        headers.set('access-control-max-age', '600');
      }
      return new Response(null, { status: 204, headers });
    },
    decorate(request, headers) {
      // The answer depends on Origin whether or not it is allowed: caches must key on it.
      headers.append('vary', 'Origin');
      const origin = request.headers.get('origin');
      if (!allows(origin)) return;
      headers.set('access-control-allow-origin', origin);
      headers.set('access-control-allow-credentials', 'true');
      headers.set('access-control-expose-headers', 'frontegg-trace-id, retry-after');
    },
  };
}
