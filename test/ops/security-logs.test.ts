// Logs: one structured line per security event with the request id, client IP, user and tenant
// ids — and never a secret (password, token, code, TOTP seed). X-Request-Id is honoured (when
// sane) and returned on every response; frontegg-trace-id is logged; 4xx never log at error level.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { signUp, startGatehouse, VENDOR, type TestGatehouse } from '../helpers/gatehouse.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

type Line = Record<string, unknown> & { level: number; msg: string };
const lines: Line[] = [];
let t: TestGatehouse;
beforeAll(async () => {
  const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  t = await startGatehouse({ GATEHOUSE_RATE_LIMIT_SECRETS_PER_CLIENT: '2/1h' }, { logger });
});
afterAll(() => t?.close());

const A = '/identity/resources/auth/v1/user';
const IP = '203.0.113.7';
/** Headers of a call as it would arrive through the one trusted proxy (GATEHOUSE_TRUST_PROXY=1 in tests). */
const via = (requestId: string, extra: Record<string, string> = {}) => ({ 'x-request-id': requestId, 'x-forwarded-for': IP, ...extra });
const events = (requestId: string) => lines.filter((l) => l.securityEvent && l.requestId === requestId);
const secrets: string[] = [];

describe('security events', () => {
  it('logs login failure and success with request id, client IP, user and tenant, and the trace id', async () => {
    const u = await signUp(t);
    secrets.push(u.password, u.accessToken, u.refreshToken);
    const bad = await t.rest('POST', A, { body: { email: u.email, password: 'not the password at all' }, headers: via('req-login-bad', { 'frontegg-trace-id': 'trace-abc-123' }) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('x-request-id')).toBe('req-login-bad');
    expect(events('req-login-bad')).toEqual([
      expect.objectContaining({ event: 'login.failure', reason: 'auth_invalid_credentials', method: 'password', clientIp: IP, traceId: 'trace-abc-123', level: 30 }),
    ]);

    const ok = await t.rest('POST', A, { body: { email: u.email, password: u.password }, headers: via('req-login-ok') });
    expect(ok.status).toBe(200);
    secrets.push(ok.body.accessToken, ok.refreshCookie!);
    expect(events('req-login-ok')).toEqual([expect.objectContaining({ event: 'login.success', userId: u.userId, tenantId: u.tenantId, clientIp: IP })]);

    const refreshed = await t.rest('POST', `${A}/token/refresh`, { cookie: ok.refreshCookie!, headers: via('req-refresh') });
    expect(refreshed.status).toBe(201);
    secrets.push(refreshed.body.accessToken, refreshed.refreshCookie!);
    expect(events('req-refresh')).toEqual([expect.objectContaining({ event: 'refresh.success', userId: u.userId, tenantId: u.tenantId })]);

    const out = await t.rest('POST', '/identity/resources/auth/v1/logout', { token: refreshed.body.accessToken, cookie: refreshed.refreshCookie!, headers: via('req-logout') });
    expect(out.status).toBeLessThan(300);
    expect(events('req-logout')).toEqual([expect.objectContaining({ event: 'token.revoke', reason: 'logout', method: 'session', userId: u.userId })]);
  });

  it('logs a lockout, with the user id', async () => {
    const vendor = await t.vendorToken();
    expect((await t.rest('POST', '/identity/resources/configurations/v1/lockout-policy', { token: vendor, body: { enabled: true, maxAttempts: 2 } })).status).toBe(201);
    const u = await signUp(t);
    secrets.push(u.password);
    await t.rest('POST', A, { body: { email: u.email, password: 'wrong password one' }, headers: via('req-lock-1') });
    await t.rest('POST', A, { body: { email: u.email, password: 'wrong password two' }, headers: via('req-lock-2') });
    expect(events('req-lock-2').map((l) => [l.event, l.userId ?? null, l.reason])).toEqual([
      ['account.locked', u.userId, 'failed_password_attempts'],
      ['login.failure', null, 'auth_invalid_credentials'],
    ]);
    expect(events('req-lock-2')[0]!.level).toBe(40);
    const locked = await t.rest('POST', A, { body: { email: u.email, password: u.password }, headers: via('req-lock-3') });
    expect(locked.status).toBe(403);
    expect(events('req-lock-3')).toEqual([expect.objectContaining({ event: 'login.failure', reason: 'user_locked' })]);
    await t.rest('DELETE', '/identity/resources/configurations/v1/lockout-policy', { token: vendor });
    await t.deps.db.policy.deleteMany({ where: { type: 'LOCKOUT' } }).catch(() => undefined);
  });

  it('logs MFA at login: the challenge, a wrong code and the right one', async () => {
    const u = await signUp(t);
    const clock = t.clock as ManualClock;
    const code = (secret: string) => generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
    const U = '/identity/resources/users/v1/mfa';
    expect((await t.rest('POST', `${U}/authenticator/enroll`, { token: u.accessToken })).status).toBe(200);
    const d = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId, type: 'TOTP', verifiedAt: null } });
    const seed = t.deps.secrets.decrypt(d.secretEncrypted!);
    const enrolCode = await code(seed);
    const v = await t.rest('POST', `${U}/authenticator/enroll/verify`, { token: u.accessToken, body: { token: enrolCode } });
    expect(v.status).toBe(200);
    clock.advance(30_000);
    secrets.push(seed, v.body.recoveryCode);

    const challenged = await t.rest('POST', A, { body: { email: u.email, password: u.password }, headers: via('req-mfa-login') });
    expect(challenged.body.mfaRequired).toBe(true);
    secrets.push(challenged.body.mfaToken);
    expect(events('req-mfa-login')).toEqual([expect.objectContaining({ event: 'login.mfa_required', userId: u.userId })]);

    const right = await code(seed);
    const wrong = right === '000000' ? '111111' : '000000';
    const w = await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: challenged.body.mfaToken, value: wrong }, headers: via('req-mfa-bad') });
    expect(w.status).toBeGreaterThanOrEqual(400);
    expect(events('req-mfa-bad')).toEqual([expect.objectContaining({ event: 'mfa.failure', method: 'totp', reason: expect.any(String), clientIp: IP })]);
    const r = await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: challenged.body.mfaToken, value: right }, headers: via('req-mfa-ok') });
    expect(r.status).toBe(201);
    secrets.push(right, r.body.accessToken);
    expect(events('req-mfa-ok')).toEqual([expect.objectContaining({ event: 'mfa.success', method: 'totp', userId: u.userId, tenantId: u.tenantId })]);
  });

  it('logs a password change, API token issue, exchange and revocation, and rate-limit hits', async () => {
    const u = await signUp(t);
    const newPassword = 'a brand new passphrase 42';
    secrets.push(u.password, newPassword);
    const changed = await t.rest('POST', '/identity/resources/users/v1/passwords/change', { token: u.accessToken, body: { password: u.password, newPassword }, headers: via('req-pw') });
    expect(changed.status).toBeLessThan(300);
    expect(events('req-pw')).toEqual([expect.objectContaining({ event: 'password.change', userId: u.userId })]);

    const login = await t.rest('POST', A, { body: { email: u.email, password: newPassword } });
    const created = await t.rest('POST', '/identity/resources/tenants/api-tokens/v1', { token: login.body.accessToken, body: { description: 'ci', permissionIds: ['fe.secure.read.users'] }, headers: via('req-tok') });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    secrets.push(created.body.secret);
    expect(events('req-tok')).toEqual([expect.objectContaining({ event: 'token.issue', method: 'api_token', subjectId: created.body.clientId, tenantId: u.tenantId })]);
    const ex = await t.rest('POST', '/identity/resources/auth/v2/api-token', { body: { clientId: created.body.clientId, secret: created.body.secret }, headers: via('req-ex') });
    expect(ex.status).toBe(200);
    secrets.push(ex.body.accessToken, ex.body.refreshToken);
    expect(events('req-ex')).toEqual([expect.objectContaining({ event: 'token.issue', method: 'api_token_exchange', subjectId: created.body.clientId })]);
    const del = await t.rest('DELETE', `/identity/resources/tenants/api-tokens/v1/${created.body.clientId}`, { token: login.body.accessToken, headers: via('req-del') });
    expect(del.status).toBeLessThan(300);
    expect(events('req-del')).toEqual([expect.objectContaining({ event: 'token.revoke', method: 'api_token', subjectId: created.body.clientId })]);

    const wrong = 'wrong-vendor-secret-0123456789';
    secrets.push(wrong, VENDOR.secret);
    for (let i = 1; i <= 3; i++) await t.rest('POST', '/auth/vendor', { body: { clientId: VENDOR.clientId, secret: wrong }, headers: via(`req-rl-${i}`) });
    expect(events('req-rl-3').map((l) => [l.event, l.limit ?? l.reason, l.level])).toEqual([
      ['rate_limit.hit', 'SECRETS_PER_CLIENT', 40],
      ['vendor.auth.failure', 'rate_limited', 30],
    ]);
  });

  it('never writes a secret, and logs no 4xx at error level', async () => {
    // Client errors of every kind: malformed JSON, an invalid query, a bad REST body, no route.
    const post = (p: string, body: string) => t.app.fetch(new Request(`http://gatehouse.test${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    expect((await post('/graphql', '{not json')).status).toBe(400);
    expect((await post('/graphql', JSON.stringify({ query: '{ nope }' }))).status).toBeGreaterThanOrEqual(200);
    expect((await post(A, '{"email": 12}')).status).toBe(400);
    expect((await post('/identity/resources/nowhere', '{}')).status).toBe(404);
    expect(secrets.length).toBeGreaterThan(10);
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const s of secrets) expect(text, 'a secret reached the log').not.toContain(s);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    // every security line has the uniform shape
    for (const l of lines.filter((x) => x.securityEvent && String(x.requestId).startsWith('req-'))) {
      expect(l).toMatchObject({ event: expect.any(String), requestId: expect.any(String), clientIp: IP, msg: `security event ${String(l.event)}` });
    }
  });

  it('redacts secret-named fields logged by accident', () => {
    const captured: string[] = [];
    const logger = createLogger('info', { write: (s: string) => void captured.push(s) });
    logger.info({ password: 'p4ss', body: { newPassword: 'n3w', token: 't0k', code: '123456' }, err: { code: 'ECONNREFUSED' } }, 'oops');
    const line = JSON.parse(captured[0]!);
    expect(line.password).toBe('[redacted]');
    expect(line.body).toEqual({ newPassword: '[redacted]', token: '[redacted]', code: '123456' });
    expect(line.err.code).toBe('ECONNREFUSED');
  });
});

describe('X-Request-Id', () => {
  it('is honoured when sane, replaced when not, and returned on every response', async () => {
    const get = (path: string, id?: string) => t.app.fetch(new Request(`http://gatehouse.test${path}`, { headers: id === undefined ? {} : { 'x-request-id': id } }));
    expect((await get('/health', 'abc-123_DEF.4')).headers.get('x-request-id')).toBe('abc-123_DEF.4');
    expect((await get('/no/such/route', 'mine')).headers.get('x-request-id')).toBe('mine');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect((await get('/health')).headers.get('x-request-id')).toMatch(uuid);
    for (const bad of ['x'.repeat(129), 'has space', 'semi;colon', 'quote"d', '<script>', '']) {
      expect((await get('/health', bad)).headers.get('x-request-id'), JSON.stringify(bad)).toMatch(uuid);
    }
  });
});
