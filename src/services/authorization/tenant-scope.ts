// Which tenant a caller may act in, and as whom: the one rule for every transport (GraphQL
// scopes and resolvers, and through them every REST route; later the Logto API and the OIDC
// provider). A transport turns its request into a Caller once and asks these functions; it
// never compares tenant ids itself, so a forged frontegg-tenant-id or a foreign tenantId
// argument is refused in one place (the isolation matrix probes every route and field).
import { fail } from '../../errors/domain-errors.ts';
import type { Principal } from '../auth/auth.service.ts';
import type { ManagementActor } from '../roles/actor.ts';

/** A verified token and the Frontegg headers that came with it. */
export interface Caller {
  principal: Principal;
  /** frontegg-tenant-id as sent. It names the tenant of a vendor call; a user token never acts on it directly. */
  headerTenantId: string | null;
  /** frontegg-user-id as sent: the user a vendor call acts for. */
  headerUserId: string | null;
  /** The sub-tenant a user token acts in instead of its own tenant (see subTenantOf), else null. */
  subTenantId: string | null;
}

/**
 * The sub-tenant a user token acts in: the tenant its frontegg-tenant-id names, when that is
 * below the token's tenant and sub-tenant access lets the user in (Frontegg's sub-account
 * access); otherwise null, and the call acts in the token's own tenant, where a foreign id
 * finds nothing. Only user tokens: an API token is bound to its tenant, the vendor needs no
 * permission to name one.
 */
export async function subTenantOf(
  principal: Principal,
  headerTenantId: string | null,
  canActInSubTenant: (userId: string, ownTenantId: string, subTenantId: string) => Promise<boolean>,
): Promise<string | null> {
  if (principal.kind !== 'user' || !headerTenantId || headerTenantId === principal.tenantId) return null;
  return (await canActInSubTenant(principal.userId, principal.tenantId, headerTenantId)) ? headerTenantId : null;
}

/** The user a call acts as: the token's user, or the frontegg-user-id of a vendor call. */
export function actingUserId(c: Caller): string | null {
  if (c.principal.kind === 'user') return c.principal.userId;
  if (c.principal.kind === 'vendor') return c.headerUserId;
  return null;
}

/**
 * The tenant a call acts in: the token's tenant (or the sub-tenant access let it into), the
 * API token's tenant, or the frontegg-tenant-id of a vendor call. A user acting in a sub-tenant
 * keeps the roles of its own tenant, as in Frontegg.
 */
export function actingTenantId(c: Caller): string | null {
  if (c.principal.kind === 'user') return c.subTenantId ?? c.principal.tenantId;
  if (c.principal.kind === 'apiToken') return c.principal.tenantId;
  if (c.principal.kind === 'vendor') return c.headerTenantId;
  return null;
}

/** The caller (user or API token) holds this permission key in its tenant; the vendor holds all. */
export function holds(c: Caller, permission: string): boolean {
  const p = c.principal;
  return p.kind === 'vendor' || ((p.kind === 'user' || p.kind === 'apiToken') && p.permissions.includes(permission));
}

/**
 * Whether a call may act in `requested` (absent: the tenant it acts in). The vendor may name any
 * tenant; everyone else only the tenant it acts in. Checked before a field resolves (the
 * `tenantAccess` scope) and again where the tenant is taken (tenantFor, scopeFor).
 */
export function mayActIn(c: Caller, requested: string | null | undefined): boolean {
  if (c.principal.kind === 'vendor') return true;
  const own = actingTenantId(c);
  return own !== null && (!requested || requested === own);
}

/** The caller acts in exactly this tenant (not the vendor naming no tenant; not a tenant above or below). */
export const actsIn = (c: Caller, tenantId: string): boolean => actingTenantId(c) === tenantId;

function ownTenant(c: Caller, requested: string | null | undefined): string {
  const own = actingTenantId(c) ?? fail('auth_unauthenticated');
  if (requested && requested !== own) fail('auth_forbidden');
  return own;
}

/**
 * The tenant of a call that needs one: the vendor names it (argument, else frontegg-tenant-id);
 * anyone else acts in its own tenant, and naming another is refused.
 */
export function tenantFor(c: Caller, requested?: string | null): string {
  if (c.principal.kind === 'vendor') return requested ?? c.headerTenantId ?? fail('tenant_header_required');
  return ownTenant(c, requested);
}

/**
 * Like tenantFor, where the vendor may also name no tenant: null means every tenant (a
 * listing) or the vendor-wide default (a policy).
 */
export function scopeFor(c: Caller, requested?: string | null): string | null {
  if (c.principal.kind === 'vendor') return requested ?? c.headerTenantId ?? null;
  return ownTenant(c, requested);
}

/**
 * The tenant a call is confined to when it names its target by id (a user, a sub-tenant):
 * null for the vendor (anywhere), else the tenant it acts in.
 */
export function confinedTenant(c: Caller): string | null {
  return c.principal.kind === 'vendor' ? null : (actingTenantId(c) ?? fail('auth_unauthenticated'));
}

/**
 * The tenant of a hierarchy call: the vendor names any (argument, else frontegg-tenant-id);
 * anyone else its acting tenant or one below it. Outside its sub-tree is "not found", so
 * another customer's tenant ids cannot be probed for existence.
 */
export async function tenantWithin(
  c: Caller,
  requested: string | null | undefined,
  isWithin: (rootId: string, id: string) => Promise<boolean>,
): Promise<string> {
  if (c.principal.kind === 'vendor') return requested ?? c.headerTenantId ?? fail('tenant_header_required');
  const own = actingTenantId(c) ?? fail('auth_unauthenticated');
  if (!requested || requested === own) return own;
  if (!(await isWithin(own, requested))) fail('tenant_not_found');
  return requested;
}

/**
 * The caller as the role, group and membership services see it: the vendor in the tenant it
 * names (or vendor-wide), a user or API token in its own tenant with the permissions it holds.
 */
export function managementActor(c: Caller, requested?: string | null): ManagementActor {
  const p = c.principal;
  if (p.kind === 'vendor') return { kind: 'vendor', tenantId: scopeFor(c, requested) };
  if (p.kind === 'user' || p.kind === 'apiToken') return { kind: 'tenant', tenantId: ownTenant(c, requested), permissions: p.permissions };
  return fail('auth_unauthenticated');
}
