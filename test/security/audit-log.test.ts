// The audit log: the flows write their events (actor, tenant, target, IP, user agent, request id,
// outcome) and never a secret; reading is tenant-isolated over GraphQL and Frontegg's /audits;
// keyset paging, filters, stats, CSV export (escaping, formula-safe) and the retention purge.
import { parse } from 'graphql';
import { generate } from 'otplib';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/platform/clock.ts';
import { addMember, signUp, startGatehouse, VENDOR, type TestGatehouse } from '../helpers/gatehouse.ts';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

let t: TestGatehouse;
let smtp: TestSmtp;
let vendor: string;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await startGatehouse({ GATEHOUSE_SMTP_URL: smtp.url, GATEHOUSE_APP_URL: 'https://app.example.test', GATEHOUSE_AUDIT_RETENTION_DAYS: '30' });
  vendor = await t.vendorToken();
}, 60_000);
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const A = '/identity/resources/auth/v1/user';
const IP = '203.0.113.9';
const UA = 'Mozilla/5.0 (audit test, "quoted")';
const via = (requestId: string) => ({ 'x-request-id': requestId, 'x-forwarded-for': IP, 'user-agent': UA });
const rows = (requestId: string) => t.deps.db.auditEvent.findMany({ where: { requestId }, orderBy: { createdAt: 'asc' } });
const gql = (src: string) => parse(src) as TypedDocumentNode<any, any>;
/** Every secret a flow below used or was given: none may be in any audit row. */
const secrets: Array<string | undefined> = [];

