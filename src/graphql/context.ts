// Per-request GraphQL context. Built once per request from the HTTP request; holds the
// services (never the database for resolvers to query directly) and the principal.
import { DomainError, fail } from '../errors/domain-errors.ts';
import { actingUserId, subTenantOf } from '../services/authorization/tenant-scope.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { parseCookies, serializeCookie } from '../platform/http.ts';
import type { Principal } from '../services/auth/auth.service.ts';
import type { ClientInfo } from '../services/auth/sessions.service.ts';
import type { Services } from '../services/index.ts';
import type { PrismaClient } from '../platform/db.ts';
import { currentRequest, type RequestContext } from '../platform/request-context.ts';

export interface RefreshCookieSettings {
  name: string;
  secure: boolean;
  sameSite: 'Lax' | 'Strict' | 'None';
  maxAge: number;
  /** The remember-this-device cookie (Frontegg-like fe_device_<clientId>); derived from name when absent. */
  deviceName?: string;
}

export interface GraphQLContext {
  services: Services;
  /** The caller, or why their bearer token was refused (only fields that need auth fail on it). */
  principal: Principal;
  authError: ErrorCode | null;
  /** Frontegg headers: a vendor token acts on this tenant / user. */
  headerTenantId: string | null;
  headerUserId: string | null;
  /**
   * A sub-tenant a user token acts in instead of its own tenant: frontegg-tenant-id named a
   * tenant below the token's tenant and sub-tenant access allows it (see actingTenantId).
   */
  subTenantId: string | null;
  client: ClientInfo;
  refreshCookie: { read(): string | null; set(token: string): void; clear(): void };
  /** Remember-this-device after MFA: HttpOnly, lives as long as the policy's mfaDeviceExpiration. */
  deviceCookie: { set(token: string, maxAgeSeconds: number): void };
  /** Set-Cookie values the response must carry. */
  responseCookies: string[];
  /** For the Prisma plugin's relation loading only; resolvers go through services. */
  prismaForPlugin: PrismaClient;
}

export interface ContextDeps {
  services: Services;
  prisma: PrismaClient;
  cookie: RefreshCookieSettings;
}

function actorOf(p: Principal): NonNullable<RequestContext['actor']> {
  if (p.kind === 'user') return { type: 'user', id: p.userId, tenantId: p.tenantId };
  if (p.kind === 'vendor') return { type: 'vendor', id: p.clientId, tenantId: null };
  if (p.kind === 'apiToken') return { type: 'api_token', id: p.tokenId, tenantId: p.tenantId };
  return { type: 'anonymous', id: null, tenantId: null };
}

const header = (h: Headers, name: string) => h.get(name)?.trim() || null;

export async function createContext(request: Request, deps: ContextDeps, clientIp: string | null = null): Promise<GraphQLContext> {
  const h = request.headers;
  const cookies = parseCookies(h.get('cookie'));
  const responseCookies: string[] = [];
  const auth = h.get('authorization');
  // Frontegg SDKs send `Bearer <jwt>`; a few calls send the raw token. Frontegg's backend SDK
  // (@frontegg/client) presents the vendor token as `x-access-token: <jwt>` instead; that header
  // is read only without an Authorization header, and only a vendor token is accepted in it.
  const bearer = auth ? auth.replace(/^Bearer\s+/i, '').trim() || null : null;
  const accessToken = bearer ? null : header(h, 'x-access-token');
  let principal: Principal = { kind: 'anonymous' };
  let authError: ErrorCode | null = null;
  try {
    principal = await deps.services.auth.authenticateBearer(bearer ?? accessToken, { vendorOnly: accessToken !== null });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    authError = error.code;
  }
  // Who is calling, for the audit log the service wrappers write (services/audit).
  const served = currentRequest();
  if (served) served.actor = actorOf(principal);
  const { name, deviceName = name.replace(/^fe_refresh_/, 'fe_device_'), ...cookieOptions } = deps.cookie;
  const headerTenantId = header(h, 'frontegg-tenant-id');
  // Sub-tenant access is decided here, once per request, by the service rule (subTenantOf).
  const subTenantId = await subTenantOf(principal, headerTenantId, (u, own, sub) => deps.services.tenants.canActInSubTenant(u, own, sub));
  return {
    services: deps.services,
    principal,
    authError,
    headerTenantId,
    subTenantId,
    headerUserId: header(h, 'frontegg-user-id'),
    client: {
      userAgent: header(h, 'user-agent'),
      ipAddress: clientIp,
      mfaDeviceToken: cookies.get(deviceName) || null,
    },
    refreshCookie: {
      read: () => cookies.get(name) || null,
      set: (token) => void responseCookies.push(serializeCookie(name, token, { ...cookieOptions, httpOnly: true, path: '/' })),
      clear: () => void responseCookies.push(serializeCookie(name, '', { ...cookieOptions, httpOnly: true, path: '/', maxAge: 0, expires: new Date(0) })),
    },
    deviceCookie: {
      set: (token, maxAgeSeconds) =>
        void responseCookies.push(serializeCookie(deviceName, token, { ...cookieOptions, httpOnly: true, path: '/', maxAge: maxAgeSeconds })),
    },
    responseCookies,
    prismaForPlugin: deps.prisma,
  };
}

/** The acting user of a self-service field; without one the call is unauthenticated. */
export const requireActingUserId = (ctx: GraphQLContext): string => actingUserId(ctx) ?? fail('auth_unauthenticated');
