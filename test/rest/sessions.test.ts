// User sessions (list, current, revoke one / all / a user's) and the session policy (idle and
// absolute timeouts, concurrent limit) over the Frontegg REST paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { parse } from 'graphql';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const advance = (seconds: number) => (t.clock as ManualClock).advance(seconds * 1000);
const SESSIONS = '/identity/resources/users/sessions/v1';
const CONFIG = '/identity/resources/configurations/sessions/v1';

interface LoggedIn {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

async function login(email: string, password: string, userAgent = 'test-agent'): Promise<LoggedIn> {
  const r = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password }, headers: { 'user-agent': userAgent } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { accessToken: r.body.accessToken, refreshToken: r.refreshCookie!, sessionId: decodeJwt(r.body.accessToken).sid as string };
}

const refresh = (cookie: string) => t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie, body: { tenantId: null } });

/** Refreshes and hands back the session with its rotated tokens. */
async function refreshOk(s: LoggedIn): Promise<LoggedIn> {
  const r = await refresh(s.refreshToken);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { ...s, accessToken: r.body.accessToken, refreshToken: r.refreshCookie! };
}

async function expectRefreshRefused(s: LoggedIn) {
  const r = await refresh(s.refreshToken);
  expect(r.status).toBe(401);
  expect(r.body.errorCode).toBe('auth_refresh_token_invalid');
}

const sessionRow = (id: string) => t.deps.db.session.findUniqueOrThrow({ where: { id } });

/** A signed-up admin plus two more logins of theirs (three sessions, distinct user agents). */
async function userWithThreeSessions() {
  const u = await signUp(t);
  const a: LoggedIn = { accessToken: u.accessToken, refreshToken: u.refreshToken, sessionId: decodeJwt(u.accessToken).sid as string };
  advance(1);
  const b = await login(u.email, u.password, 'agent-b');
  advance(1);
  const c = await login(u.email, u.password, 'agent-c');
  return { u, a, b, c };
}

/** A ReadOnly member of the tenant (no write permissions), created by the vendor, logged in. */
async function memberOf(tenantId: string) {
  const email = uniqueEmail('member');
  const password = 'member passphrase';
  const r = await t.rest('POST', '/identity/resources/users/v1', {
    token: await t.vendorToken(),
    headers: { 'frontegg-tenant-id': tenantId },
    body: { email, password },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { userId: r.body.id as string, email, password, ...(await login(email, password)) };
}

const noPolicy = {
  sessionIdleTimeoutConfiguration: { isActive: false, timeout: 1800 },
  sessionTimeoutConfiguration: { isActive: false, timeout: 86400 },
  sessionConcurrentConfiguration: { isActive: false, maxSessions: 10 },
};

describe('listing sessions', () => {
  it('lists only my live sessions, newest first, with `current` on the caller’s own', async () => {
    const { a, b, c } = await userWithThreeSessions();
    const other = await signUp(t);

    const r = await t.rest('GET', `${SESSIONS}/me`, { token: b.accessToken });
    expect(r.status).toBe(200);
    expect(r.body.map((s: { id: string }) => s.id)).toEqual([c.sessionId, b.sessionId, a.sessionId]);
    expect(r.body.filter((s: { current: boolean }) => s.current).map((s: { id: string }) => s.id)).toEqual([b.sessionId]);
    expect(r.body[0]).toEqual({
      id: c.sessionId,
      userAgent: 'agent-c',
      ipAddress: '',
      createdAt: expect.any(String),
      lastActiveAt: expect.any(String),
      current: false,
    });
    expect(r.body.map((s: { id: string }) => s.id)).not.toContain(decodeJwt(other.accessToken).sid);

    // a revoked session is no longer listed
    await t.rest('POST', '/identity/resources/auth/v1/logout', { cookie: a.refreshToken, token: a.accessToken });
    const after = await t.rest('GET', `${SESSIONS}/me`, { token: c.accessToken });
    expect(after.body.map((s: { id: string }) => s.id)).toEqual([c.sessionId, b.sessionId]);
    expect(after.body.map((s: { current: boolean }) => s.current)).toEqual([true, false]);
  });

  it('answers the vendor acting as a user (frontegg-user-id), with no current session', async () => {
    const { u, a, b, c } = await userWithThreeSessions();
    const r = await t.rest('GET', `${SESSIONS}/me`, { token: await t.vendorToken(), headers: { 'frontegg-user-id': u.userId } });
    expect(r.status).toBe(200);
    expect(r.body.map((s: { id: string }) => s.id).sort()).toEqual([a.sessionId, b.sessionId, c.sessionId].sort());
    expect(r.body.every((s: { current: boolean }) => s.current === false)).toBe(true);
  });

  it('needs a token', async () => {
    const r = await t.rest('GET', `${SESSIONS}/me`);
    expect(r.status).toBe(401);
  });

  it('GET /me/current is the caller’s session, and 404 once it is revoked', async () => {
    const { b } = await userWithThreeSessions();
    const r = await t.rest('GET', `${SESSIONS}/me/current`, { token: b.accessToken });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: b.sessionId, userAgent: 'agent-b', current: true });

    expect((await t.rest('DELETE', `${SESSIONS}/me/${b.sessionId}`, { token: b.accessToken })).status).toBe(200);
    const gone = await t.rest('GET', `${SESSIONS}/me/current`, { token: b.accessToken });
    expect(gone.status).toBe(404);
    expect(gone.body.errorCode).toBe('session_not_found');
  });
});

