// Tenants API settings: account settings (get, update, public), sub-tenant management and
// hierarchy settings, and tenant deletion (what goes with the tenant, what stays with its users).
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

const gql = (src: string) => parse(src) as TypedDocumentNode<any, any>;
const SETTINGS = '/tenants/resources/account-settings/v1';
const SUB = '/tenants/resources/sub-tenants/v1';
type Owner = Awaited<ReturnType<typeof signUp>>;

describe('account settings', () => {
  it('the vendor reads and updates a tenant’s settings through frontegg-tenant-id', async () => {
    const a = await signUp(t);
    const headers = { 'frontegg-tenant-id': a.tenantId };
    const put = await t.rest('PUT', SETTINGS, {
      token: vendor,
      headers,
      body: { timezone: 'Europe/Paris', currency: 'eur', dateFormat: 'DD/MM/YYYY', timeFormat: 'HH:mm', address: '1 rue de la Paix', logo: 'https://cdn.test/logo.png' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      id: a.tenantId,
      timezone: 'Europe/Paris',
      currency: 'EUR',
      dateFormat: 'DD/MM/YYYY',
      timeFormat: 'HH:mm',
      address: '1 rue de la Paix',
      logo: 'https://cdn.test/logo.png',
    });
    const got = await t.rest('GET', `/frontegg${SETTINGS}`, { token: vendor, headers });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(put.body);
    const row = await t.deps.db.tenant.findUniqueOrThrow({ where: { id: a.tenantId } });
    expect(row).toMatchObject({ timezone: 'Europe/Paris', currency: 'EUR', logoUrl: 'https://cdn.test/logo.png' });

    // null clears one setting; the others stay
    const cleared = await t.rest('PUT', SETTINGS, { token: vendor, headers, body: { address: null } });
    expect(cleared.body.address).toBeUndefined();
    expect(cleared.body.timezone).toBe('Europe/Paris');

    expect((await t.rest('GET', SETTINGS, { token: vendor })).body.errorCode).toBe('tenant_header_required');
    expect((await t.rest('GET', SETTINGS, { token: vendor, headers: { 'frontegg-tenant-id': 'no-such-tenant' } })).status).toBe(404);
    expect((await t.rest('PUT', SETTINGS, { token: vendor, headers: { 'frontegg-tenant-id': 'no-such-tenant' }, body: { currency: 'USD' } })).status).toBe(404);
    expect((await t.rest('GET', SETTINGS)).status).toBe(401);
  });

  it('a tenant admin updates its own settings; a read-only member reads them and the public subset; a member cannot write', async () => {
    const a = await signUp(t);
    const put = await t.rest('PUT', SETTINGS, { token: a.accessToken, body: { timezone: 'America/New_York', logo: 'data:image/png;base64,iVBORw0KGgo=', address: 'HQ' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: a.tenantId, timezone: 'America/New_York', logo: 'data:image/png;base64,iVBORw0KGgo=' });

    const reader = await addMember(t, a.accessToken);
    expect((await t.rest('GET', SETTINGS, { token: reader.accessToken })).body).toMatchObject({ id: a.tenantId, address: 'HQ' });
    const pub = await t.rest('GET', `${SETTINGS}/public`, { token: reader.accessToken });
    expect(pub.status).toBe(200);
    expect(pub.body).toEqual({ id: a.tenantId, logo: 'data:image/png;base64,iVBORw0KGgo=' });
    const denied = await t.rest('PUT', SETTINGS, { token: reader.accessToken, body: { timezone: 'UTC' } });
    expect(denied.status).toBe(403);
    expect((await t.deps.db.tenant.findUniqueOrThrow({ where: { id: a.tenantId } })).timezone).toBe('America/New_York');

    // GraphQL: Tenant.accountSettings for the tenant the caller acts in
    const q = await t.gql(gql(`query($id: ID!) { tenant(id: $id) { accountSettings { id timezone logo } } }`), { id: a.tenantId }, { token: reader.accessToken });
    expect(q.data.tenant.accountSettings).toEqual({ id: a.tenantId, timezone: 'America/New_York', logo: 'data:image/png;base64,iVBORw0KGgo=' });
  });

  it('refuses bad input with 400 and Frontegg’s error body, and changes nothing', async () => {
    const a = await signUp(t);
    await t.rest('PUT', SETTINGS, { token: a.accessToken, body: { timezone: 'Asia/Tokyo', currency: 'JPY' } });
    const bad = [
      { timezone: 'Mars/Olympus_Mons' },
      { currency: 'EURO' },
      { currency: 'QQQ' },
      { logo: 'javascript:alert(1)' },
      { logo: 'data:text/html;base64,PHNjcmlwdD4=' },
      { logo: `data:image/png;base64,${'A'.repeat(600 * 1024)}` },
      { dateFormat: 'x'.repeat(65) },
      {},
      { timezone: 42 },
    ];
    for (const body of bad) {
      const r = await t.rest('PUT', SETTINGS, { token: a.accessToken, body });
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body).toEqual({ errors: [expect.any(String)], errorCode: 'validation_failed' });
    }
    expect(await t.deps.db.tenant.findUniqueOrThrow({ where: { id: a.tenantId } })).toMatchObject({ timezone: 'Asia/Tokyo', currency: 'JPY', logoUrl: null });
    // The Tenants API's own update applies the same rules to the same columns.
    for (const body of [{ timezone: 'Mars/Olympus_Mons' }, { currency: 'QQQ' }]) {
      const r = await t.rest('PUT', `/tenants/resources/tenants/v1/${a.tenantId}`, { token: vendor, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect(await t.deps.db.tenant.findUniqueOrThrow({ where: { id: a.tenantId } })).toMatchObject({ timezone: 'Asia/Tokyo', currency: 'JPY' });
  });

  it('a user of another tenant reads and writes only its own tenant’s settings, whatever header it sends', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    await t.rest('PUT', SETTINGS, { token: a.accessToken, body: { address: 'A secret address' } });
    const headers = { 'frontegg-tenant-id': a.tenantId };
    const read = await t.rest('GET', SETTINGS, { token: b.accessToken, headers });
    expect(read.body.id).toBe(b.tenantId);
    expect(read.body.address).toBeUndefined();
    expect((await t.rest('GET', `${SETTINGS}/public`, { token: b.accessToken, headers })).body.id).toBe(b.tenantId);
    const write = await t.rest('PUT', SETTINGS, { token: b.accessToken, headers, body: { address: 'overwritten' } });
    expect(write.body.id).toBe(b.tenantId);
    expect((await t.deps.db.tenant.findUniqueOrThrow({ where: { id: a.tenantId } })).address).toBe('A secret address');
    // through GraphQL, another tenant's settings stay closed
    const q = await t.gql(gql(`query($id: ID!) { tenant(id: $id) { id accountSettings { address } } }`), { id: a.tenantId }, { token: b.accessToken });
    expect(q.data?.tenant ?? null).toBeNull();
  });
});

describe('sub-tenant management and hierarchy settings', () => {
  async function family() {
    const owner = await signUp(t, { companyName: 'Reseller' });
    const child = await t.rest('POST', SUB, { token: owner.accessToken, body: { name: 'Child', parentTenantId: owner.tenantId } });
    expect(child.status).toBe(201);
    return { owner, child: child.body.tenantId as string };
  }
  const put = (o: Owner | string, path: string, body: unknown) =>
    t.rest('PUT', `${SUB}${path}`, { token: typeof o === 'string' ? o : o.accessToken, body });

  it('an admin of an ancestor (or the vendor) sets isReseller and subAccountAccessType on a tenant below it', async () => {
    const { owner, child } = await family();
    const m = await put(owner, `/${child}/management`, { isReseller: true });
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ tenantId: child, isReseller: true, subAccountAccessType: 'defaultOff' });
    const h = await put(owner, `/${child}/hierarchy-settings`, { subAccountAccessType: 'defaultOn' });
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ tenantId: child, isReseller: true, subAccountAccessType: 'defaultOn' });
    expect(await t.deps.db.tenant.findUniqueOrThrow({ where: { id: child } })).toMatchObject({ isReseller: true, subAccountAccessType: 'defaultOn' });
    // the vendor may change any tenant, its own-tree check does not apply
    expect((await put(vendor, `/${owner.tenantId}/management`, { isReseller: true })).body.isReseller).toBe(true);
    const q = await t.gql(gql(`query($id: ID!) { tenant(id: $id) { isReseller subAccountAccessType } }`), { id: child }, { token: vendor });
    expect(q.data.tenant).toEqual({ isReseller: true, subAccountAccessType: 'defaultOn' });
  });

  it('refuses a tenant’s own settings, another tree, a member without the permission, and bad bodies', async () => {
    const { owner, child } = await family();
    expect((await put(owner, `/${owner.tenantId}/management`, { isReseller: true })).status).toBe(404);
    expect((await put(owner, `/${owner.tenantId}/hierarchy-settings`, { subAccountAccessType: 'alwaysOn' })).status).toBe(404);
    const other = await signUp(t);
    expect((await put(other, `/${child}/management`, { isReseller: true })).status).toBe(404);
    expect((await put(other, `/${child}/hierarchy-settings`, { subAccountAccessType: 'alwaysOn' })).status).toBe(404);
    const reader = await addMember(t, owner.accessToken);
    expect((await put(reader.accessToken, `/${child}/management`, { isReseller: true })).status).toBe(403);
    for (const [path, body] of [
      ['management', { isReseller: 'yes' }],
      ['management', {}],
      ['hierarchy-settings', { subAccountAccessType: 'sometimes' }],
    ] as const) {
      const r = await put(owner, `/${child}/${path}`, body);
      expect(r.status).toBe(400);
      expect(r.body.errorCode).toBe('validation_failed');
    }
    expect((await put(vendor, '/no-such-tenant/management', { isReseller: true })).status).toBe(404);
    expect(await t.deps.db.tenant.findUniqueOrThrow({ where: { id: child } })).toMatchObject({ isReseller: false, subAccountAccessType: 'defaultOff' });
  });

  it('alwaysOn opens the sub-tenants to every member (when the vendor allows sub-tenant access)', async () => {
    const { owner, child } = await family();
    const setVendorAccess = (v: boolean) =>
      t.gql(gql(`mutation($v: Boolean!) { updateVendorSettings(input: { subTenantAccessAllowed: $v }) { __typename } }`), { v }, { token: vendor });
    await setVendorAccess(true);
    try {
      const member = await addMember(t, owner.accessToken);
      const mine = async () => (await t.rest('GET', '/identity/resources/users/v2/me/hierarchy', { token: member.accessToken })).body[0].children;
      expect(await mine()).toEqual([]);
      expect((await put(vendor, `/${owner.tenantId}/hierarchy-settings`, { subAccountAccessType: 'alwaysOn' })).status).toBe(200);
      expect((await mine()).map((c: { tenantId: string }) => c.tenantId)).toEqual([child]);
    } finally {
      await setVendorAccess(false);
    }
  });
  it('defaultOn gives new members of the tenant access to its sub-tenants; earlier members keep their flag', async () => {
    const { owner, child } = await family();
    const before = await addMember(t, owner.accessToken);
    expect((await put(vendor, `/${owner.tenantId}/hierarchy-settings`, { subAccountAccessType: 'defaultOn' })).status).toBe(200);
    const after = await addMember(t, owner.accessToken);
    const flag = async (userId: string) =>
      (await t.deps.db.userTenant.findUniqueOrThrow({ where: { userId_tenantId: { userId, tenantId: owner.tenantId } } })).subTenantAccess;
    expect(await flag(after.userId)).toBe(true);
    expect(await flag(before.userId)).toBe(false);
    // Only the tenant with the setting: joining the child (defaultOff) grants nothing.
    const m = await t.deps.db.userTenant.create({ data: { userId: before.userId, tenantId: child } });
    expect(m.subTenantAccess).toBe(false);
  });
});

