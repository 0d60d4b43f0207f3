// IP restrictions (per tenant, enforced at login and refresh) and email-domain restrictions
// (vendor-wide, enforced at sign-up, user creation and email change) over the Frontegg paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(async () => {
  await t?.close();
});

const IP = '/identity/resources/configurations/v1/restrictions/ip';
const DOMAIN = '/identity/resources/configurations/restrictions/v1/email-domain';
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const login = (body: { email: string; password: string }, ip: string) =>
  t.rest('POST', '/identity/resources/auth/v1/user', { body, headers: from(ip) });
const refresh = (cookie: string, ip: string) =>
  t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie, body: {}, headers: from(ip) });

describe('IP restrictions: CRUD', () => {
  it('creates, lists, pages and deletes entries of the acting tenant, with normalized IPv4/IPv6/CIDR values', async () => {
    const u = await signUp(t);
    const token = u.accessToken;
    const a = await t.rest('POST', IP, { token, body: { ip: '10.1.0.0/16', strategy: 'ALLOW', description: 'office' } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ ip: '10.1.0.0/16', strategy: 'ALLOW', description: 'office', isActive: true });
    expect(typeof a.body.id).toBe('string');
    const b = await t.rest('POST', IP, { token, body: { ip: '2001:DB8::1', strategy: 'BLOCK', isActive: false } });
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ ip: '2001:db8::1', strategy: 'BLOCK', isActive: false });
    const bulk = await t.rest('POST', `${IP}/bulk`, { token, body: { ips: [{ ip: '192.0.2.1', strategy: 'ALLOW' }, { ip: 'fe80::/10', strategy: 'BLOCK' }] } });
    expect(bulk.status).toBe(201);

    const page = await t.rest('GET', `${IP}?_limit=3&_offset=0`, { token });
    expect(page.status).toBe(200);
    expect(page.body._metadata).toEqual({ totalItems: 4, totalPages: 2 });
    expect(page.body.items).toHaveLength(3);
    const second = await t.rest('GET', `${IP}?_limit=3&_offset=1`, { token });
    expect(second.body.items).toHaveLength(1);
    const ips = [...page.body.items, ...second.body.items].map((i: { ip: string }) => i.ip).sort();
    expect(ips).toEqual(['10.1.0.0/16', '192.0.2.1', '2001:db8::1', 'fe80::/10']);

    expect((await t.rest('DELETE', `${IP}/${a.body.id}`, { token })).status).toBe(200);
    expect((await t.rest('DELETE', `${IP}/${a.body.id}`, { token })).status).toBe(404);
    expect((await t.rest('GET', IP, { token })).body._metadata.totalItems).toBe(3);
  });

  it('refuses malformed IPs and CIDRs with 400, and a bulk with one bad entry writes nothing', async () => {
    const u = await signUp(t);
    const token = u.accessToken;
    for (const ip of ['10.0.0.256', '10.0.0.0/33', '2001:db8::/129', 'example.com', '10.0.0.1/8/1', '10.0.0.0/-1', '', '1.2.3']) {
      const r = await t.rest('POST', IP, { token, body: { ip, strategy: 'ALLOW' } });
      expect(r.status, ip).toBe(400);
      expect(r.body.errorCode).toBe('validation_failed');
    }
    expect((await t.rest('POST', IP, { token, body: { ip: '10.0.0.1', strategy: 'MAYBE' } })).status).toBe(400);
    const bulk = await t.rest('POST', `${IP}/bulk`, { token, body: { ips: [{ ip: '10.0.0.1', strategy: 'ALLOW' }, { ip: 'nope', strategy: 'ALLOW' }] } });
    expect(bulk.status).toBe(400);
    expect((await t.rest('GET', IP, { token })).body._metadata.totalItems).toBe(0);
  });

  it('reads and writes the config (fields left out keep their value); the vendor must name the tenant', async () => {
    const u = await signUp(t);
    const token = u.accessToken;
    expect((await t.rest('GET', `${IP}/config`, { token })).body).toEqual({ strategy: 'ALLOW', isActive: false });
    const set = await t.rest('POST', `${IP}/config`, { token, body: { strategy: 'BLOCK' } });
    expect(set.status).toBe(201);
    expect(set.body).toEqual({ strategy: 'BLOCK', isActive: false });
    const vendor = await t.vendorToken();
    expect((await t.rest('GET', `${IP}/config`, { token: vendor, headers: { 'frontegg-tenant-id': u.tenantId } })).body).toEqual({ strategy: 'BLOCK', isActive: false });
    expect((await t.rest('GET', `${IP}/config`, { token: vendor })).status).toBe(400);
    expect((await t.rest('POST', `${IP}/config`, { token, body: { strategy: 'SOMETIMES' } })).status).toBe(400);
  });

  it("keeps tenants apart: another tenant's admin neither reads nor deletes the entries", async () => {
    const owner = await signUp(t);
    const other = await signUp(t);
    const created = await t.rest('POST', IP, { token: owner.accessToken, body: { ip: '198.51.100.0/24', strategy: 'ALLOW' } });
    expect((await t.rest('GET', IP, { token: other.accessToken })).body._metadata.totalItems).toBe(0);
    // The header naming a foreign tenant is ignored for a user token: it still acts in its own.
    expect((await t.rest('GET', IP, { token: other.accessToken, headers: { 'frontegg-tenant-id': owner.tenantId } })).body._metadata.totalItems).toBe(0);
    expect((await t.rest('DELETE', `${IP}/${created.body.id}`, { token: other.accessToken })).status).toBe(404);
    expect(await t.deps.db.restrictionEntry.count({ where: { id: created.body.id } })).toBe(1);
    expect((await t.rest('GET', IP, { token: owner.accessToken })).body._metadata.totalItems).toBe(1);
  });

  it('requires authentication and the security-policy permission', async () => {
    expect((await t.rest('GET', IP)).status).toBe(401);
    expect((await t.rest('POST', IP, { body: { ip: '10.0.0.1', strategy: 'ALLOW' } })).status).toBe(401);
  });
});