describe('revoking my sessions', () => {
  it('revoking one kills its refresh token and no other', async () => {
    const { a, b, c } = await userWithThreeSessions();
    const r = await t.rest('DELETE', `${SESSIONS}/me/${a.sessionId}`, { token: b.accessToken });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    await expectRefreshRefused(a);
    expect((await sessionRow(a.sessionId)).revokedReason).toBe('user_revoked');
    await refreshOk(b);
    await refreshOk(c);
    // revoking it again is a no-op, not an error
    expect((await t.rest('DELETE', `${SESSIONS}/me/${a.sessionId}`, { token: b.accessToken })).status).toBe(200);
  });

  it('revoke-all keeps the current session and kills the others', async () => {
    const { a, b, c } = await userWithThreeSessions();
    const r = await t.rest('DELETE', `${SESSIONS}/me/all`, { token: b.accessToken });
    expect(r.status).toBe(200);
    await expectRefreshRefused(a);
    await expectRefreshRefused(c);
    await refreshOk(b);
    expect((await sessionRow(c.sessionId)).revokedReason).toBe('user_revoked_all');
    const list = await t.rest('GET', `${SESSIONS}/me`, { token: b.accessToken });
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([b.sessionId]);
  });

  it('GraphQL revokeAllMySessions(includeCurrent: true) also ends the caller’s own', async () => {
    const { a, b } = await userWithThreeSessions();
    const doc = parse('mutation { revokeAllMySessions(includeCurrent: true) { ... on RevokeSessionsPayload { revokedCount } } }');
    const r = await t.gql(doc as never, {}, { token: b.accessToken });
    expect(r.errors).toBeUndefined();
    expect((r.data as any).revokeAllMySessions).toEqual({ revokedCount: 3 });
    await expectRefreshRefused(a);
    await expectRefreshRefused(b);
  });

  it('another user’s session id answers 404, like an unknown id, and stays untouched', async () => {
    const victim = await userWithThreeSessions();
    const attacker = await signUp(t);
    const r = await t.rest('DELETE', `${SESSIONS}/me/${victim.a.sessionId}`, { token: attacker.accessToken });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ errors: ['Session not found'], errorCode: 'session_not_found' });
    const unknown = await t.rest('DELETE', `${SESSIONS}/me/00000000-0000-4000-8000-000000000000`, { token: attacker.accessToken });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(r.body);

    expect((await sessionRow(victim.a.sessionId)).revokedAt).toBeNull();
    await refreshOk(victim.a);
    // nor does revoke-all reach beyond the caller's own sessions
    await t.rest('DELETE', `${SESSIONS}/me/all`, { token: attacker.accessToken });
    await refreshOk(victim.b);
  });
});