describe('tenant deletion', () => {
  it('removes the tenant’s rows and leaves its users’ other tenant (membership, roles, groups, tokens, sessions) untouched', async () => {
    const db = t.deps.db;
    const adminA = await signUp(t, { companyName: 'Doomed' });
    const user = await signUp(t, { companyName: 'Survivor' }); // admin of B, will join A
    const A = adminA.tenantId;
    const B = user.tenantId;
    const asA = { token: adminA.accessToken };
    const asB = { token: user.accessToken };

    // B's own things, owned by the user
    const bRole = (await t.rest('POST', '/identity/resources/roles/v1', { ...asB, body: [{ key: 'b-role', name: 'B role' }] })).body[0];
    expect((await t.rest('POST', `/identity/resources/users/v1/${user.userId}/roles`, { ...asB, body: { roleIds: [bRole.id] } })).status).toBeLessThan(300);
    const bGroup = (await t.rest('POST', '/identity/resources/groups/v1', { ...asB, body: { name: 'B group' } })).body;
    expect((await t.rest('POST', `/identity/resources/groups/v1/${bGroup.id}/users`, { ...asB, body: { userIds: [user.userId] } })).status).toBeLessThan(300);
    expect((await t.rest('POST', '/identity/resources/tenants/api-tokens/v1', { ...asB, body: { description: 'B token', permissionIds: ['fe.secure.read.users'] } })).status).toBe(201);

    // the user joins A, gets an A role and an A group; A gets tokens, an invite, a policy
    expect((await t.rest('POST', '/identity/resources/users/v1', { token: vendor, headers: { 'frontegg-tenant-id': A }, body: { email: user.email } })).status).toBe(201);
    const aRole = (await t.rest('POST', '/identity/resources/roles/v1', { ...asA, body: [{ key: 'a-role', name: 'A role' }] })).body[0];
    expect((await t.rest('POST', `/identity/resources/users/v1/${user.userId}/roles`, { ...asA, body: { roleIds: [aRole.id] } })).status).toBeLessThan(300);
    const aGroup = (await t.rest('POST', '/identity/resources/groups/v1', { ...asA, body: { name: 'A group' } })).body;
    expect((await t.rest('POST', `/identity/resources/groups/v1/${aGroup.id}/users`, { ...asA, body: { userIds: [user.userId] } })).status).toBeLessThan(300);
    expect((await t.rest('POST', '/identity/resources/tenants/api-tokens/v1', { ...asA, body: { description: 'A token', permissionIds: ['fe.secure.read.users'] } })).status).toBe(201);
    expect((await t.rest('POST', '/identity/resources/tenants/invites/v1', { ...asA, headers: { 'frontegg-tenant-id': A }, body: { tenantId: A } })).status).toBeLessThan(300);
    await t.rest('PUT', SETTINGS, { ...asA, body: { timezone: 'UTC' } });

    // a session in A (the user switches to A and logs in) beside the sign-up session in B
    expect((await t.rest('PUT', '/identity/resources/users/v1/tenant', { ...asB, body: { tenantId: A } })).status).toBe(200);
    const loginA = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email: user.email, password: user.password } });
    expect(loginA.status).toBe(200);
    const sessions = await db.session.findMany({ where: { userId: user.userId }, select: { id: true, tenantId: true } });
    expect(sessions.map((s) => s.tenantId).sort()).toEqual([A, B].sort());
    const sessionInA = sessions.find((s) => s.tenantId === A)!.id;
    const sessionInB = sessions.find((s) => s.tenantId === B)!.id;
    // a personal access token of the user, minted in A
    expect((await t.rest('POST', '/identity/resources/users/access-tokens/v1', { token: loginA.body.accessToken, body: { description: 'mine in A' } })).status).toBe(201);

    // A's own MFA policy (set after the login above, which it would have stopped at MFA)
    expect((await t.rest('PUT', '/identity/resources/configurations/v1/mfa-policy', { token: vendor, headers: { 'frontegg-tenant-id': A }, body: { enforceMFAType: 'Force' } })).status).toBe(200);

    const snapshotB = async () => ({
      membership: await db.userTenant.findUnique({ where: { userId_tenantId: { userId: user.userId, tenantId: B } }, include: { roles: { select: { roleId: true } } } }),
      roles: await db.role.count({ where: { tenantId: B } }),
      groupUsers: await db.groupUser.count({ where: { group: { tenantId: B } } }),
      apiTokens: await db.apiToken.count({ where: { tenantId: B } }),
      session: await db.session.findUnique({ where: { id: sessionInB }, select: { tenantId: true, revokedAt: true } }),
    });
    const before = await snapshotB();
    expect(before.membership?.roles.map((r) => r.roleId)).toContain(bRole.id);
    expect(await db.apiToken.count({ where: { tenantId: A } })).toBe(2);
    expect(await db.invitation.count({ where: { tenantId: A } })).toBeGreaterThan(0);
    expect(await db.policy.count({ where: { tenantId: A } })).toBeGreaterThan(0);

    // a tenant with a sub-tenant cannot go
    const child = await t.rest('POST', SUB, { ...asA, body: { name: 'A child', parentTenantId: A } });
    expect((await t.rest('DELETE', `/tenants/resources/tenants/v1/${A}`, { token: vendor })).status).toBe(409);
    expect((await t.rest('DELETE', `/tenants/resources/tenants/v1/${child.body.tenantId}`, { token: vendor })).status).toBe(200);

    expect((await t.rest('DELETE', `/tenants/resources/tenants/v1/${A}`, { token: vendor })).status).toBe(200);

    // A's rows are gone
    expect(await db.tenant.findUnique({ where: { id: A } })).toBeNull();
    expect(await db.userTenant.count({ where: { tenantId: A } })).toBe(0);
    expect(await db.role.count({ where: { tenantId: A } })).toBe(0);
    expect(await db.group.count({ where: { tenantId: A } })).toBe(0);
    expect(await db.apiToken.count({ where: { tenantId: A } })).toBe(0);
    expect(await db.invitation.count({ where: { tenantId: A } })).toBe(0);
    expect(await db.policy.count({ where: { tenantId: A } })).toBe(0);
    expect(await db.userTenantRole.count({ where: { roleId: aRole.id } })).toBe(0);
    // the session logged in to A is ended, not moved into B by its next refresh
    expect(await db.session.findUniqueOrThrow({ where: { id: sessionInA } })).toMatchObject({ revokedReason: 'tenant_deleted' });
    const refreshA = await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie: loginA.refreshCookie!, body: {} });
    expect(refreshA.status).toBe(401);

    // B, the user's membership there, its roles, groups, tokens and session are untouched
    expect(await snapshotB()).toEqual(before);
    expect(await db.user.findUnique({ where: { id: user.userId } })).not.toBeNull();
    expect(await db.user.findUnique({ where: { id: adminA.userId } })).not.toBeNull();
    const refreshB = await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie: user.refreshToken, body: {} });
    expect(refreshB.status).toBe(201);
    const me = await t.rest('GET', '/identity/resources/users/v2/me', { token: refreshB.body.accessToken });
    expect(me.body.tenantId).toBe(B);
    expect(me.body.tenantIds).toEqual([B]);
  });
});
