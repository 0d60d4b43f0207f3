// User management routes: listing and search, updates, removal, lock, flags, tenants of a user,
// statuses, disable/enable, temporary users and role assignment; tenant isolation and rights.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

const U = '/identity/resources/users';
const PASSWORD = 'member passphrase';

/** A member (ReadOnly by default) of the tenant, created by the vendor. */
async function member(tenantId: string, o: { name?: string; email?: string } = {}) {
  const email = o.email ?? uniqueEmail('member');
  const r = await t.rest('POST', `${U}/v1`, {
    token: vendor,
    headers: { 'frontegg-tenant-id': tenantId },
    body: { email, name: o.name ?? 'Member', password: PASSWORD },
  });
  expect(r.status).toBe(201);
  return { id: r.body.id as string, email };
}

const login = (email: string, password = PASSWORD) => t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });
const tokenOf = async (email: string) => {
  const r = await login(email);
  expect(r.status).toBe(200);
  return r.body.accessToken as string;
};

describe('listing and search', () => {
  it('lists the caller tenant only, pages with _limit/_offset, sorts, and refuses bad input', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const m1 = await member(a.tenantId, { name: 'Zed Alpha' });
    const m2 = await member(a.tenantId, { name: 'Amy Beta' });
    const foreign = await member(b.tenantId, { name: 'Zed Foreign' });

    const all = await t.rest('GET', `${U}/v3?_sortBy=name&_order=ASC`, { token: a.accessToken });
    expect(all.status).toBe(200);
    const ids = all.body.items.map((u: { id: string }) => u.id);
    expect(ids).toEqual(expect.arrayContaining([a.userId, m1.id, m2.id]));
    expect(ids).not.toContain(foreign.id);
    expect(all.body._metadata).toEqual({ totalItems: 3, totalPages: 1 });
    expect(all.body.items[0]).toMatchObject({ id: m2.id, name: 'Amy Beta', tenantId: a.tenantId, roles: [expect.objectContaining({ key: 'ReadOnly' })] });

    const page = await t.rest('GET', `${U}/v3?_limit=2&_offset=1&_sortBy=name`, { token: a.accessToken });
    expect(page.body.items).toHaveLength(1);
    expect(page.body._metadata).toEqual({ totalItems: 3, totalPages: 2 });

    const desc = await t.rest('GET', `${U}/v3?_sortBy=createdAt&_order=DESC&_limit=1`, { token: a.accessToken });
    expect(desc.body.items[0].id).toBe(m2.id);

    expect((await t.rest('GET', `${U}/v3?_sortBy=password`, { token: a.accessToken })).status).toBe(400);
    expect((await t.rest('GET', `${U}/v3?_limit=201`, { token: a.accessToken })).status).toBe(400);
    expect((await t.rest('GET', `${U}/v3?_offset=-1`, { token: a.accessToken })).status).toBe(400);

    // Another tenant's listing is refused, with nothing of it in the body.
    const other = await t.rest('GET', `${U}/v3?_tenantId=${b.tenantId}`, { token: a.accessToken });
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toContain(foreign.email);

    // The vendor names the tenant; filters by email and ids work.
    const v = await t.rest('GET', `${U}/v3?_email=${encodeURIComponent(foreign.email)}`, { token: vendor, headers: { 'frontegg-tenant-id': b.tenantId } });
    expect(v.body.items.map((u: { id: string }) => u.id)).toEqual([foreign.id]);
    const byIds = await t.rest('GET', `${U}/v3?ids=${m1.id},${foreign.id}`, { token: a.accessToken });
    expect(byIds.body.items.map((u: { id: string }) => u.id)).toEqual([m1.id]);
  });

  it('phrase search (contains, excludes, optional, approximate) and lookup by email stay in the tenant', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const m1 = await member(a.tenantId, { name: 'Gandalf Grey' });
    const m2 = await member(a.tenantId, { name: 'Gandalf White' });
    await member(b.tenantId, { name: 'Gandalf Foreign' });
    const q = (s: string) => t.rest('GET', `${U}/v1/query/phrase?${s}`, { token: a.accessToken });
    const names = (r: { body: { items: Array<{ name: string }> } }) => r.body.items.map((u) => u.name).sort();

    expect(names(await q('_phraseSearchContains=gandalf'))).toEqual(['Gandalf Grey', 'Gandalf White']);
    expect(names(await q('_phraseSearchContains=gandalf&_phraseSearchExcludes=white'))).toEqual(['Gandalf Grey']);
    expect(names(await q('_phraseSearchOptional=grey,white'))).toEqual(['Gandalf Grey', 'Gandalf White']);
    expect(names(await q('_phraseSearchContains=gandalv&_phraseSearchApproximate=true'))).toEqual(['Gandalf Grey', 'Gandalf White']);
    // LIKE wildcards are literal
    expect((await q('_phraseSearchContains=%25')).body.items).toEqual([]);

    const byEmail = await t.rest('GET', `${U}/v1/email?email=${encodeURIComponent(m1.email.toUpperCase())}`, { token: a.accessToken });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body).toMatchObject({ id: m1.id, email: m1.email });
    const foreign = await t.rest('GET', `${U}/v1/email?email=${encodeURIComponent(m2.email)}`, { token: b.accessToken });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain(m2.id);
  });
});