describe('revoking a user’s sessions (administrators)', () => {
  it('a tenant admin revokes a member’s sessions; a user of another tenant is not found', async () => {
    const admin = await signUp(t);
    const member = await memberOf(admin.tenantId);
    const stranger = await signUp(t);

    const r = await t.rest('POST', `${SESSIONS}/revoke`, { token: admin.accessToken, body: { userId: member.userId } });
    expect(r.status).toBe(201);
    await expectRefreshRefused(member);
    expect((await sessionRow(member.sessionId)).revokedReason).toBe('admin_revoked');

    const denied = await t.rest('POST', `${SESSIONS}/revoke`, { token: admin.accessToken, body: { userId: stranger.userId } });
    expect(denied.status).toBe(404);
    expect(denied.body.errorCode).toBe('user_not_found');
    await refreshOk({ accessToken: stranger.accessToken, refreshToken: stranger.refreshToken, sessionId: '' });
  });

  it('needs fe.secure.delete.sessions; the vendor may revoke anyone’s', async () => {
    const admin = await signUp(t);
    const member = await memberOf(admin.tenantId);
    const forbidden = await t.rest('POST', `${SESSIONS}/revoke`, { token: member.accessToken, body: { userId: admin.userId } });
    expect(forbidden.status).toBe(403);
    await refreshOk({ accessToken: admin.accessToken, refreshToken: admin.refreshToken, sessionId: '' });

    const stranger = await signUp(t);
    const r = await t.rest('POST', `${SESSIONS}/revoke`, { token: await t.vendorToken(), body: { userId: stranger.userId } });
    expect(r.status).toBe(201);
    await expectRefreshRefused({ accessToken: stranger.accessToken, refreshToken: stranger.refreshToken, sessionId: '' });
    const missing = await t.rest('POST', `${SESSIONS}/revoke`, { token: await t.vendorToken(), body: { userId: 'no-such-user' } });
    expect(missing.status).toBe(404);
  });
});

