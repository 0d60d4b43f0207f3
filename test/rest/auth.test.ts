// Sign-up, login, refresh, logout and the "me" family over the Frontegg REST paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const login = (body: unknown, prefix = '/identity') => t.rest('POST', `${prefix}/resources/auth/v1/user`, { body });
const refresh = (cookie: string, body: unknown = { tenantId: null }) =>
  t.rest('POST', '/frontegg/identity/resources/auth/v1/user/token/refresh', { cookie, body });

describe('sign-up', () => {
  it('creates a tenant and its first user with the first-user role, and logs them in', async () => {
    const email = uniqueEmail('Founder').replace('founder', 'Founder');
    const r = await t.rest('POST', '/frontegg/identity/resources/users/v1/signUp', {
      body: { email, password: 'a long enough passphrase', companyName: 'Initech', name: 'Peter', provider: 'local', metadata: '{"plan":"pro"}' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ shouldActivate: false, userId: expect.any(String), tenantId: expect.any(String) });
    expect(r.body.authResponse).toMatchObject({ tokenType: 'bearer', mfaRequired: false, expiresIn: 3600 });
    expect(r.refreshCookie).toBe(r.body.authResponse.refreshToken);
    const claims = decodeJwt(r.body.authResponse.accessToken);
    expect(claims).toMatchObject({
      sub: r.body.userId,
      email: email.toLowerCase(),
      name: 'Peter',
      tenantId: r.body.tenantId,
      tenantIds: [r.body.tenantId],
      roles: ['Admin'],
      type: 'userToken',
      iss: t.config.issuer,
      aud: t.vendor.clientId,
    });
    expect(claims.permissions).toContain('fe.secure.write.users');
    expect(typeof claims.sid).toBe('string');
    expect(claims.exp! - claims.iat!).toBe(3600);

    const me = await t.rest('GET', '/identity/resources/users/v2/me', { token: r.body.authResponse.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: email.toLowerCase(), name: 'Peter', metadata: '{"plan":"pro"}', tenantId: r.body.tenantId });
  });

  it('refuses a second sign-up with the same email, and writes nothing', async () => {
    const first = await signUp(t);
    const tenantsBefore = await t.deps.db.tenant.count();
    const r = await t.rest('POST', '/identity/resources/users/v1/signUp', {
      body: { email: first.email.toUpperCase(), password: 'another passphrase', companyName: 'Dup', provider: 'local' },
    });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ errors: ['User already exists'], errorCode: 'user_already_exists' });
    expect(await t.deps.db.tenant.count()).toBe(tenantsBefore);
  });

  it('signs up without a password as an unverified user who must activate (no session)', async () => {
    const r = await t.rest('POST', '/identity/resources/users/v1/signUp', {
      body: { email: uniqueEmail(), companyName: 'NoPass', provider: 'local' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ shouldActivate: true, userId: expect.any(String), tenantId: expect.any(String) });
    expect(r.refreshCookie).toBeUndefined();
    // The activation flow itself is covered in reset-activation.test.ts.
  });

  it('validates the body', async () => {
    const r = await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { email: 'not-an-email', password: 'x', companyName: 'A' } });
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('validation_failed');
    expect(r.body.errors[0]).toMatch(/email/);
    const missing = await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { password: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toMatch(/email/);
  });
});