describe('updates', () => {
  it('tenant update by frontegg-user-id, global vendor update, profile update; read-only and foreign callers are refused', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const m = await member(a.tenantId);
    const r = await t.rest('PUT', `${U}/v1`, { token: a.accessToken, headers: { 'frontegg-user-id': m.id }, body: { name: 'Renamed', metadata: '{"x":1}' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: m.id, name: 'Renamed', metadata: '{"x":1}' });

    const foreign = await t.rest('PUT', `${U}/v1`, { token: b.accessToken, headers: { 'frontegg-user-id': m.id }, body: { name: 'Hacked' } });
    expect(foreign.status).toBe(404);
    const readOnly = await tokenOf(m.email);
    const denied = await t.rest('PUT', `${U}/v1`, { token: readOnly, headers: { 'frontegg-user-id': a.userId }, body: { name: 'Hacked' } });
    expect(denied.status).toBe(403);
    expect((await t.deps.db.user.findUnique({ where: { id: m.id } }))!.name).toBe('Renamed');
    expect((await t.deps.db.user.findUnique({ where: { id: a.userId } }))!.name).not.toBe('Hacked');

    // vendor-only fields: the vendor may, a tenant admin may not
    const v = await t.rest('PUT', `${U}/v1/${m.id}`, { token: vendor, body: { vendorMetadata: '{"tier":"gold"}', externalId: 'ext-1' } });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ vendorMetadata: '{"tier":"gold"}', externalId: 'ext-1' });
    expect((await t.rest('PUT', `${U}/v1/${m.id}`, { token: a.accessToken, body: { mfaBypass: true } })).status).toBe(403);

    const me = await t.rest('PUT', `${U}/v2/me`, { token: readOnly, body: { name: 'Myself', phoneNumber: '+15551234567' } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: m.id, name: 'Myself', phoneNumber: '+15551234567' });
    expect((await t.rest('PUT', `${U}/v2/me`, { token: readOnly, body: { metadata: 'not json' } })).status).toBe(400);
  });

  it('updates the email; a taken address is 409, a foreign user 404', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const m = await member(a.tenantId);
    const email = uniqueEmail('changed');
    const r = await t.rest('PUT', `${U}/v1/${m.id}/email`, { token: a.accessToken, body: { email } });
    expect(r.status).toBe(200);
    expect(r.body.email).toBe(email);
    expect((await t.rest('PUT', `${U}/v1/${m.id}/email`, { token: a.accessToken, body: { email: a.email } })).status).toBe(409);
    expect((await t.rest('PUT', `${U}/v1/${m.id}/email`, { token: b.accessToken, body: { email: uniqueEmail() } })).status).toBe(404);
    expect((await t.rest('PUT', `${U}/v1/${m.id}/email`, { token: a.accessToken, body: { email: 'nope' } })).status).toBe(400);
    expect((await t.deps.db.user.findUnique({ where: { id: m.id } }))!.email).toBe(email);
  });
});