describe('session configuration', () => {
  it('round-trips a tenant’s configuration; sections left out keep their value', async () => {
    const admin = await signUp(t);
    const initial = await t.rest('GET', CONFIG, { token: admin.accessToken });
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual(noPolicy);

    const body = {
      sessionIdleTimeoutConfiguration: { isActive: true, timeout: 900 },
      sessionTimeoutConfiguration: { isActive: true, timeout: 7 * 86400 },
      sessionConcurrentConfiguration: { isActive: true, maxSessions: 3 },
    };
    const r = await t.rest('POST', CONFIG, { token: admin.accessToken, body });
    expect(r.status).toBe(201);
    expect(r.body).toEqual(body);
    expect((await t.rest('GET', CONFIG, { token: admin.accessToken })).body).toEqual(body);

    const partial = await t.rest('POST', CONFIG, { token: admin.accessToken, body: { sessionConcurrentConfiguration: { isActive: false, maxSessions: 5 } } });
    expect(partial.body).toEqual({ ...body, sessionConcurrentConfiguration: { isActive: false, maxSessions: 5 } });
    // the vendor reads the same through frontegg-tenant-id
    const viaVendor = await t.rest('GET', CONFIG, { token: await t.vendorToken(), headers: { 'frontegg-tenant-id': admin.tenantId } });
    expect(viaVendor.body).toEqual(partial.body);
    expect(await t.deps.db.policy.count({ where: { type: 'SESSION', tenantId: admin.tenantId } })).toBe(1);
  });

  it('a tenant’s own configuration beats the vendor default, in what is read and what is enforced', async () => {
    const vendor = await t.vendorToken();
    const withOverride = await signUp(t);
    const withoutOverride = await signUp(t);
    const idle60 = { ...noPolicy, sessionIdleTimeoutConfiguration: { isActive: true, timeout: 60 } };
    try {
      const setDefault = await t.rest('POST', CONFIG, { token: vendor, body: idle60 });
      expect(setDefault.status).toBe(201);
      expect((await t.rest('GET', `${CONFIG}/vendor`, { token: vendor })).body).toEqual(idle60);
      expect((await t.rest('POST', CONFIG, { token: vendor, headers: { 'frontegg-tenant-id': withOverride.tenantId }, body: noPolicy })).status).toBe(201);

      expect((await t.rest('GET', CONFIG, { token: withoutOverride.accessToken })).body).toEqual(idle60);
      expect((await t.rest('GET', CONFIG, { token: withOverride.accessToken })).body).toEqual(noPolicy);
      expect((await t.rest('GET', `${CONFIG}/vendor`, { token: withOverride.accessToken })).body).toEqual(idle60);

      advance(120);
      await refreshOk({ accessToken: withOverride.accessToken, refreshToken: withOverride.refreshToken, sessionId: '' });
      await expectRefreshRefused({ accessToken: '', refreshToken: withoutOverride.refreshToken, sessionId: '' });
      expect((await sessionRow(decodeJwt(withoutOverride.accessToken).sid as string)).revokedReason).toBe('idle_timeout');
    } finally {
      // the vendor default applies to every tenant of this file: put it back
      await t.rest('POST', CONFIG, { token: await t.vendorToken(), body: noPolicy });
    }
  });

  it('refuses a user without fe.secure.write.securityPolicy (403), and writes nothing', async () => {
    const admin = await signUp(t);
    const member = await memberOf(admin.tenantId);
    const r = await t.rest('POST', CONFIG, { token: member.accessToken, body: { sessionConcurrentConfiguration: { isActive: true, maxSessions: 1 } } });
    expect(r.status).toBe(403);
    expect(r.body.errorCode).toBe('auth_forbidden');
    expect(await t.deps.db.policy.count({ where: { type: 'SESSION', tenantId: admin.tenantId } })).toBe(0);
    // reading needs only fe.secure.read.securityPolicy, which ReadOnly has
    expect((await t.rest('GET', CONFIG, { token: member.accessToken })).status).toBe(200);
    expect((await t.rest('GET', CONFIG)).status).toBe(401);
  });

  it('validates the input (400) and writes nothing', async () => {
    const admin = await signUp(t);
    const bad = [
      { sessionIdleTimeoutConfiguration: { isActive: true, timeout: 0 } },
      { sessionIdleTimeoutConfiguration: { isActive: true, timeout: -60 } },
      { sessionTimeoutConfiguration: { isActive: true, timeout: 1.5 } },
      { sessionTimeoutConfiguration: { isActive: true, timeout: 10 * 365 * 86400 } },
      { sessionTimeoutConfiguration: { isActive: true, timeout: 2 ** 40 } },
      { sessionTimeoutConfiguration: { isActive: true, timeout: '3600' } },
      { sessionTimeoutConfiguration: { timeout: 3600 } },
      { sessionConcurrentConfiguration: { isActive: true, maxSessions: 0 } },
      { sessionConcurrentConfiguration: { isActive: true, maxSessions: 100000 } },
    ];
    for (const body of bad) {
      const r = await t.rest('POST', CONFIG, { token: admin.accessToken, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errorCode).toBe('validation_failed');
    }
    expect(await t.deps.db.policy.count({ where: { type: 'SESSION', tenantId: admin.tenantId } })).toBe(0);
    // a tenant that does not exist is not created by the vendor either
    const ghost = await t.rest('POST', CONFIG, { token: await t.vendorToken(), headers: { 'frontegg-tenant-id': 'no-such-tenant' }, body: noPolicy });
    expect(ghost.status).toBe(404);
  });
});

describe('session policy enforcement', () => {
  async function tenantWith(policy: object) {
    const admin = await signUp(t);
    const r = await t.rest('POST', CONFIG, { token: admin.accessToken, body: policy });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return admin;
  }

  it('idle timeout: a refresh after more than `timeout` seconds of inactivity ends the session', async () => {
    const admin = await tenantWith({ sessionIdleTimeoutConfiguration: { isActive: true, timeout: 600 } });
    const active = await login(admin.email, admin.password);
    const idle = await login(admin.email, admin.password);

    advance(500);
    let kept = await refreshOk(active);
    advance(500); // 1000 s since login, 500 s since the last refresh
    kept = await refreshOk(kept);
    await expectRefreshRefused(idle);
    expect((await sessionRow(idle.sessionId)).revokedReason).toBe('idle_timeout');
    // not listed once ended
    const list = await t.rest('GET', `${SESSIONS}/me`, { token: kept.accessToken });
    expect(list.body.map((s: { id: string }) => s.id)).not.toContain(idle.sessionId);
  });

  it('idle sessions past the timeout are not listed even before a refresh revokes them', async () => {
    const admin = await tenantWith({ sessionIdleTimeoutConfiguration: { isActive: true, timeout: 300 } });
    const stale = await login(admin.email, admin.password);
    advance(301);
    const fresh = await login(admin.email, admin.password);
    const list = await t.rest('GET', `${SESSIONS}/me`, { token: fresh.accessToken });
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([fresh.sessionId]);
    expect((await sessionRow(stale.sessionId)).revokedAt).toBeNull();
  });

  it('absolute timeout: no refresh extends a session past `timeout` seconds after login', async () => {
    const admin = await tenantWith({ sessionTimeoutConfiguration: { isActive: true, timeout: 3600 } });
    let s = await login(admin.email, admin.password);
    advance(1800);
    s = await refreshOk(s);
    advance(1700);
    s = await refreshOk(s);
    advance(101); // 3601 s after login, 101 s after the last refresh
    await expectRefreshRefused(s);
    expect((await sessionRow(s.sessionId)).revokedReason).toBe('absolute_timeout');
  });

  it('concurrent limit: a login beyond maxSessions revokes the oldest sessions', async () => {
    const admin = await tenantWith({ sessionConcurrentConfiguration: { isActive: true, maxSessions: 2 } });
    // sign-up started a session before the policy existed; the second login trims to 2
    advance(1);
    const first = await login(admin.email, admin.password);
    advance(1);
    const second = await login(admin.email, admin.password);
    expect((await sessionRow(decodeJwt(admin.accessToken).sid as string)).revokedReason).toBe('concurrent_limit');
    advance(1);
    const third = await login(admin.email, admin.password);

    await expectRefreshRefused(first);
    expect((await sessionRow(first.sessionId)).revokedReason).toBe('concurrent_limit');
    await refreshOk(second);
    const list = await t.rest('GET', `${SESSIONS}/me`, { token: third.accessToken });
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([third.sessionId, second.sessionId]);
  });

  it('reading the policy costs the refresh no extra statement (it rides on the token lookup)', async () => {
    const plain = await signUp(t);
    const guarded = await tenantWith({ sessionIdleTimeoutConfiguration: { isActive: true, timeout: 600 } });
    const count = async (refreshToken: string) => {
      t.queries.length = 0;
      await refreshOk({ accessToken: '', refreshToken, sessionId: '' });
      return t.queries.length;
    };
    expect(await count(guarded.refreshToken)).toBe(await count(plain.refreshToken));
  });

  it('without any policy nothing ends a session early', async () => {
    const u = await signUp(t);
    advance(7 * 86400);
    await refreshOk({ accessToken: u.accessToken, refreshToken: u.refreshToken, sessionId: '' });
  });
});