describe('flows write audit events', () => {
  it('logins (failed, succeeded), lockout and unlock policy: user, tenant, IP, user agent, request id, outcome', async () => {
    const u = await signUp(t);
    secrets.push(u.password, u.accessToken, u.refreshToken);
    const bad = await t.rest('POST', A, { body: { email: u.email, password: 'not the password at all' }, headers: via('au-login-bad') });
    expect(bad.status).toBe(401);
    expect(await rows('au-login-bad')).toEqual([
      expect.objectContaining({
        action: 'user.login.failed', outcome: 'failure', reason: 'auth_invalid_credentials', severity: 'Medium',
        userId: u.userId, tenantId: u.tenantId, targetType: 'user', targetId: u.userId, actorType: 'anonymous',
        ipAddress: IP, userAgent: UA, requestId: 'au-login-bad',
      }),
    ]);
    t.auditWrites.length = 0;
    t.queries.length = 0;
    const ok = await t.rest('POST', A, { body: { email: u.email, password: u.password }, headers: via('au-login-ok') });
    expect(ok.status).toBe(200);
    // One insert, after the login's own statements (the helper keeps it apart from statement budgets).
    expect(t.auditWrites).toHaveLength(1);
    expect(t.queries.filter((q) => q.includes('"AuditEvent"'))).toEqual([]);
    secrets.push(ok.body.accessToken, ok.refreshCookie!);
    expect(await rows('au-login-ok')).toEqual([expect.objectContaining({ action: 'user.login.succeeded', outcome: 'success', userId: u.userId, tenantId: u.tenantId, ipAddress: IP })]);

    // An unknown account: a row without user or tenant (only the vendor sees it); nothing typed is kept.
    await t.rest('POST', A, { body: { email: 'nobody-audit@example.com', password: 'whatever it is 123' }, headers: via('au-login-unknown') });
    const unknown = await rows('au-login-unknown');
    expect(unknown).toEqual([expect.objectContaining({ action: 'user.login.failed', userId: null, tenantId: null })]);
    expect(JSON.stringify(unknown)).not.toContain('nobody-audit');

    const policy = await t.rest('POST', '/identity/resources/configurations/v1/lockout-policy', { token: vendor, body: { enabled: true, maxAttempts: 2 }, headers: via('au-policy') });
    expect(policy.status).toBe(201);
    expect(await rows('au-policy')).toEqual([expect.objectContaining({ action: 'policy.lockout.updated', actorType: 'vendor', actorId: VENDOR.clientId, tenantId: null })]);
    try {
      await t.rest('POST', A, { body: { email: u.email, password: 'wrong password one' }, headers: via('au-lock-1') });
      await t.rest('POST', A, { body: { email: u.email, password: 'wrong password two' }, headers: via('au-lock-2') });
      expect((await rows('au-lock-2')).map((r) => r.action).sort()).toEqual(['user.locked', 'user.login.failed']);
      expect((await rows('au-lock-2')).find((r) => r.action === 'user.locked')).toMatchObject({ severity: 'High', userId: u.userId, tenantId: u.tenantId, reason: 'failed_password_attempts' });
    } finally {
      await t.rest('DELETE', '/identity/resources/configurations/v1/lockout-policy', { token: vendor });
    }
  });

  it('MFA, password change and reset, sessions and API tokens', async () => {
    const u = await signUp(t);
    secrets.push(u.password, u.accessToken, u.refreshToken);
    const clock = t.clock as ManualClock;
    const code = (secret: string) => generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
    const M = '/identity/resources/users/v1/mfa';
    expect((await t.rest('POST', `${M}/authenticator/enroll`, { token: u.accessToken })).status).toBe(200);
    const d = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId, type: 'TOTP', verifiedAt: null } });
    const seed = t.deps.secrets.decrypt(d.secretEncrypted!);
    const v = await t.rest('POST', `${M}/authenticator/enroll/verify`, { token: u.accessToken, body: { token: await code(seed) } });
    expect(v.status).toBe(200);
    secrets.push(seed, v.body.recoveryCode);
    clock.advance(30_000);
    const challenged = await t.rest('POST', A, { body: { email: u.email, password: u.password }, headers: via('au-mfa-login') });
    secrets.push(challenged.body.mfaToken);
    expect(await rows('au-mfa-login')).toEqual([expect.objectContaining({ action: 'user.login.mfa_required', userId: u.userId })]);
    const right = await code(seed);
    const wrong = right === '000000' ? '111111' : '000000';
    await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: challenged.body.mfaToken, value: wrong }, headers: via('au-mfa-bad') });
    expect(await rows('au-mfa-bad')).toEqual([expect.objectContaining({ action: 'mfa.failed', outcome: 'failure', reason: expect.any(String) })]);
    const mfaOk = await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: challenged.body.mfaToken, value: right }, headers: via('au-mfa-ok') });
    expect(mfaOk.status).toBe(201);
    secrets.push(right, mfaOk.body.accessToken, mfaOk.refreshCookie!);
    expect(await rows('au-mfa-ok')).toEqual([expect.objectContaining({ action: 'mfa.verified', userId: u.userId, tenantId: u.tenantId, data: { method: 'totp' } })]);

    const newPassword = 'a brand new passphrase 42';
    secrets.push(newPassword);
    const changed = await t.rest('POST', '/identity/resources/users/v1/passwords/change', { token: mfaOk.body.accessToken, body: { password: u.password, newPassword }, headers: via('au-pw') });
    expect(changed.status).toBeLessThan(300);
    expect(await rows('au-pw')).toEqual([expect.objectContaining({ action: 'password.changed', actorType: 'user', actorId: u.userId, userId: u.userId, tenantId: u.tenantId })]);

    const asked = await t.rest('POST', '/identity/resources/users/v1/passwords/reset', { body: { email: u.email } });
    expect(asked.status).toBeLessThan(300);
    const link = linkIn(await smtp.next(u.email), '/account/reset-password');
    const resetPassword = 'the reset passphrase 77';
    secrets.push(link.searchParams.get('token')!, resetPassword);
    const reset = await t.rest('POST', '/identity/resources/users/v1/passwords/reset/verify', {
      body: { userId: link.searchParams.get('userId'), token: link.searchParams.get('token'), password: resetPassword },
      headers: via('au-reset'),
    });
    expect(reset.status).toBeLessThan(300);
    expect(await rows('au-reset')).toEqual([expect.objectContaining({ action: 'password.reset', userId: u.userId, targetId: u.userId })]);

    // Tokens and sessions: a second user (the first now has MFA and no session).
    const w = await signUp(t);
    secrets.push(w.password, w.accessToken, w.refreshToken);
    const login = await t.rest('POST', A, { body: { email: w.email, password: w.password } });
    expect(login.status).toBe(200);
    secrets.push(login.body.accessToken, login.refreshCookie!);
    const created = await t.rest('POST', '/identity/resources/tenants/api-tokens/v1', { token: login.body.accessToken, body: { description: 'ci', permissionIds: ['fe.secure.read.users'] }, headers: via('au-tok') });
    expect(created.status).toBe(201);
    secrets.push(created.body.secret);
    expect(await rows('au-tok')).toEqual([expect.objectContaining({ action: 'token.issued', tenantId: w.tenantId, targetType: 'api_token', targetId: created.body.clientId, actorId: w.userId })]);
    const ex = await t.rest('POST', '/identity/resources/auth/v2/api-token', { body: { clientId: created.body.clientId, secret: created.body.secret }, headers: via('au-ex') });
    expect(ex.status).toBe(200);
    secrets.push(ex.body.access_token, ex.body.refresh_token);
    expect(await rows('au-ex')).toEqual([expect.objectContaining({ action: 'token.issued', data: { method: 'api_token_exchange' } })]);
    await t.rest('DELETE', `/identity/resources/tenants/api-tokens/v1/${created.body.clientId}`, { token: login.body.accessToken, headers: via('au-tok-del') });
    expect(await rows('au-tok-del')).toEqual([expect.objectContaining({ action: 'token.revoked', targetId: created.body.clientId })]);

    const out = await t.rest('POST', '/identity/resources/auth/v1/logout', { token: login.body.accessToken, cookie: login.refreshCookie!, headers: via('au-logout') });
    expect(out.status).toBeLessThan(300);
    expect(await rows('au-logout')).toEqual([expect.objectContaining({ action: 'session.revoked', reason: 'logout', userId: w.userId })]);
  });

  it('user, role, group, tenant and vendor configuration changes; a refused change is a failure row', async () => {
    const u = await signUp(t);
    secrets.push(u.password, u.accessToken);
    const m = await addMember(t, u.accessToken);
    secrets.push(m.accessToken, m.refreshToken);
    expect(await t.deps.db.auditEvent.count({ where: { action: 'user.created', targetId: m.userId, tenantId: u.tenantId, actorId: u.userId } })).toBe(1);
    const role = await t.rest('POST', '/identity/resources/roles/v1', { token: u.accessToken, body: [{ key: 'auditors', name: 'Auditors' }], headers: via('au-role') });
    expect(role.status, JSON.stringify(role.body)).toBeLessThan(300);
    expect(await rows('au-role')).toEqual([expect.objectContaining({ action: 'role.created', tenantId: u.tenantId, targetType: 'role', actorId: u.userId })]);
    const sub = await t.rest('POST', '/tenants/resources/sub-tenants/v1', { token: u.accessToken, body: { name: 'Audit child', parentTenantId: u.tenantId }, headers: via('au-sub') });
    expect(sub.status).toBe(201);
    expect(await rows('au-sub')).toEqual([expect.objectContaining({ action: 'tenant.created', tenantId: sub.body.tenantId, data: { parentTenantId: u.tenantId } })]);
    // The member holds read-only roles: deleting a user is refused, and the attempt is recorded.
    const refused = await t.rest('DELETE', `/identity/resources/users/v1/${u.userId}`, { token: m.accessToken, headers: via('au-refused') });
    expect(refused.status).toBe(403);
    const r = await rows('au-refused');
    // Refused before the service (the field's scope) leaves no row; refused inside it, a failure row.
    for (const row of r) expect(row).toMatchObject({ outcome: 'failure', reason: expect.stringMatching(/^auth_/) });
    const cfg = await t.rest('POST', '/identity/resources/configurations/v1', { token: vendor, body: { allowSignups: true }, headers: via('au-vendor-config') });
    expect(cfg.status, JSON.stringify(cfg.body)).toBe(201);
    expect(await rows('au-vendor-config')).toEqual([expect.objectContaining({ action: 'vendor.config.identity.updated', actorType: 'vendor' })]);
  });

  it('no row holds a secret used in the flows above', async () => {
    const all = JSON.stringify(await t.deps.db.auditEvent.findMany());
    const used = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6);
    expect(used.length).toBeGreaterThan(15);
    for (const s of used) expect(all.includes(s), `audit rows contain a secret (${s.slice(0, 6)}…)`).toBe(false);
    // and no hash of one: argon2 / HMAC outputs never appear
    expect(all).not.toMatch(/\$argon2/);
    for (const h of (await t.deps.db.passwordCredential.findMany({ select: { hash: true } })).map((p) => p.hash)) expect(all.includes(h)).toBe(false);
  });
});

