// What an OAuth client may register as redirect, post-logout redirect and CORS origin. The
// provider compares redirect URIs by exact string (RFC 9700 §4.1.3: no wildcards, no prefix or
// pattern matching), so what is stored here is what a request must repeat byte for byte; these
// rules only decide what may be stored:
// - absolute URLs, no fragment (RFC 6749 §3.1.2), no wildcard, no userinfo (a `user@` part makes
//   the host ambiguous to people reading a consent screen);
// - https, except http on a loopback host (RFC 8252 §7.3: native apps listen on 127.0.0.1/[::1];
//   `localhost` is allowed too, for development);
// - native applications may also use a private-use scheme (RFC 8252 §7.1): a reverse domain name
//   such as `com.example.app:/callback`; the dot requirement keeps out `javascript:`, `data:`,
//   `file:` and other single-word schemes;
// - CORS origins are origins only (`scheme://host[:port]`, what a browser sends in `Origin`).
import { fail } from '../../errors/domain-errors.ts';
import type { ErrorCode } from '../../errors/codes.ts';

export type OAuthApplicationType = 'NATIVE' | 'SPA' | 'TRADITIONAL' | 'MACHINE_TO_MACHINE';

export const MAX_URIS = 50;
const MAX_URI_LENGTH = 2048;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** RFC 3986 scheme with at least one dot (reverse domain name, RFC 8252 §7.1). */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/;

/** Why `raw` cannot be registered as a redirect URI of an application of `type`, or null. */
export function redirectUriProblem(raw: string, type: OAuthApplicationType): string | null {
  if (raw.length === 0 || raw.length > MAX_URI_LENGTH) return 'must be 1 to 2048 characters';
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) return 'must not contain whitespace or control characters';
  if (raw.includes('#')) return 'must not contain a fragment';
  if (raw.includes('*')) return 'must not contain wildcards';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not contain user information';
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') return url.hostname ? null : 'must name a host';
  if (scheme === 'http') return LOOPBACK_HOSTS.has(url.hostname) ? null : 'must use https (http only for localhost, 127.0.0.1 or [::1])';
  if (type === 'NATIVE' && PRIVATE_USE_SCHEME.test(scheme)) return null;
  return type === 'NATIVE' ? 'must use https, loopback http or a private-use scheme such as com.example.app:/callback' : 'must use https (http only for loopback)';
}

/** Why `raw` is not an origin that may be allowed for CORS, or null. */
export function corsOriginProblem(raw: string): string | null {
  if (raw.length === 0 || raw.length > MAX_URI_LENGTH) return 'must be 1 to 2048 characters';
  if (raw.includes('*')) return 'must not contain wildcards';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an origin such as https://app.example.com';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return 'must use https (http only for loopback)';
  // `origin` drops path, query, fragment and userinfo and lower-cases the host: the input must
  // already be that form, so the stored value matches the browser's Origin header exactly.
  if (url.origin !== raw) return `must be the origin only (${url.origin})`;
  return null;
}

/** The list, trimmed and deduplicated, or a typed failure naming the first bad entry. */
function checkedList(field: string, raw: readonly string[], problem: (uri: string) => string | null, code: ErrorCode): string[] {
  if (raw.length > MAX_URIS) fail(code, `${field}: at most ${MAX_URIS} entries`);
  const out: string[] = [];
  raw.forEach((entry, i) => {
    const uri = entry.trim();
    const why = problem(uri);
    if (why) fail(code, `${field}[${i}]: ${why}`);
    if (!out.includes(uri)) out.push(uri);
  });
  return out;
}

export function checkedRedirectUris(field: string, raw: readonly string[], type: OAuthApplicationType): string[] {
  // client_credentials has no front channel: a machine-to-machine client never redirects.
  if (type === 'MACHINE_TO_MACHINE' && raw.length) fail('application_redirect_uri_invalid', `${field}: machine-to-machine applications have no redirect URIs`);
  return checkedList(field, raw, (uri) => redirectUriProblem(uri, type), 'application_redirect_uri_invalid');
}

export function checkedCorsOrigins(raw: readonly string[]): string[] {
  return checkedList('corsOrigins', raw, corsOriginProblem, 'application_cors_origin_invalid');
}