describe('removal, lock and flags', () => {
  it('a tenant admin removes the membership; the vendor deletes the user; foreign or read-only callers are refused', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const m = await member(a.tenantId);
    await t.rest('POST', `${U}/v1/${m.id}/tenant`, { token: vendor, body: { tenantId: b.tenantId } });

    const readOnly = await tokenOf(m.email);
    expect((await t.rest('DELETE', `${U}/v1/${a.userId}`, { token: readOnly })).status).toBe(403);
    const r = await t.rest('DELETE', `${U}/v1/${m.id}`, { token: a.accessToken });
    expect(r.status).toBe(200);
    const memberships = await t.deps.db.userTenant.findMany({ where: { userId: m.id } });
    expect(memberships.map((x) => x.tenantId)).toEqual([b.tenantId]);
    // now foreign to a
    expect((await t.rest('DELETE', `${U}/v1/${m.id}`, { token: a.accessToken })).status).toBe(404);

    expect((await t.rest('DELETE', `${U}/v1/${m.id}`, { token: vendor })).status).toBe(200);
    expect(await t.deps.db.user.findUnique({ where: { id: m.id } })).toBeNull();
    expect((await t.rest('DELETE', `${U}/v1/${m.id}`, { token: vendor })).status).toBe(404);
  });

  it('locks a user (login refused); invisible and superuser are vendor only; invisible users leave tenant listings', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const m = await member(a.tenantId);
    expect((await t.rest('POST', `${U}/v1/${m.id}/lock`, { token: b.accessToken })).status).toBe(404);
    expect((await t.rest('POST', `${U}/v1/${m.id}/lock`, { token: a.accessToken })).status).toBe(200);
    expect((await login(m.email)).status).toBe(403);

    expect((await t.rest('PUT', `${U}/v1/${m.id}/invisible`, { token: a.accessToken, body: { invisible: true } })).status).toBe(403);
    const inv = await t.rest('PUT', `${U}/v1/${m.id}/invisible`, { token: vendor, body: { invisible: true } });
    expect(inv.status).toBe(200);
    expect(inv.body.invisible).toBe(true);
    const list = await t.rest('GET', `${U}/v3`, { token: a.accessToken });
    expect(list.body.items.map((u: { id: string }) => u.id)).not.toContain(m.id);

    expect((await t.rest('PUT', `${U}/v1/${m.id}/superuser`, { token: a.accessToken, body: { superUser: true } })).status).toBe(403);
    const su = await t.rest('PUT', `${U}/v1/${m.id}/superuser`, { token: vendor, body: { superUser: true } });
    expect(su.body.superUser).toBe(true);
    expect((await t.rest('PUT', `${U}/v1/unknown-id/superuser`, { token: vendor, body: { superUser: true } })).status).toBe(404);
  });
});

describe('tenants of a user', () => {
  it('adds to a tenant, sets the active tenant, migrates all users in one go', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const c = await signUp(t);
    const m = await member(a.tenantId);
    const added = await t.rest('POST', `${U}/v1/${m.id}/tenant`, { token: vendor, body: { tenantId: b.tenantId } });
    expect(added.status).toBe(201);
    expect(added.body.tenantIds).toEqual([a.tenantId, b.tenantId]);
    expect((await t.rest('POST', `${U}/v1/${m.id}/tenant`, { token: vendor, body: { tenantId: b.tenantId } })).status).toBe(409);
    expect((await t.rest('POST', `${U}/v1/${m.id}/tenant`, { token: vendor, body: { tenantId: 'no-such-tenant' } })).status).toBe(404);
    expect((await t.rest('POST', `${U}/v1/${m.id}/tenant`, { token: a.accessToken, body: { tenantId: b.tenantId } })).status).toBe(403);

    const set = await t.rest('PUT', `${U}/v1/${m.id}/tenant`, { token: vendor, body: { tenantId: b.tenantId } });
    expect(set.status).toBe(200);
    expect(set.body.tenantId).toBe(b.tenantId);
    expect((await t.rest('PUT', `${U}/v1/${m.id}/tenant`, { token: vendor, body: { tenantId: c.tenantId } })).status).toBe(403);

    // migrate b → c: m and b's owner move; an unknown target changes nothing
    const bad = await t.rest('PUT', `${U}/v1/tenants/migrate`, { token: vendor, body: { srcTenantId: b.tenantId, targetTenantId: 'nope' } });
    expect(bad.status).toBe(404);
    expect(await t.deps.db.userTenant.count({ where: { tenantId: b.tenantId } })).toBe(2);
    expect((await t.rest('PUT', `${U}/v1/tenants/migrate`, { token: a.accessToken, body: { srcTenantId: b.tenantId, targetTenantId: c.tenantId } })).status).toBe(403);
    const mig = await t.rest('PUT', `${U}/v1/tenants/migrate`, { token: vendor, body: { srcTenantId: b.tenantId, targetTenantId: c.tenantId } });
    expect(mig.status).toBe(200);
    expect(await t.deps.db.userTenant.count({ where: { tenantId: b.tenantId } })).toBe(0);
    const inC = await t.deps.db.userTenant.findMany({ where: { tenantId: c.tenantId }, select: { userId: true } });
    expect(inC.map((x) => x.userId).sort()).toEqual([b.userId, c.userId, m.id].sort());
    expect((await t.deps.db.user.findUnique({ where: { id: m.id } }))!.activeTenantId).toBe(c.tenantId);
  });

  it('disables and enables a membership: a disabled member cannot log in to the tenant; statuses', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const m = await member(a.tenantId);
    const path = (x: string) => `/identity/resources/tenants/users/v1/${m.id}/${x}`;
    expect((await t.rest('POST', path('disable'), { token: b.accessToken })).status).toBe(404);
    const readOnly = await tokenOf(m.email);
    expect((await t.rest('POST', path('disable'), { token: readOnly })).status).toBe(403);

    expect((await t.rest('POST', path('disable'), { token: a.accessToken })).status).toBe(200);
    const refused = await login(m.email);
    expect(refused.status).toBe(403);
    expect(refused.body.errorCode).toBe('user_no_tenant_access');
    expect((await t.rest('POST', path('enable'), { token: vendor, headers: { 'frontegg-tenant-id': a.tenantId } })).status).toBe(200);
    expect((await login(m.email)).status).toBe(200);

    const st = await t.rest('GET', `/identity/resources/tenants/users/v1/statuses?userIds=${m.id},${a.userId}`, { token: vendor });
    expect(st.status).toBe(200);
    expect(st.body).toEqual(
      expect.arrayContaining([{ userId: m.id, tenantsStatuses: [{ tenantId: a.tenantId, status: expect.any(String) }] }]),
    );
    const foreign = await t.rest('GET', `/identity/resources/tenants/users/v1/statuses?userIds=${m.id}`, { token: b.accessToken });
    expect(foreign.body).toEqual([]);
    expect((await t.rest('GET', `/identity/resources/tenants/users/v1/statuses?userIds=${m.id}&userTenantStatuses=Bogus`, { token: vendor })).status).toBe(400);
  });

  it('temporary users: config, expiry refuses login, permanent again', async () => {
    const a = await signUp(t);
    const m = await member(a.tenantId);
    const TMP = `${U}/temporary/v1`;
    expect((await t.rest('PUT', `${TMP}/${m.id}`, { token: a.accessToken, body: { expirationInSeconds: 60 } })).status).toBe(400);
    expect((await t.rest('PUT', `${TMP}/configuration`, { token: a.accessToken, body: { enabled: true } })).status).toBe(403);
    expect((await t.rest('PUT', `${TMP}/configuration`, { token: vendor, body: { enabled: true } })).body).toEqual({ enabled: true });
    expect((await t.rest('GET', `${TMP}/configuration`, { token: a.accessToken })).body).toEqual({ enabled: true });

    const set = await t.rest('PUT', `${TMP}/${m.id}`, { token: a.accessToken, body: { expirationInSeconds: 60 } });
    expect(set.status).toBe(201);
    expect(set.body).toEqual({ expirationInSeconds: 60 });
    expect((await login(m.email)).status).toBe(200);
    (t.clock as ManualClock).advance(61_000);
    expect((await login(m.email)).status).toBe(403);

    expect((await t.rest('DELETE', `${TMP}/${m.id}`, { token: a.accessToken })).status).toBe(200);
    expect((await login(m.email)).status).toBe(200);
    await t.rest('PUT', `${TMP}/configuration`, { token: vendor, body: { enabled: false } });
  });
});