const EVENTS = gql(`query($t: ID, $f: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(tenantId: $t, filter: $f, first: $first, after: $after) {
    edges { cursor node { id action outcome tenantId userId createdAt actor { type id } target { type id } ipAddress userAgent requestId } }
    pageInfo { hasNextPage endCursor }
  }
}`);

describe('reading', () => {
  it('is tenant-isolated: the admin of B sees only B, over GraphQL and /audits, whatever it names', async () => {
    const a = await signUp(t, { companyName: 'Audited A' });
    const b = await signUp(t, { companyName: 'Audited B' });
    // Something in each tenant: a failed login of each admin.
    for (const x of [a, b]) await t.rest('POST', A, { body: { email: x.email, password: 'not the password at all' } });
    const named = await t.gql(EVENTS, { t: a.tenantId, first: 50 }, { token: b.accessToken });
    expect(named.data?.auditEvents ?? null).toBeNull();
    expect(named.errors?.[0]?.extensions?.code).toBe('auth_forbidden');
    const own = await t.gql(EVENTS, { first: 50 }, { token: b.accessToken, headers: { 'frontegg-tenant-id': a.tenantId } });
    expect(own.errors).toBeUndefined();
    expect(own.data.auditEvents.edges.length).toBeGreaterThan(0);
    for (const e of own.data.auditEvents.edges) expect(e.node.tenantId).toBe(b.tenantId);
    expect(JSON.stringify(own.data)).not.toContain(a.userId);

    const rest = await t.rest('GET', `/audits?tenantId=${a.tenantId}`, { token: b.accessToken });
    expect(rest.status).toBe(403);
    const forged = await t.rest('GET', '/frontegg/audits/', { token: b.accessToken, headers: { 'frontegg-tenant-id': a.tenantId } });
    expect(forged.status).toBe(200);
    expect(forged.body.total).toBeGreaterThan(0);
    for (const e of forged.body.data) expect(e.tenantId).toBe(b.tenantId);
    expect((await t.rest('GET', '/audits/stats', { token: b.accessToken, headers: { 'frontegg-tenant-id': a.tenantId } })).status).toBe(200);
    const csv = await t.rest('POST', '/audits/export/csv', { token: b.accessToken, headers: { 'frontegg-tenant-id': a.tenantId }, body: {} });
    expect(csv.status).toBe(200);
    expect(String(csv.body)).not.toContain(a.tenantId);

    // A caller without fe.secure.read.audits (an API token of B with users only) reads nothing;
    // the Read-only role holds it (every .read permission, as Frontegg's default).
    const created = await t.rest('POST', '/identity/resources/tenants/api-tokens/v1', { token: b.accessToken, body: { description: 'no audits', permissionIds: ['fe.secure.read.users'] } });
    const ex = await t.rest('POST', '/identity/resources/auth/v2/api-token', { body: { clientId: created.body.clientId, secret: created.body.secret } });
    expect(ex.status).toBe(200);
    const noAudits = await t.rest('GET', '/audits', { token: ex.body.access_token });
    expect(noAudits.status, JSON.stringify([ex.body, noAudits.body])).toBe(403);
    expect((await t.gql(EVENTS, { first: 5 }, { token: ex.body.access_token })).errors?.[0]?.extensions?.code).toBe('auth_forbidden');
    const m = await addMember(t, b.accessToken);
    expect((await t.rest('GET', '/audits', { token: m.accessToken })).status).toBe(200);
    // The vendor reads A's.
    const v = await t.rest('GET', '/audits?count=100', { token: vendor, headers: { 'frontegg-tenant-id': a.tenantId } });
    expect(v.status).toBe(200);
    expect(v.body.data.map((e: { tenantId: string }) => e.tenantId)).toEqual(expect.arrayContaining([a.tenantId]));
    for (const e of v.body.data) expect(e.tenantId).toBe(a.tenantId);
  });

  it('pages by keyset without gaps or repeats (equal timestamps included), and filters', async () => {
    const tenant = await t.deps.db.tenant.create({ data: { name: 'Paging' } });
    const at = new Date(t.clock.now().getTime() - 60_000);
    const data = Array.from({ length: 25 }, (_, i) => ({
      tenantId: tenant.id,
      actorType: 'system',
      action: i % 3 === 0 ? 'role.created' : 'user.updated',
      outcome: i % 5 === 0 ? 'failure' : 'success',
      userId: i % 2 ? 'user-odd' : 'user-even',
      // Five rows share each timestamp: the id breaks the tie.
      createdAt: new Date(at.getTime() - Math.floor(i / 5) * 1000),
    }));
    await t.deps.db.auditEvent.createMany({ data });
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const r: any = await t.gql(EVENTS, { t: tenant.id, first: 7, after }, { token: vendor });
      expect(r.errors).toBeUndefined();
      seen.push(...r.data.auditEvents.edges.map((e: any) => e.node.id));
      if (!r.data.auditEvents.pageInfo.hasNextPage) break;
      after = r.data.auditEvents.pageInfo.endCursor;
    }
    const expected = await t.deps.db.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } });
    expect(seen).toEqual(expected.map((e) => e.id));
    expect(new Set(seen).size).toBe(25);

    const count = async (f: object) => (await t.gql(EVENTS, { t: tenant.id, f, first: 100 }, { token: vendor })).data.auditEvents.edges.length;
    expect(await count({ actions: ['role.created'] })).toBe(9);
    expect(await count({ actions: ['role.*'] })).toBe(9);
    expect(await count({ outcome: 'failure' })).toBe(5);
    expect(await count({ userId: 'user-odd' })).toBe(12);
    expect(await count({ from: new Date(at.getTime() - 1000).toISOString(), to: new Date(at.getTime() + 1).toISOString() })).toBe(10);
    const bad = await t.gql(EVENTS, { t: tenant.id, first: 5, after: 'not-a-cursor' }, { token: vendor });
    expect(bad.errors?.[0]?.extensions?.code).toBe('validation_failed');

    // Frontegg's listing: offset + count, total, filters as query parameters.
    const p = await t.rest('GET', `/audits?tenantId=${tenant.id}&offset=20&count=10&action=role.created,user.updated`, { token: vendor });
    expect(p.status).toBe(200);
    expect(p.body.total).toBe(25);
    expect(p.body.data).toHaveLength(5);
    expect(p.body.data[0]).toMatchObject({ frontegg_id: expect.any(String), tenantId: tenant.id, severity: 'Info', createdAt: expect.any(String) });
    expect((await t.rest('GET', `/audits?tenantId=${tenant.id}&offset=20000`, { token: vendor })).status).toBe(400);
  });

  it('stats, metadata, the vendor adds an audit (SDK shape) and the CSV export is escaped and formula-safe', async () => {
    const tenant = await t.deps.db.tenant.create({ data: { name: 'Exports' } });
    const sent = await t.rest('POST', '/audits/', {
      token: vendor,
      headers: { 'frontegg-tenant-id': tenant.id, 'user-agent': 'agent, with "quotes"' },
      body: { tenantId: tenant.id, severity: 'High', action: '=HYPERLINK("http://evil.test","x")', description: 'custom', email: 'ops@example.com', password: 'must-not-be-kept' },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect((await t.rest('POST', '/audits/', { token: vendor, body: { tenantId: tenant.id, severity: 'Loud' } })).status).toBe(400);
    const stored = await t.deps.db.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(stored).toMatchObject({ actorType: 'vendor', severity: 'High', data: { description: 'custom', email: 'ops@example.com' } });
    expect(JSON.stringify(stored)).not.toContain('must-not-be-kept');

    const stats = await t.rest('GET', `/audits/stats?tenantId=${tenant.id}`, { token: vendor });
    expect(stats.body).toEqual({ totalToday: 1, severeThisWeek: 1 });
    const listed = await t.rest('GET', `/audits?tenantId=${tenant.id}&offset=0&count=10`, { token: vendor });
    expect(listed.body.data[0]).toMatchObject({ description: 'custom', email: 'ops@example.com', severity: 'High' });

    const meta = await t.rest('GET', '/metadata?entityName=audits', { token: vendor });
    expect(meta.status).toBe(200);
    expect(meta.body.rows[0]).toMatchObject({ entityName: 'audits', properties: expect.arrayContaining([expect.objectContaining({ name: 'createdAt', sortable: true })]) });

    const csv = await t.rest('POST', '/audits/export/csv', {
      token: vendor,
      headers: { 'frontegg-tenant-id': tenant.id },
      body: { filters: {}, headerProps: [{ name: 'action', displayName: 'Action' }, { name: 'userAgent', displayName: 'User agent' }, { name: 'severity' }] },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.body).toBe(`Action,User agent,severity\r\n"'=HYPERLINK(""http://evil.test"",""x"")","agent, with ""quotes""",High\r\n`);
    expect((await t.rest('POST', '/audits/export/pdf', { token: vendor, headers: { 'frontegg-tenant-id': tenant.id }, body: {} })).status).toBe(400);
  });
});

describe('durability trade-off', () => {
  it('a failed audit write is logged and does not fail the operation it records', async () => {
    const u = await signUp(t);
    const delegate = t.deps.db.auditEvent;
    const original = delegate.create;
    (delegate as { create: unknown }).create = () => Promise.reject(new Error('audit store down'));
    try {
      expect(t.deps.db.auditEvent.create).not.toBe(original);
      const ok = await t.rest('POST', A, { body: { email: u.email, password: u.password }, headers: via('au-store-down') });
      expect(ok.status).toBe(200);
    } finally {
      (delegate as { create: unknown }).create = original;
    }
    expect(await rows('au-store-down')).toEqual([]);
  });
});

describe('retention', () => {
  it('purges events past GATEHOUSE_AUDIT_RETENTION_DAYS in bounded batches and keeps the rest', async () => {
    const tenant = await t.deps.db.tenant.create({ data: { name: 'Retention' } });
    const now = t.clock.now().getTime();
    const old = Array.from({ length: 7 }, (_, i) => ({ tenantId: tenant.id, actorType: 'system', action: 'old', createdAt: new Date(now - (31 + i) * 86_400_000) }));
    const recent = Array.from({ length: 3 }, (_, i) => ({ tenantId: tenant.id, actorType: 'system', action: 'recent', createdAt: new Date(now - (29 - i) * 86_400_000) }));
    await t.deps.db.auditEvent.createMany({ data: [...old, ...recent] });
    // Batches of 2, at most 2 per run: one run removes 4 of the 7, the next the rest.
    expect(await t.services.audit.purgeExpired({ batchSize: 2, maxBatches: 2 })).toBe(4);
    expect(await t.services.audit.purgeExpired({ batchSize: 2, maxBatches: 10 })).toBeGreaterThanOrEqual(3);
    const left = await t.deps.db.auditEvent.findMany({ where: { tenantId: tenant.id } });
    expect(left.map((r) => r.action).sort()).toEqual(['recent', 'recent', 'recent']);
  });
});