describe('password login', () => {
  it('logs in by email (any case) under both prefixes and sets the HttpOnly refresh cookie', async () => {
    const u = await signUp(t);
    for (const prefix of ['/identity', '/frontegg/identity']) {
      const r = await login({ email: u.email.toUpperCase(), password: u.password }, prefix);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ tokenType: 'bearer', mfaRequired: false, userId: u.userId, userEmail: u.email, emailVerified: false });
      expect(new Date(r.body.expires).getTime()).toBeGreaterThan(t.clock.now().getTime());
      const cookie = r.headers.getSetCookie().find((c) => c.startsWith(`${t.cookieName}=`))!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(r.refreshCookie).toBe(r.body.refreshToken);
    }
  });

  it('answers a wrong password and an unknown email identically, verifying a dummy hash for the unknown one', async () => {
    const u = await signUp(t);
    const calls: Array<string | null> = [];
    const original = t.deps.hasher.verify;
    t.deps.hasher.verify = (hash, password) => {
      calls.push(hash);
      return original(hash, password);
    };
    try {
      const wrong = await login({ email: u.email, password: 'not the password' });
      const unknown = await login({ email: uniqueEmail('ghost'), password: 'not the password' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(wrong.body).toEqual({ errors: ['Invalid authentication'], errorCode: 'auth_invalid_credentials' });
      expect(calls).toHaveLength(2);
      expect(calls[0]).toMatch(/^\$argon2id\$/);
      expect(calls[1]).toBeNull();
    } finally {
      t.deps.hasher.verify = original;
    }
  });

  it('logs in with three SQL statements: the user read, the MFA check and the session start', async () => {
    const u = await signUp(t);
    t.queries.length = 0;
    const r = await login({ email: u.email, password: u.password });
    const statements = t.queries.filter((q) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(q.trim())).length;
    expect(r.status).toBe(200);
    expect(decodeJwt(r.body.accessToken).roles).toEqual(['Admin']);
    const session = await t.deps.db.session.findUnique({ where: { id: decodeJwt(r.body.accessToken).sid as string } });
    expect(session?.tenantId).toBe(u.tenantId);
    const user = await t.deps.db.user.findUnique({ where: { id: u.userId } });
    expect([user?.activeTenantId, user?.failedLoginAttempts, user?.lastLoginAt?.getTime()]).toEqual([u.tenantId, 0, session?.createdAt.getTime()]);
    expect(statements).toBe(3);
  });

  it('logs in by username', async () => {
    const vendor = await t.vendorToken();
    const u = await signUp(t);
    const username = `jdoe-${Date.now()}`;
    const created = await t.rest('POST', '/identity/resources/vendor-only/users/v1', {
      token: vendor,
      body: { tenantId: u.tenantId, username, password: 'username passphrase' },
    });
    expect(created.status).toBe(201);
    expect(created.body.username).toBe(username);
    const r = await login({ username, password: 'username passphrase' });
    expect(r.status).toBe(200);
    expect(r.body.userId).toBe(created.body.id);
  });

  it('refuses a locked user with user_locked, whatever the password', async () => {
    const u = await signUp(t);
    await t.deps.db.user.update({ where: { id: u.userId }, data: { lockedAt: new Date() } });
    expect((await login({ email: u.email, password: 'wrong password' })).body.errorCode).toBe('user_locked');
    const r = await login({ email: u.email, password: u.password });
    expect(r.status).toBe(403);
    expect(r.body.errorCode).toBe('user_locked');
  });

  it('rejects malformed input with 4xx, never 500', async () => {
    const bad = [
      { rawBody: '{"email": ' },
      { body: { email: 'a@b.co' } },
      { body: { email: 'a@b.co', password: 42 } },
      { body: { password: 'only a password' } },
      { body: { email: 'a@b.co', password: 'x'.repeat(200) } },
      { body: [1, 2, 3] },
    ];
    for (const o of bad) {
      const r = await t.rest('POST', '/identity/resources/auth/v1/user', o);
      expect(r.status, JSON.stringify(o)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(o)).toBeLessThan(500);
      expect(Array.isArray(r.body.errors)).toBe(true);
    }
    const huge = await t.rest('POST', '/identity/resources/auth/v1/user', { rawBody: JSON.stringify({ email: 'a@b.co', password: 'p', pad: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(huge.body.errorCode).toBe('request_too_large');
  });
});

describe('refresh', () => {
  it('rotates the refresh token (cookie or body) and issues a new access token', async () => {
    const u = await signUp(t);
    const r1 = await refresh(u.refreshToken);
    expect(r1.status).toBe(201);
    expect(r1.body.refreshToken).not.toBe(u.refreshToken);
    expect(r1.refreshCookie).toBe(r1.body.refreshToken);
    expect(decodeJwt(r1.body.accessToken).sid).toBe(decodeJwt(u.accessToken).sid);
    const r2 = await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { body: { refreshToken: r1.body.refreshToken } });
    expect(r2.status).toBe(201);
  });

  it('revokes the whole family when a rotated token is presented again', async () => {
    const u = await signUp(t);
    const r1 = await refresh(u.refreshToken);
    expect(r1.status).toBe(201);
    // Past the reuse interval (test/security/refresh-reuse.test.ts covers the interval itself).
    (t.clock as ManualClock).advance(t.config.refreshReuseInterval * 1000);
    const reuse = await refresh(u.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.body.errorCode).toBe('auth_refresh_token_invalid');
    expect(reuse.refreshCookie).toBe('');
    // the legitimate newest token is dead too: the session was revoked
    const next = await refresh(r1.body.refreshToken);
    expect(next.status).toBe(401);
    const session = await t.deps.db.session.findUnique({ where: { id: decodeJwt(u.accessToken).sid as string } });
    expect(session?.revokedReason).toBe('refresh_token_reuse');
  });

  it('puts the roles of the user\'s groups in the tenant into the refreshed token', async () => {
    const u = await signUp(t);
    const db = t.deps.db;
    const role = await db.role.create({
      data: { tenantId: u.tenantId, key: 'Auditor', name: 'Auditor', permissions: { create: { permission: { create: { key: `audit.read.${Date.now()}`, name: 'Audit' } } } } },
      include: { permissions: { include: { permission: true } } },
    });
    await db.group.create({ data: { tenantId: u.tenantId, name: 'Auditors', roles: { create: { roleId: role.id } }, users: { create: { userId: u.userId } } } });
    // a group of another tenant grants nothing here
    const other = await signUp(t);
    const foreignRole = await db.role.create({ data: { tenantId: other.tenantId, key: 'Foreign', name: 'Foreign' } });
    await db.group.create({ data: { tenantId: other.tenantId, name: 'Elsewhere', roles: { create: { roleId: foreignRole.id } }, users: { create: { userId: u.userId } } } });
    const r = await refresh(u.refreshToken);
    const claims = decodeJwt(r.body.accessToken);
    expect(claims.roles).toEqual(['Admin', 'Auditor']);
    expect(claims.permissions).toContain(role.permissions[0]!.permission.key);
  });

  it('reads the user, memberships and authorization with the token: a locked user, a disabled or expired membership refresh no more', async () => {
    const db = t.deps.db;
    const locked = await signUp(t);
    await db.user.update({ where: { id: locked.userId }, data: { lockedAt: new Date() } });
    expect((await refresh(locked.refreshToken)).status).toBe(401);

    const disabled = await signUp(t);
    await db.userTenant.update({ where: { userId_tenantId: { userId: disabled.userId, tenantId: disabled.tenantId } }, data: { disabled: true } });
    const r1 = await refresh(disabled.refreshToken);
    expect(r1.status).toBe(403);
    expect(r1.body.errorCode).toBe('user_no_tenant_access');

    const temporary = await signUp(t);
    const now = t.clock.now();
    await db.userTenant.update({
      where: { userId_tenantId: { userId: temporary.userId, tenantId: temporary.tenantId } },
      data: { expiresAt: new Date(now.getTime() + 60_000) },
    });
    const before = await refresh(temporary.refreshToken);
    expect(before.status).toBe(201);
    expect(decodeJwt(before.body.accessToken).tenantIds).toEqual([temporary.tenantId]);
    (t.clock as ManualClock).advance(61_000);
    expect((await refresh(before.body.refreshToken)).status).toBe(403);
  });

  it('refreshes in two SQL statements: one read (token, session, policy, user, authorization) and one rotation', async () => {
    const u = await signUp(t);
    t.queries.length = 0;
    const r = await refresh(u.refreshToken);
    expect(r.status).toBe(201);
    expect(decodeJwt(r.body.accessToken).roles).toEqual(['Admin']);
    expect(t.queries.filter((q) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(q.trim()))).toHaveLength(2);
  });

  it('answers two concurrent refreshes with the same token with one successor (reuse interval)', async () => {
    const u = await signUp(t);
    const results = await Promise.all([refresh(u.refreshToken), refresh(u.refreshToken)]);
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    expect(results[0]!.body.refreshToken).toBe(results[1]!.body.refreshToken);
  });

  it('refuses missing, unknown and expired refresh tokens with 401', async () => {
    expect((await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { body: {} })).status).toBe(401);
    expect((await refresh('not-a-token')).status).toBe(401);
    const u = await signUp(t);
    (t.clock as ManualClock).advance((t.config.refreshTokenTtl + 1) * 1000);
    const r = await refresh(u.refreshToken);
    expect(r.status).toBe(401);
  });
});

describe('logout', () => {
  it('revokes the session and clears the cookie', async () => {
    const u = await signUp(t);
    const r = await t.rest('POST', '/frontegg/identity/resources/auth/v1/logout', { cookie: u.refreshToken });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({});
    const cleared = r.headers.getSetCookie().find((c) => c.startsWith(`${t.cookieName}=`));
    expect(cleared).toMatch(/Max-Age=0/);
    expect((await refresh(u.refreshToken)).status).toBe(401);
  });

  it('is idempotent without a cookie', async () => {
    const r = await t.rest('POST', '/identity/resources/auth/v1/logout');
    expect(r.status).toBe(201);
  });
});

describe('me', () => {
  it('serves v2, v3, tenants (v1/v2/v3) and authorization for the token user', async () => {
    const u = await signUp(t, { companyName: 'Me Corp' });
    const token = u.accessToken;
    const v2 = await t.rest('GET', '/identity/resources/users/v2/me', { token });
    expect(v2.body).toMatchObject({ id: u.userId, sub: u.userId, email: u.email, tenantId: u.tenantId, tenantIds: [u.tenantId], isLocked: false, verified: false });
    expect(v2.body.roles.map((r: { key: string }) => r.key)).toEqual(['Admin']);
    expect(v2.body.permissions.map((p: { key: string }) => p.key)).toContain('fe.secure.read.users');
    expect(v2.body).not.toHaveProperty('password');
    expect(JSON.stringify(v2.body)).not.toMatch(/argon2/);
    const v3 = await t.rest('GET', '/frontegg/identity/resources/users/v3/me', { token });
    expect(v3.body.id).toBe(u.userId);
    expect(v3.body).not.toHaveProperty('roles');
    for (const v of ['v1', 'v2']) {
      const tenants = await t.rest('GET', `/identity/resources/users/${v}/me/tenants`, { token });
      expect(tenants.body).toEqual([expect.objectContaining({ id: u.tenantId, tenantId: u.tenantId, name: 'Me Corp' })]);
    }
    const v3t = await t.rest('GET', '/identity/resources/users/v3/me/tenants', { token });
    expect(v3t.body.activeTenant).toMatchObject({ tenantId: u.tenantId });
    expect(v3t.body.tenants).toHaveLength(1);
    const authz = await t.rest('GET', '/identity/resources/users/v1/me/authorization', { token });
    expect(authz.body.roles[0].key).toBe('Admin');
    expect(authz.body.permissions.length).toBeGreaterThan(5);
  });

  it('needs a token, and refuses expired and forged ones with 401', async () => {
    expect((await t.rest('GET', '/identity/resources/users/v2/me')).status).toBe(401);
    const u = await signUp(t);
    const [h, p, s] = u.accessToken.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...decodeJwt(u.accessToken), sub: 'someone-else' })).toString('base64url');
    const forged = await t.rest('GET', '/identity/resources/users/v2/me', { token: `${h}.${forgedPayload}.${s}` });
    expect(forged.status).toBe(401);
    expect(forged.body.errorCode).toBe('auth_token_invalid');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    expect((await t.rest('GET', '/identity/resources/users/v2/me', { token: none })).status).toBe(401);
    expect((await t.rest('GET', '/identity/resources/users/v2/me', { token: 'garbage' })).status).toBe(401);
    (t.clock as ManualClock).advance((t.config.accessTokenTtl + 5) * 1000);
    const expired = await t.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken });
    expect(expired.status).toBe(401);
    expect(expired.body.errorCode).toBe('auth_token_expired');
  });

  it('switches the active tenant, and the next refresh issues a token for it', async () => {
    const u = await signUp(t);
    const vendor = await t.vendorToken();
    const other = await t.rest('POST', '/tenants/resources/tenants/v1', { token: vendor, body: { name: 'Second' } });
    expect(other.status).toBe(201);
    const added = await t.rest('POST', '/identity/resources/users/v1', {
      token: vendor,
      headers: { 'frontegg-tenant-id': other.body.tenantId },
      body: { email: u.email },
    });
    expect(added.status).toBe(201);
    expect(added.body.id).toBe(u.userId);
    const stranger = await t.rest('POST', '/tenants/resources/tenants/v1', { token: vendor, body: { name: 'Not mine' } });
    const refused = await t.rest('PUT', '/identity/resources/users/v1/tenant', { token: u.accessToken, body: { tenantId: stranger.body.tenantId } });
    expect(refused.status).toBe(403);
    const switched = await t.rest('PUT', '/identity/resources/users/v1/tenant', { token: u.accessToken, body: { tenantId: other.body.tenantId } });
    expect(switched.status).toBe(200);
    expect(switched.body.tenantId).toBe(other.body.tenantId);
    const r = await refresh(u.refreshToken);
    expect(r.status).toBe(201);
    const claims = decodeJwt(r.body.accessToken);
    expect(claims.tenantId).toBe(other.body.tenantId);
    expect((claims.tenantIds as string[]).sort()).toEqual([u.tenantId, other.body.tenantId].sort());
    // the default role of a non-first user is the read-only one
    expect(claims.roles).toEqual(['ReadOnly']);
  });
});
