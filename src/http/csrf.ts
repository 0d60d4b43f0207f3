// Cross-site request forgery. A browser attaches Gatehouse's cookies (the refresh token, the
// remembered MFA device) to requests that any page can trigger without a preflight: form posts,
// multipart, text/plain. Two rules close that:
//   1. GraphQL runs only from a request a page cannot send without a preflight: POST with a JSON
//      body (GET already refuses mutations). Yoga would otherwise parse forms and multipart.
//   2. A state-changing request that carries cookies must come from a trusted origin: the
//      issuer's, the app's, a configured CORS origin, or the request's own. Without `Origin`
//      (servers, old browsers) Fetch Metadata's `Sec-Fetch-Site: cross-site` still gives a
//      cross-site page away. Bearer-token calls carry no ambient credential and pass.
// OWASP CSRF cheat sheet: "Verifying Origin with standard headers", "Fetch Metadata headers".

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The media types a browser can only send after a preflight. */
const GRAPHQL_MEDIA_TYPES = new Set(['application/json', 'application/graphql-response+json']);

export function isPreflightedGraphQLRequest(request: Request): boolean {
  if (request.method !== 'POST') return true;
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  return GRAPHQL_MEDIA_TYPES.has(type);
}

export interface OriginCheck {
  /** True when the request may go on: safe method, no cookies, or a trusted origin. */
  allows(request: Request): boolean;
}

export function createOriginCheck(trustedOrigins: readonly string[]): OriginCheck {
  const trusted = new Set(trustedOrigins);
  return {
    allows(request) {
      if (SAFE_METHODS.has(request.method)) return true;
      if (!request.headers.get('cookie')) return true;
      const origin = request.headers.get('origin');
      if (origin !== null) return trusted.has(origin) || origin === new URL(request.url).origin;
      return request.headers.get('sec-fetch-site') !== 'cross-site';
    },
  };
}
