// Usernames over Frontegg's /usernames/v1 paths: set (lower-cased, unique), read, list within the
// tenant, delete by owner / tenant admin / vendor, isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

const N = '/identity/resources/usernames/v1';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

let n = 0;
const uniqueName = (p = 'user') => `${p}.${Date.now().toString(36)}${(n++).toString(36)}`;
const set = (token: string, username: unknown) => t.rest('POST', N, { token, body: { username } });

/** A ReadOnly member of the tenant (no write permission), with a token. */
async function readOnlyMember(tenantId: string) {
  const email = uniqueEmail('member');
  const password = 'member passphrase';
  const r = await t.rest('POST', '/identity/resources/users/v1', { token: vendor, headers: { 'frontegg-tenant-id': tenantId }, body: { email, password } });
  expect(r.status).toBe(201);
  const l = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });
  return { token: l.body.accessToken as string, userId: r.body.id as string };
}

describe('usernames', () => {
  it('sets a lower-cased username, reads it back, replaces it, and logs in with it', async () => {
    const u = await signUp(t);
    expect((await t.rest('GET', `${N}/me`, { token: u.accessToken })).status).toBe(404);
    const name = uniqueName('Bob');
    const r = await set(u.accessToken, name);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ username: name.toLowerCase(), userId: u.userId });
    expect((await t.rest('GET', `${N}/me`, { token: u.accessToken })).body).toEqual({ username: name.toLowerCase(), userId: u.userId });
    const login = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { username: name.toLowerCase(), password: u.password } });
    expect(login.status).toBe(200);
    const next = uniqueName('next');
    expect((await set(u.accessToken, next)).status).toBe(201);
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: u.userId } })).username).toBe(next);
  });

  it('refuses taken usernames (409) and bad ones (400) without writing', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const name = uniqueName('taken');
    expect((await set(a.accessToken, name)).status).toBe(201);
    for (const taken of [name, name.toUpperCase()]) {
      const r = await set(b.accessToken, taken);
      expect(r.status).toBe(409);
      expect(r.body.errorCode).toBe('username_exists');
    }
    for (const bad of ['', 'has space', 'émile', 'a/b', 'x'.repeat(129), 42, null]) {
      expect((await set(b.accessToken, bad)).status, String(bad)).toBe(400);
    }
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: b.userId } })).username).toBeNull();
    expect((await t.rest('POST', N, { body: { username: uniqueName() } })).status).toBe(401);
  });

  it("lists the caller tenant's usernames only (read permission); the vendor sees all", async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const na = uniqueName('la');
    const nb = uniqueName('lb');
    await set(a.accessToken, na);
    await set(b.accessToken, nb);
    const la = await t.rest('GET', `${N}?_limit=200`, { token: a.accessToken });
    expect(la.status).toBe(200);
    expect(la.body).toEqual([{ username: na, userId: a.userId }]);
    const v = await t.rest('GET', `${N}?usernames=${na},${nb}&_sortBy=username`, { token: vendor });
    expect(v.body).toEqual([
      { username: na, userId: a.userId },
      { username: nb, userId: b.userId },
    ]);
    const prefix = await t.rest('GET', `${N}?_usernamePrefix=${nb.slice(0, 6)}`, { token: a.accessToken });
    expect(prefix.body).toEqual([]);
    expect((await t.rest('GET', `${N}?_sortBy=email`, { token: vendor })).status).toBe(400);
    expect((await t.rest('GET', N)).status).toBe(401);
  });

  it('deletes: the owner its own, a tenant admin its tenant users, the vendor any; others get 404', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const ro = await readOnlyMember(a.tenantId);
    const roName = uniqueName('ro');
    expect((await set(ro.token, roName)).status).toBe(201);
    const aName = uniqueName('admin');
    await set(a.accessToken, aName);
    const bName = uniqueName('other');
    await set(b.accessToken, bName);

    // A member without write permission cannot delete another's username, nor another tenant's.
    expect((await t.rest('DELETE', `${N}/${aName}`, { token: ro.token })).status).toBe(404);
    expect((await t.rest('DELETE', `${N}/${bName}`, { token: a.accessToken })).status).toBe(404);
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: b.userId } })).username).toBe(bName);
    // The admin deletes its tenant member's; the owner its own; the vendor any.
    expect((await t.rest('DELETE', `${N}/${roName}`, { token: a.accessToken })).status).toBe(200);
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: ro.userId } })).username).toBeNull();
    expect((await t.rest('DELETE', `${N}/${aName}`, { token: a.accessToken })).status).toBe(200);
    expect((await t.rest('DELETE', `${N}/${bName}`, { token: vendor })).status).toBe(200);
    expect((await t.rest('DELETE', `${N}/${bName}`, { token: vendor })).status).toBe(404);
    // A member deletes its own.
    const again = uniqueName('again');
    await set(ro.token, again);
    expect((await t.rest('DELETE', `${N}/${again}`, { token: ro.token })).status).toBe(200);
  });

  it('keeps the username of a user without an email', async () => {
    const a = await signUp(t);
    const name = uniqueName('only');
    const r = await t.rest('POST', '/identity/resources/users/v1', {
      token: vendor,
      headers: { 'frontegg-tenant-id': a.tenantId },
      body: { username: name, password: 'username passphrase' },
    });
    expect(r.status).toBe(201);
    expect((await t.rest('DELETE', `${N}/${name}`, { token: vendor })).status).toBe(400);
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: r.body.id } })).username).toBe(name);
  });

  it('lets the vendor act for a user with frontegg-user-id', async () => {
    const u = await signUp(t);
    const name = uniqueName('byvendor');
    const r = await t.rest('POST', N, { token: vendor, headers: { 'frontegg-user-id': u.userId }, body: { username: name } });
    expect(r.status).toBe(201);
    expect((await t.rest('GET', `${N}/me`, { token: vendor, headers: { 'frontegg-user-id': u.userId } })).body).toEqual({ username: name, userId: u.userId });
    expect((await t.rest('POST', N, { token: vendor, body: { username: uniqueName() } })).status).toBe(400);
  });
});