describe('roles of users', () => {
  it('assigns and unassigns roles in the tenant; unknown roles 400, foreign users 404, read-only 403; users roles and groups', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const m = await member(a.tenantId);
    const admin = await t.deps.db.role.findFirstOrThrow({ where: { key: 'Admin', tenantId: null } });
    const R = `${U}/v1/${m.id}/roles`;

    expect((await t.rest('POST', R, { token: a.accessToken, body: { roleIds: ['no-such-role'] } })).status).toBe(400);
    expect((await t.rest('POST', R, { token: b.accessToken, body: { roleIds: [admin.id] } })).status).toBe(404);
    const readOnly = await tokenOf(m.email);
    expect((await t.rest('POST', `${U}/v1/${a.userId}/roles`, { token: readOnly, body: { roleIds: [admin.id] } })).status).toBe(403);

    const r = await t.rest('POST', R, { token: a.accessToken, body: { roleIds: [admin.id] } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ userId: m.id, tenantId: a.tenantId });
    expect(r.body.roles.map((x: { key: string }) => x.key).sort()).toEqual(['Admin', 'ReadOnly']);

    const group = await t.deps.db.group.create({ data: { tenantId: a.tenantId, name: 'Ops', users: { create: { userId: m.id } } } });
    const roles = await t.rest('GET', `${U}/v3/roles?ids=${m.id},${a.userId}`, { token: a.accessToken });
    expect(roles.status).toBe(200);
    expect(roles.body.find((x: { userId: string }) => x.userId === m.id).roles).toHaveLength(2);
    const groups = await t.rest('GET', `${U}/v3/groups?ids=${m.id}`, { token: a.accessToken });
    expect(groups.body).toEqual([{ userId: m.id, groups: [expect.objectContaining({ id: group.id, name: 'Ops' })] }]);
    expect((await t.rest('GET', `${U}/v3/roles?ids=${m.id}`, { token: b.accessToken })).body).toEqual([]);

    const un = await t.rest('DELETE', R, { token: a.accessToken, body: { roleIds: [admin.id] } });
    expect(un.status).toBe(200);
    expect(un.body.roles.map((x: { key: string }) => x.key)).toEqual(['ReadOnly']);
    expect((await t.rest('DELETE', R, { token: a.accessToken, body: {} })).status).toBe(400);
  });
});
