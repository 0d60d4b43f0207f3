// Vendor authentication and the user-management routes of the foundation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, VENDOR, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

describe('vendor authentication', () => {
  it('exchanges the vendor credential for a vendor token', async () => {
    for (const p of ['/auth/vendor', '/frontegg/auth/vendor']) {
      const r = await t.rest('POST', p, { body: VENDOR });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ token: expect.any(String), expiresIn: 86400 });
    }
  });

  it('refuses a wrong secret or client id alike', async () => {
    const a = await t.rest('POST', '/auth/vendor', { body: { ...VENDOR, secret: 'wrong-secret-wrong-secret' } });
    const b = await t.rest('POST', '/auth/vendor', { body: { ...VENDOR, clientId: 'someone-else' } });
    expect(a.status).toBe(401);
    expect(b.body).toEqual(a.body);
    expect((await t.rest('POST', '/auth/vendor', { body: {} })).status).toBe(400);
  });

  it('a user token is not a vendor token', async () => {
    const u = await signUp(t);
    const r = await t.rest('GET', '/tenants/resources/tenants/v1', { token: u.accessToken });
    expect(r.status).toBe(403);
    expect(r.body.errorCode).toBe('auth_forbidden');
  });
});

describe('create and read users', () => {
  it('creates a user in the tenant of frontegg-tenant-id (201, Frontegg shape)', async () => {
    const vendor = await t.vendorToken();
    const owner = await signUp(t);
    const email = uniqueEmail('member');
    const r = await t.rest('POST', '/identity/resources/users/v1', {
      token: vendor,
      headers: { 'frontegg-tenant-id': owner.tenantId },
      body: { email, name: 'Member', password: 'member passphrase', metadata: '{"team":"blue"}' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ email, name: 'Member', verified: false, roles: ['ReadOnly'], metadata: '{"team":"blue"}', activatedForTenant: true });
    expect(r.body.permissions).toContain('fe.secure.read.users');
    expect(r.body.permissions).not.toContain('fe.secure.write.users');

    const got = await t.rest('GET', `/identity/resources/users/v1/${r.body.id}`, { token: vendor, headers: { 'frontegg-tenant-id': owner.tenantId } });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: r.body.id, email, tenantId: owner.tenantId });
    // the new user can log in with the password
    const login = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password: 'member passphrase' } });
    expect(login.status).toBe(200);
  });

  it('needs the tenant header, a known tenant and valid roles', async () => {
    const vendor = await t.vendorToken();
    const noHeader = await t.rest('POST', '/identity/resources/users/v1', { token: vendor, body: { email: uniqueEmail() } });
    expect(noHeader.status).toBe(400);
    const unknown = await t.rest('POST', '/identity/resources/users/v1', {
      token: vendor,
      headers: { 'frontegg-tenant-id': 'no-such-tenant' },
      body: { email: uniqueEmail() },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errorCode).toBe('tenant_not_found');
    const owner = await signUp(t);
    const badRole = await t.rest('POST', '/identity/resources/users/v1', {
      token: vendor,
      headers: { 'frontegg-tenant-id': owner.tenantId },
      body: { email: uniqueEmail(), roleIds: ['no-such-role'] },
    });
    expect(badRole.status).toBe(400);
    expect(badRole.body.errorCode).toBe('role_ids_invalid');
    const noIdentifier = await t.rest('POST', '/identity/resources/users/v1', {
      token: vendor,
      headers: { 'frontegg-tenant-id': owner.tenantId },
      body: { name: 'Nobody' },
    });
    expect(noIdentifier.status).toBe(400);
    const again = await t.rest('POST', '/identity/resources/users/v1', {
      token: vendor,
      headers: { 'frontegg-tenant-id': owner.tenantId },
      body: { email: owner.email },
    });
    expect(again.status).toBe(409);
    expect(again.body.errorCode).toBe('user_already_in_tenant');
  });

  it('lets a tenant admin create users in its own tenant only', async () => {
    const admin = await signUp(t);
    const other = await signUp(t);
    const ok = await t.rest('POST', '/identity/resources/users/v1', {
      token: admin.accessToken,
      headers: { 'frontegg-tenant-id': admin.tenantId },
      body: { email: uniqueEmail() },
    });
    expect(ok.status).toBe(201);
    const foreign = await t.rest('POST', '/identity/resources/users/v1', {
      token: admin.accessToken,
      headers: { 'frontegg-tenant-id': other.tenantId },
      body: { email: uniqueEmail() },
    });
    expect(foreign.status).toBe(403);
    // and cannot read a user of another tenant
    const peek = await t.rest('GET', `/identity/resources/users/v1/${other.userId}`, { token: admin.accessToken, headers: { 'frontegg-tenant-id': other.tenantId } });
    expect(peek.status).toBe(403);
    const peekOwn = await t.rest('GET', `/identity/resources/users/v1/${other.userId}`, { token: admin.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId } });
    expect(peekOwn.status).toBe(404);
    expect(peekOwn.body).not.toHaveProperty('email');
  });

  it('refuses a read-only user', async () => {
    const vendor = await t.vendorToken();
    const owner = await signUp(t);
    const email = uniqueEmail('reader');
    await t.rest('POST', '/identity/resources/users/v1', {
      token: vendor,
      headers: { 'frontegg-tenant-id': owner.tenantId },
      body: { email, password: 'reader passphrase' },
    });
    const login = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password: 'reader passphrase' } });
    const r = await t.rest('POST', '/identity/resources/users/v1', {
      token: login.body.accessToken,
      headers: { 'frontegg-tenant-id': owner.tenantId },
      body: { email: uniqueEmail() },
    });
    expect(r.status).toBe(403);
    expect(r.body.errorCode).toBe('auth_forbidden');
  });

  it('vendor-only: creates a verified user with vendor metadata, reads it in any tenant, verifies passwords', async () => {
    const vendor = await t.vendorToken();
    const owner = await signUp(t);
    const email = uniqueEmail('vendor-made');
    const r = await t.rest('POST', '/identity/resources/vendor-only/users/v1', {
      token: vendor,
      body: { tenantId: owner.tenantId, email, password: 'vendor passphrase', vendorMetadata: '{"crm":"42"}', externalId: 'ext-1', mfaBypass: true },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ email, verified: true, vendorMetadata: '{"crm":"42"}', externalId: 'ext-1', mfaBypass: true, tenantId: owner.tenantId });
    const got = await t.rest('GET', `/identity/resources/vendor-only/users/v1/${r.body.id}`, { token: vendor });
    expect(got.status).toBe(200);
    expect(got.body.vendorMetadata).toBe('{"crm":"42"}');
    // a user token never sees vendor metadata, nor reaches vendor-only routes
    const userLogin = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password: 'vendor passphrase' } });
    const me = await t.rest('GET', '/identity/resources/users/v2/me', { token: userLogin.body.accessToken });
    expect(me.body.vendorMetadata).toBeUndefined();
    expect((await t.rest('GET', `/identity/resources/vendor-only/users/v1/${r.body.id}`, { token: owner.accessToken })).status).toBe(403);
    expect((await t.rest('GET', '/identity/resources/vendor-only/users/v1/no-such-user', { token: vendor })).status).toBe(404);

    const ok = await t.rest('POST', '/identity/resources/vendor-only/users/v1/passwords/verify', { token: vendor, body: { email, password: 'vendor passphrase' } });
    expect(ok.status).toBe(200);
    const bad = await t.rest('POST', '/identity/resources/vendor-only/users/v1/passwords/verify', { token: vendor, body: { email, password: 'nope' } });
    expect(bad.status).toBe(401);
    const anon = await t.rest('POST', '/identity/resources/vendor-only/users/v1/passwords/verify', { body: { email, password: 'vendor passphrase' } });
    expect(anon.status).toBe(401);
    expect(anon.body.errorCode).toBe('auth_unauthenticated');
  });

  it('a vendor token acts as the user of frontegg-user-id on "me" routes', async () => {
    const vendor = await t.vendorToken();
    const u = await signUp(t);
    const r = await t.rest('GET', '/identity/resources/users/v2/me', { token: vendor, headers: { 'frontegg-user-id': u.userId } });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(u.userId);
    const missing = await t.rest('GET', '/identity/resources/users/v2/me', { token: vendor });
    expect(missing.status).toBe(400);
    expect(missing.body.errorCode).toBe('user_header_required');
  });
});
