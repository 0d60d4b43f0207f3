// Security headers on every response (OWASP HTTP headers cheat sheet). The API answers JSON, so
// its CSP forbids everything and framing; an HTML page (GraphiQL) brings its own stricter-fitting
// policy and keeps it. HSTS only when the issuer is https: over plain http it would be ignored at
// best and lock a development host out of http at worst.

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export interface SecurityHeadersOptions {
  /** Send Strict-Transport-Security (the issuer is https). */
  hsts: boolean;
}

export function createSecurityHeaders(o: SecurityHeadersOptions) {
  return function apply(headers: Headers): void {
    headers.set('x-content-type-options', 'nosniff');
    headers.set('referrer-policy', 'no-referrer');
    headers.set('x-frame-options', 'DENY');
    headers.set('cross-origin-opener-policy', 'same-origin');
    if (!headers.has('content-security-policy')) headers.set('content-security-policy', API_CSP);
    if (o.hsts) headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  };
}