describe('IP restrictions: enforcement', () => {
  it('an active ALLOW list refuses login and refresh from other addresses and lets listed ones in', async () => {
    const u = await signUp(t);
    const token = u.accessToken;
    await t.rest('POST', IP, { token, body: { ip: '203.0.113.0/24', strategy: 'ALLOW' } });
    await t.rest('POST', IP, { token, body: { ip: '2001:db8:1::/48', strategy: 'ALLOW' } });
    // Entries of the other list do not count under ALLOW.
    await t.rest('POST', IP, { token, body: { ip: '198.51.100.7', strategy: 'BLOCK' } });
    // Before activation nothing is enforced; the verify routes tell the admin where they stand.
    expect((await login(u, '198.51.100.7')).status).toBe(200);
    const check = await t.rest('POST', `${IP}/verify`, { token, headers: from('198.51.100.7') });
    expect(check.status).toBe(201);
    expect(check.body).toEqual({ ip: '198.51.100.7', valid: false });
    expect((await t.rest('POST', `${IP}/verify/allow`, { token, headers: from('203.0.113.5') })).body.valid).toBe(true);

    // Saving a config that excludes the caller's own address is allowed (as in Frontegg).
    expect((await t.rest('POST', `${IP}/config`, { token, body: { strategy: 'ALLOW', isActive: true }, headers: from('198.51.100.7') })).status).toBe(201);

    const refused = await login(u, '198.51.100.7');
    expect(refused.status).toBe(403);
    expect(refused.body.errorCode).toBe('auth_ip_restricted');
    expect(refused.refreshCookie).toBeUndefined();
    expect((await login(u, '2001:db8:2::1')).status).toBe(403);
    const allowed = await login(u, '203.0.113.9');
    expect(allowed.status).toBe(200);
    expect((await login(u, '2001:db8:1::abcd')).status).toBe(200);

    // Refresh: a refused address does not consume the token; an allowed one then can.
    const blockedRefresh = await refresh(allowed.refreshCookie!, '192.0.2.1');
    expect(blockedRefresh.status).toBe(403);
    expect(blockedRefresh.body.errorCode).toBe('auth_ip_restricted');
    expect((await refresh(allowed.refreshCookie!, '203.0.113.10')).status).toBe(201);

    // Deactivating lifts it at once (the cache is dropped on write).
    await t.rest('POST', `${IP}/config`, { token, body: { isActive: false } });
    expect((await login(u, '198.51.100.7')).status).toBe(200);
  });

  it('an active BLOCK list refuses only the listed addresses, and deleting the entry lifts it; other tenants are unaffected', async () => {
    const u = await signUp(t);
    const other = await signUp(t);
    const token = u.accessToken;
    const entry = await t.rest('POST', IP, { token, body: { ip: '198.51.100.0/25', strategy: 'BLOCK' } });
    await t.rest('POST', `${IP}/config`, { token, body: { strategy: 'BLOCK', isActive: true } });
    expect((await login(u, '198.51.100.20')).body.errorCode).toBe('auth_ip_restricted');
    // An IPv4-mapped IPv6 client address is the same address.
    expect((await login(u, '::ffff:198.51.100.20')).status).toBe(403);
    expect((await login(u, '198.51.100.200')).status).toBe(200);
    expect((await login(other, '198.51.100.20')).status).toBe(200);
    expect((await t.rest('DELETE', `${IP}/${entry.body.id}`, { token })).status).toBe(200);
    expect((await login(u, '198.51.100.20')).status).toBe(200);
  });

  it('adds no statement to login and refresh while no restriction applies (rules cached in process)', async () => {
    const u = await signUp(t);
    t.queries.length = 0;
    const r = await login(u, '198.51.100.1');
    expect(r.status).toBe(200);
    expect(t.queries.filter((q) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(q.trim()))).toHaveLength(3);
    t.queries.length = 0;
    expect((await refresh(r.refreshCookie!, '198.51.100.1')).status).toBe(201);
    expect(t.queries.filter((q) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(q.trim()))).toHaveLength(2);
  });
});

