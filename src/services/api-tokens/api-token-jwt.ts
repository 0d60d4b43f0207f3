// The JWT an API token is exchanged for, and how a bearer of it becomes a principal. Frontegg
// names the two kinds `tenantApiToken` (sub = the clientId) and `userApiToken` (sub = the user).
// The token carries its tenant, role keys and permission keys, so management scopes need no
// lookup; it can never act outside them.

export const TENANT_API_TOKEN_TYPE = 'tenantApiToken';
export const USER_API_TOKEN_TYPE = 'userApiToken';
export const API_TOKEN_TYPES = [TENANT_API_TOKEN_TYPE, USER_API_TOKEN_TYPE] as const;

export interface ApiTokenPrincipal {
  kind: 'apiToken';
  /** The ApiToken row (its id is also its clientId). */
  tokenId: string;
  tokenKind: 'tenant' | 'user';
  /** The user a user token acts for; null for tenant tokens. */
  userId: string | null;
  tenantId: string;
  roles: string[];
  permissions: string[];
}

export interface ApiTokenClaims {
  type: string;
  sub: string;
  tenantId?: unknown;
  apiTokenId?: unknown;
  userId?: unknown;
  roles?: unknown;
  permissions?: unknown;
}

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Null when a verified token of an API-token type lacks the claims we always sign. */
export function apiTokenPrincipal(claims: ApiTokenClaims): ApiTokenPrincipal | null {
  if (typeof claims.tenantId !== 'string' || typeof claims.apiTokenId !== 'string') return null;
  const user = claims.type === USER_API_TOKEN_TYPE;
  if (user && typeof claims.userId !== 'string') return null;
  return {
    kind: 'apiToken',
    tokenId: claims.apiTokenId,
    tokenKind: user ? 'user' : 'tenant',
    userId: user ? (claims.userId as string) : null,
    tenantId: claims.tenantId,
    roles: strings(claims.roles),
    permissions: strings(claims.permissions),
  };
}
