// The one rule for "which tenant may this caller act in" (services/authorization/tenant-scope.ts),
// unit-tested without a transport: every GraphQL scope and resolver, and through them every
// REST route, asks these functions.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors/domain-errors.ts';
import type { Principal } from '../../src/services/auth/auth.service.ts';
import {
  actingTenantId,
  actingUserId,
  actsIn,
  type Caller,
  confinedTenant,
  holds,
  managementActor,
  mayActIn,
  scopeFor,
  subTenantOf,
  tenantFor,
  tenantWithin,
} from '../../src/services/authorization/tenant-scope.ts';

const A = 'tenant-a';
const B = 'tenant-b';
const B_CHILD = 'tenant-b-child';
const READ_USERS = 'fe.secure.read.users';

const vendor = (headerTenantId: string | null = null, headerUserId: string | null = null): Caller => ({
  principal: { kind: 'vendor', clientId: 'vendor' },
  headerTenantId,
  headerUserId,
  subTenantId: null,
});
const userPrincipal = (permissions: string[] = [READ_USERS]): Principal => ({
  kind: 'user',
  userId: 'admin-of-b',
  tenantId: B,
  tenantIds: [B],
  sessionId: 's',
  roles: ['Admin'],
  permissions,
});
/** A user of B; `header` is a frontegg-tenant-id it sent, `sub` what sub-tenant access granted. */
const user = (o: { header?: string; sub?: string; permissions?: string[] } = {}): Caller => ({
  principal: userPrincipal(o.permissions),
  headerTenantId: o.header ?? null,
  headerUserId: null,
  subTenantId: o.sub ?? null,
});
const apiToken = (header: string | null = null): Caller => ({
  principal: { kind: 'apiToken', tokenId: 't', tokenKind: 'tenant', userId: null, tenantId: B, roles: [], permissions: [READ_USERS] },
  headerTenantId: header,
  headerUserId: null,
  subTenantId: null,
});
const anonymous: Caller = { principal: { kind: 'anonymous' }, headerTenantId: A, headerUserId: 'u', subTenantId: null };

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'ok';
};
const codeAsync = async (f: () => Promise<unknown>) => {
  try {
    await f();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'ok';
};

describe('vendor token', () => {
  it('without frontegg-tenant-id: must name a tenant where one is needed, else acts vendor-wide', () => {
    const c = vendor();
    expect(actingTenantId(c)).toBeNull();
    expect(code(() => tenantFor(c))).toBe('tenant_header_required');
    expect(scopeFor(c)).toBeNull();
    expect(confinedTenant(c)).toBeNull();
    expect(managementActor(c)).toEqual({ kind: 'vendor', tenantId: null });
    expect(tenantFor(c, A)).toBe(A);
  });

  it('with frontegg-tenant-id: acts there, and an argument wins over the header', () => {
    const c = vendor(A, 'some-user');
    expect(actingTenantId(c)).toBe(A);
    expect(actingUserId(c)).toBe('some-user');
    expect(tenantFor(c)).toBe(A);
    expect(scopeFor(c)).toBe(A);
    expect(tenantFor(c, B)).toBe(B);
    expect(managementActor(c, B)).toEqual({ kind: 'vendor', tenantId: B });
    expect(mayActIn(c, B)).toBe(true);
    expect(holds(c, 'anything')).toBe(true);
  });
});

describe('user token', () => {
  it('acts in its own tenant', () => {
    const c = user();
    expect(actingTenantId(c)).toBe(B);
    expect(actingUserId(c)).toBe('admin-of-b');
    expect(tenantFor(c)).toBe(B);
    expect(tenantFor(c, B)).toBe(B);
    expect(scopeFor(c)).toBe(B);
    expect(confinedTenant(c)).toBe(B);
    expect(mayActIn(c, null)).toBe(true);
    expect(mayActIn(c, B)).toBe(true);
    expect(actsIn(c, B)).toBe(true);
    expect(managementActor(c, B)).toEqual({ kind: 'tenant', tenantId: B, permissions: [READ_USERS] });
  });

  it('asking for another tenant is refused, by argument in every form', () => {
    const c = user();
    expect(mayActIn(c, A)).toBe(false);
    expect(actsIn(c, A)).toBe(false);
    expect(code(() => tenantFor(c, A))).toBe('auth_forbidden');
    expect(code(() => scopeFor(c, A))).toBe('auth_forbidden');
    expect(code(() => managementActor(c, A))).toBe('auth_forbidden');
  });

  it('a forged frontegg-tenant-id changes nothing: it still acts in its own tenant', () => {
    const c = user({ header: A });
    expect(actingTenantId(c)).toBe(B);
    expect(tenantFor(c)).toBe(B);
    expect(scopeFor(c)).toBe(B);
    expect(managementActor(c)).toMatchObject({ kind: 'tenant', tenantId: B });
    expect(actsIn(c, A)).toBe(false);
  });

  it('holds only the permissions of its token', () => {
    expect(holds(user(), READ_USERS)).toBe(true);
    expect(holds(user({ permissions: [] }), READ_USERS)).toBe(false);
  });
});

describe('sub-tenant access', () => {
  const allowed = async (_u: string, own: string, sub: string) => own === B && sub === B_CHILD;

  it('a header naming a sub-tenant the user may enter becomes the acting tenant', async () => {
    expect(await subTenantOf(userPrincipal(), B_CHILD, allowed)).toBe(B_CHILD);
    const c = user({ header: B_CHILD, sub: B_CHILD });
    expect(actingTenantId(c)).toBe(B_CHILD);
    expect(tenantFor(c)).toBe(B_CHILD);
    expect(code(() => tenantFor(c, B))).toBe('auth_forbidden');
  });

  it('a header naming any other tenant is ignored; API tokens and the vendor never get one', async () => {
    expect(await subTenantOf(userPrincipal(), A, allowed)).toBeNull();
    expect(await subTenantOf(userPrincipal(), B, allowed)).toBeNull();
    expect(await subTenantOf(apiToken(B_CHILD).principal, B_CHILD, async () => true)).toBeNull();
    expect(await subTenantOf(vendor(B_CHILD).principal, B_CHILD, async () => true)).toBeNull();
  });

  it('hierarchy calls reach below the acting tenant and nothing else ("not found")', async () => {
    const within = async (root: string, id: string) => root === B && id === B_CHILD;
    const c = user();
    expect(await tenantWithin(c, null, within)).toBe(B);
    expect(await tenantWithin(c, B_CHILD, within)).toBe(B_CHILD);
    expect(await codeAsync(() => tenantWithin(c, A, within))).toBe('tenant_not_found');
    expect(await tenantWithin(vendor(), A, within)).toBe(A);
    expect(await codeAsync(() => tenantWithin(vendor(), null, within))).toBe('tenant_header_required');
  });
});

describe('API token and anonymous', () => {
  it('an API token is bound to its tenant whatever header it sends, and has no acting user', () => {
    const c = apiToken(A);
    expect(actingTenantId(c)).toBe(B);
    expect(actingUserId(c)).toBeNull();
    expect(tenantFor(c)).toBe(B);
    expect(code(() => tenantFor(c, A))).toBe('auth_forbidden');
    expect(managementActor(c)).toEqual({ kind: 'tenant', tenantId: B, permissions: [READ_USERS] });
  });

  it('anonymous acts nowhere, whatever its headers say', () => {
    expect(actingTenantId(anonymous)).toBeNull();
    expect(actingUserId(anonymous)).toBeNull();
    expect(mayActIn(anonymous, null)).toBe(false);
    expect(holds(anonymous, READ_USERS)).toBe(false);
    expect(code(() => tenantFor(anonymous))).toBe('auth_unauthenticated');
    expect(code(() => scopeFor(anonymous))).toBe('auth_unauthenticated');
    expect(code(() => managementActor(anonymous))).toBe('auth_unauthenticated');
  });
});