describe('email-domain restrictions', () => {
  it('is vendor only', async () => {
    const u = await signUp(t);
    expect((await t.rest('GET', DOMAIN, { token: u.accessToken })).status).toBe(403);
    expect((await t.rest('POST', DOMAIN, { token: u.accessToken, body: { domain: 'x.com', type: 'BLOCK' } })).status).toBe(403);
    expect((await t.rest('GET', `${DOMAIN}/config`)).status).toBe(401);
  });

  it('creates, lists, replaces and deletes domains; refuses malformed ones with 400', async () => {
    const vendor = await t.vendorToken();
    const created = await t.rest('POST', DOMAIN, { token: vendor, body: { domain: 'Listed.Example.org', type: 'BLOCK' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ domain: 'listed.example.org', type: 'BLOCK' });
    for (const domain of ['not a domain', 'user@x.com', '*.x.com', 'localhost', '-x.com', 'http://x.com']) {
      const r = await t.rest('POST', DOMAIN, { token: vendor, body: { domain, type: 'BLOCK' } });
      expect(r.status, domain).toBe(400);
    }
    expect((await t.rest('POST', `${DOMAIN}/replace-bulk`, { token: vendor, body: { type: 'ALLOW', domains: ['a.example.net', 'b.example.net', 'a.example.net'] } })).status).toBe(201);
    expect((await t.rest('POST', `${DOMAIN}/replace-bulk`, { token: vendor, body: { type: 'ALLOW', domains: ['c.example.net', 'bad domain'] } })).status).toBe(400);
    const list = await t.rest('GET', DOMAIN, { token: vendor });
    expect(list.status).toBe(200);
    expect(list.body.items.map((d: { domain: string; type: string }) => `${d.type}:${d.domain}`).sort()).toEqual([
      'ALLOW:a.example.net',
      'ALLOW:b.example.net',
      'BLOCK:listed.example.org',
    ]);
    expect((await t.rest('DELETE', `${DOMAIN}/${created.body.id}`, { token: vendor })).status).toBe(200);
    expect((await t.rest('DELETE', `${DOMAIN}/${created.body.id}`, { token: vendor })).status).toBe(404);
    await t.rest('POST', `${DOMAIN}/replace-bulk`, { token: vendor, body: { type: 'ALLOW', domains: [] } });
    expect((await t.rest('GET', DOMAIN, { token: vendor })).body.items).toEqual([]);
  });

  it('refuses sign-up and user creation (public domains too) to a refused domain while active', async () => {
    const vendor = await t.vendorToken();
    const admin = await signUp(t);
    expect((await t.rest('GET', `${DOMAIN}/config`, { token: vendor })).body).toEqual({ active: false, listType: 'BLOCK', blockPublicDomains: false });
    await t.rest('POST', DOMAIN, { token: vendor, body: { domain: 'blocked.example', type: 'BLOCK' } });
    // Inactive: nothing refused.
    await signUp(t, { email: `early-${Date.now()}@blocked.example` });
    const set = await t.rest('POST', `${DOMAIN}/config`, { token: vendor, body: { active: true, type: 'BLOCK', blockPublicDomains: true } });
    expect(set.status).toBe(201);
    expect(set.body).toEqual({ active: true, listType: 'BLOCK', blockPublicDomains: true });
    try {
      const refused = await t.rest('POST', '/identity/resources/users/v1/signUp', {
        body: { email: `x-${Date.now()}@Blocked.Example`, password: 'a long enough passphrase', companyName: 'Nope', provider: 'local' },
      });
      expect(refused.status).toBe(403);
      expect(refused.body.errorCode).toBe('email_domain_restricted');
      expect(await t.deps.db.user.count({ where: { email: { endsWith: '@blocked.example' } } })).toBe(1);
      const gmail = await t.rest('POST', '/identity/resources/users/v1/signUp', {
        body: { email: `x-${Date.now()}@gmail.com`, password: 'a long enough passphrase', companyName: 'Nope', provider: 'local' },
      });
      expect(gmail.body.errorCode).toBe('email_domain_restricted');
      const created = await t.rest('POST', '/identity/resources/users/v1', { token: admin.accessToken, body: { email: `y-${Date.now()}@blocked.example` } });
      expect(created.status).toBe(403);
      expect(created.body.errorCode).toBe('email_domain_restricted');
      // Other domains still pass.
      await signUp(t);

      // ALLOW list: only listed domains pass.
      await t.rest('POST', `${DOMAIN}/config`, { token: vendor, body: { active: true, type: 'ALLOW', blockPublicDomains: false } });
      await t.rest('POST', `${DOMAIN}/replace-bulk`, { token: vendor, body: { type: 'ALLOW', domains: ['allowed.example'] } });
      expect((await t.rest('POST', '/identity/resources/users/v1/signUp', {
        body: { email: uniqueEmail(), password: 'a long enough passphrase', companyName: 'Nope', provider: 'local' },
      })).body.errorCode).toBe('email_domain_restricted');
      await signUp(t, { email: `ok-${Date.now()}@allowed.example` });
    } finally {
      await t.rest('POST', `${DOMAIN}/config`, { token: vendor, body: { active: false } });
    }
    expect((await t.rest('GET', `${DOMAIN}/config`, { token: vendor })).body).toEqual({ active: false, listType: 'ALLOW', blockPublicDomains: false });
  });
});
