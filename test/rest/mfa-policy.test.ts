// The MFA policy and the MFA login framework over the Frontegg REST paths: policy CRUD and who
// may touch it, forced enrolment at login, the emailed code (through a real SMTP server),
// remember-this-device, MFA configuration and strategies. Policies are set per tenant (each
// sign-up makes one) so tests do not leak into each other; strategies are vendor-wide and every
// test that switches one switches it back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { generate } from 'otplib';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, VENDOR, type TestGatehouse } from '../helpers/gatehouse.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

let t: TestGatehouse;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await startGatehouse({ GATEHOUSE_SMTP_URL: smtp.url, GATEHOUSE_APP_URL: 'https://app.example.test' });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const STEP_MS = 30_000;
const advance = (ms: number) => (t.clock as ManualClock).advance(ms);
const codeNow = (secret: string) => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
const POLICY = '/identity/resources/configurations/v1/mfa-policy';
const CONF = '/identity/resources/configurations/v1/mfa';
const A = '/identity/resources/auth/v1/user';
const DEVICE_COOKIE = `fe_device_${VENDOR.clientId.replace(/-/g, '')}`;

const login = (u: { email: string; password: string }, deviceToken?: string) =>
  t.rest('POST', A, { body: { email: u.email, password: u.password }, headers: deviceToken ? { cookie: `${DEVICE_COOKIE}=${deviceToken}` } : {} });

/** The remember-device cookie a response set, with its attributes. */
function deviceCookie(h: Headers) {
  const c = h.getSetCookie().find((v) => v.startsWith(`${DEVICE_COOKIE}=`));
  return c ? { value: decodeURIComponent(c.slice(DEVICE_COOKIE.length + 1).split(';')[0]!), raw: c } : undefined;
}

async function setPolicy(tenantId: string, body: Record<string, unknown>) {
  const r = await t.rest('PUT', POLICY, { token: await t.vendorToken(), headers: { 'frontegg-tenant-id': tenantId }, body });
  expect(r.status).toBe(200);
  return r.body;
}

async function setStrategy(strategy: string, isActive: boolean) {
  const r = await t.rest('POST', `${CONF}/strategies`, { token: await t.vendorToken(), body: { strategy, isActive } });
  expect(r.status).toBe(201);
}

async function pendingSecret(userId: string) {
  const d = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId, type: 'TOTP', verifiedAt: null } });
  return t.deps.secrets.decrypt(d.secretEncrypted!);
}

/** Forced MFA, no device: enrols an authenticator through the login flow; returns the login answer and secret. */
async function enrolAtLogin(u: { email: string; password: string; userId: string }, o: { rememberDevice?: boolean } = {}) {
  const r = await login(u);
  expect(r.body).toMatchObject({ mfaRequired: true, mfaEnrolled: false });
  const e = await t.rest('POST', `${A}/mfa/authenticator/enroll`, { body: { mfaToken: r.body.mfaToken } });
  expect(e.status).toBe(201);
  const secret = await pendingSecret(u.userId);
  const v = await t.rest('POST', `${A}/mfa/authenticator/enroll/verify`, {
    body: { mfaToken: r.body.mfaToken, token: await codeNow(secret), rememberDevice: o.rememberDevice },
  });
  expect(v.status).toBe(201);
  advance(STEP_MS);
  return { v, secret };
}

const mailedCode = async (email: string) => {
  const mail = await smtp.next(email);
  expect(mail.subject).toBe('Your verification code');
  return /Code: (\d{6})/.exec(mail.text)![1]!;
};

describe('MFA policy CRUD', () => {
  it('a tenant admin creates, updates and reads the tenant policy; Frontegg defaults, 409, 404 and 400', async () => {
    const u = await signUp(t);
    expect((await t.rest('GET', POLICY, { token: u.accessToken })).status).toBe(404);
    expect((await t.rest('PATCH', POLICY, { token: u.accessToken, body: { enforceMFAType: 'Force' } })).status).toBe(404);

    const c = await t.rest('POST', POLICY, { token: u.accessToken, body: {} });
    expect(c.status).toBe(201);
    expect(c.body).toEqual({
      id: expect.any(String),
      enforceMFAType: 'Force',
      allowRememberMyDevice: false,
      mfaDeviceExpiration: 1209600,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const row = await t.deps.db.policy.findUniqueOrThrow({ where: { id: c.body.id } });
    expect(row).toMatchObject({ type: 'MFA', tenantId: u.tenantId });
    expect((await t.rest('POST', POLICY, { token: u.accessToken, body: {} })).status).toBe(409);

    const empty = await t.rest('PATCH', POLICY, { token: u.accessToken, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual(['Missing parameters to update']);
    expect((await t.rest('PATCH', POLICY, { token: u.accessToken, body: { enforceMFAType: 'Sometimes' } })).status).toBe(400);
    expect((await t.rest('PATCH', POLICY, { token: u.accessToken, body: { mfaDeviceExpiration: 5 } })).status).toBe(400);

    const p = await t.rest('PATCH', POLICY, { token: u.accessToken, body: { allowRememberMyDevice: true, mfaDeviceExpiration: 3600 } });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ id: c.body.id, enforceMFAType: 'Force', allowRememberMyDevice: true, mfaDeviceExpiration: 3600 });
    const put = await t.rest('PUT', POLICY, { token: u.accessToken, body: { enforceMFAType: 'ForceExceptSAML' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: c.body.id, enforceMFAType: 'ForceExceptSAML', allowRememberMyDevice: true, mfaDeviceExpiration: 3600 });

    const g = await t.rest('GET', POLICY, { token: u.accessToken });
    expect(g.body).toEqual(put.body);
    // The vendor reads the same row by naming the tenant.
    const v = await t.rest('GET', POLICY, { token: await t.vendorToken(), headers: { 'frontegg-tenant-id': u.tenantId } });
    expect(v.body).toEqual(put.body);
  });

  it('a user of another tenant can neither read nor write it; anonymous callers are refused', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    await setPolicy(a.tenantId, { enforceMFAType: 'Force' });
    // B's token acts on B's tenant whatever header it sends: A's policy stays invisible and untouched.
    const read = await t.rest('GET', POLICY, { token: b.accessToken, headers: { 'frontegg-tenant-id': a.tenantId } });
    expect(read.status).toBe(404);
    const write = await t.rest('PATCH', POLICY, { token: b.accessToken, headers: { 'frontegg-tenant-id': a.tenantId }, body: { enforceMFAType: 'DontForce' } });
    expect(write.status).toBe(404);
    expect((await t.rest('GET', POLICY, { token: a.accessToken })).body.enforceMFAType).toBe('Force');
    const gql = await t.gql(parse('query($t: ID) { mfaPolicy(tenantId: $t) { id } }') as TypedDocumentNode<any, any>, { t: a.tenantId }, { token: b.accessToken });
    expect(gql.errors?.[0]?.extensions?.code).toBe('auth_forbidden');
    expect((await t.rest('GET', POLICY)).status).toBe(401);
    expect((await t.rest('PUT', POLICY, { body: { enforceMFAType: 'DontForce' } })).status).toBe(401);
  });
});

describe('forced MFA at login', () => {
  it('a user without a device enrols an authenticator during login, then logs in with it', async () => {
    const u = await signUp(t);
    await setPolicy(u.tenantId, { enforceMFAType: 'Force' });

    const r = await login(u);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      mfaRequired: true,
      mfaEnrolled: false,
      mfaToken: expect.any(String),
      userId: u.userId,
      mfaDevices: { authenticators: [], phones: [], webauthn: [], emails: [] },
      mfaStrategies: { AuthenticatorApp: true },
    });
    expect(r.body.accessToken).toBeUndefined();
    expect(r.refreshCookie).toBeUndefined();
    const flow = await t.deps.db.authFlow.findUniqueOrThrow({ where: { tokenHash: t.deps.secrets.hashToken(r.body.mfaToken) } });
    expect(flow.kind).toBe('MFA_ENROLL_AT_LOGIN');

    const e = await t.rest('POST', `${A}/mfa/authenticator/enroll`, { body: { mfaToken: r.body.mfaToken } });
    expect(e.status).toBe(201);
    expect(e.body.qrCode).toMatch(/^data:image\/png;base64,/);
    expect((await t.rest('POST', `${A}/mfa/authenticator/enroll`, { body: { mfaToken: 'not-a-token' } })).status).toBe(401);
    const secret = await pendingSecret(u.userId);
    const wrong = await t.rest('POST', `${A}/mfa/authenticator/enroll/verify`, { body: { mfaToken: r.body.mfaToken, token: '000000' } });
    expect(wrong.status).toBe(400);
    const v = await t.rest('POST', `${A}/mfa/authenticator/enroll/verify`, { body: { mfaToken: r.body.mfaToken, token: await codeNow(secret) } });
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({ tokenType: 'bearer', mfaRequired: false, userId: u.userId, accessToken: expect.any(String), recoveryCode: expect.stringMatching(/^[A-Z2-7]{10}$/) });
    expect(v.refreshCookie).toBe(v.body.refreshToken);
    expect((await t.rest('GET', '/identity/resources/users/v2/me', { token: v.body.accessToken })).status).toBe(200);
    expect(await t.deps.db.mfaDevice.count({ where: { userId: u.userId, type: 'TOTP', verifiedAt: { not: null } } })).toBe(1);
    expect((await t.deps.db.authFlow.findUniqueOrThrow({ where: { id: flow.id } })).completedAt).not.toBeNull();

    // The enrolment flow is single use.
    advance(STEP_MS);
    const again = await t.rest('POST', `${A}/mfa/authenticator/enroll/verify`, { body: { mfaToken: r.body.mfaToken, token: await codeNow(secret) } });
    expect(again.status).toBe(401);

    // Enrolled now: the next login asks for the code, and its token cannot enrol another device.
    const next = await login(u);
    expect(next.body).toMatchObject({ mfaRequired: true, mfaEnrolled: true, mfaStrategies: { AuthenticatorApp: true } });
    expect((await t.rest('POST', `${A}/mfa/authenticator/enroll`, { body: { mfaToken: next.body.mfaToken } })).status).toBe(401);
    const ok = await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: next.body.mfaToken, value: await codeNow(secret) } });
    expect(ok.status).toBe(201);
    expect(ok.body.accessToken).toEqual(expect.any(String));
  });

  it('does not force users of a DontForce tenant, nor enrolment tokens on the code path', async () => {
    const u = await signUp(t);
    await setPolicy(u.tenantId, { enforceMFAType: 'DontForce' });
    expect((await login(u)).body).toMatchObject({ mfaRequired: false, accessToken: expect.any(String) });
    await setPolicy(u.tenantId, { enforceMFAType: 'ForceExceptSAML' });
    const r = await login(u);
    expect(r.body).toMatchObject({ mfaRequired: true, mfaEnrolled: false });
    // No device: the authenticator code path refuses the enrolment flow.
    expect((await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: r.body.mfaToken, value: '123456' } })).status).toBe(401);
  });
});

describe('email code factor', () => {
  it('is offered only when enabled; the mailed code (hashed at rest) completes the login once', async () => {
    const u = await signUp(t);
    await setPolicy(u.tenantId, { enforceMFAType: 'Force' });
    const off = await login(u);
    expect(off.body.mfaStrategies.EmailCode).toBeUndefined();
    const refused = await t.rest('POST', `${A}/mfa/emailcode`, { body: { mfaToken: off.body.mfaToken } });
    expect(refused.status).toBe(403);
    expect(smtp.count(u.email)).toBe(0);

    await setStrategy('EmailCode', true);
    try {
      const r = await login(u);
      expect(r.body.mfaStrategies).toMatchObject({ AuthenticatorApp: true, EmailCode: true });
      const s = await t.rest('POST', `${A}/mfa/emailcode`, { body: { mfaToken: r.body.mfaToken } });
      expect(s.status).toBe(201);
      expect(s.body).toEqual({ otcToken: expect.any(String) });
      const code = await mailedCode(u.email);
      const row = await t.deps.db.oneTimeToken.findFirstOrThrow({ where: { userId: u.userId, type: 'MFA_CODE', usedAt: null } });
      expect(row.tokenHash).not.toContain(code);
      expect(row.expiresAt.getTime() - t.clock.now().getTime()).toBe(10 * 60 * 1000);

      const wrongCode = code === '000000' ? '111111' : '000000';
      const bad = await t.rest('POST', `${A}/mfa/emailcode/verify`, { body: { mfaToken: r.body.mfaToken, otcToken: s.body.otcToken, code: wrongCode } });
      expect(bad.status).toBe(400);
      const otherOtc = await t.rest('POST', `${A}/mfa/emailcode/verify`, { body: { mfaToken: r.body.mfaToken, otcToken: 'forged', code } });
      expect(otherOtc.status).toBe(400);
      const ok = await t.rest('POST', `${A}/mfa/emailcode/verify`, { body: { mfaToken: r.body.mfaToken, otcToken: s.body.otcToken, code } });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ mfaRequired: false, userId: u.userId, accessToken: expect.any(String) });
      expect(ok.refreshCookie).toBe(ok.body.refreshToken);
      const reuse = await t.rest('POST', `${A}/mfa/emailcode/verify`, { body: { mfaToken: r.body.mfaToken, otcToken: s.body.otcToken, code } });
      expect(reuse.status).toBe(401);
      expect(reuse.refreshCookie).toBeUndefined();
    } finally {
      await setStrategy('EmailCode', false);
    }
  });

  it('dies after 5 tries (even with the right code next) and after 10 minutes', async () => {
    const u = await signUp(t);
    await setPolicy(u.tenantId, { enforceMFAType: 'Force' });
    await setStrategy('EmailCode', true);
    try {
      const r = await login(u);
      const s = await t.rest('POST', `${A}/mfa/emailcode`, { body: { mfaToken: r.body.mfaToken } });
      const code = await mailedCode(u.email);
      const wrongCode = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) {
        const bad = await t.rest('POST', `${A}/mfa/emailcode/verify`, { body: { mfaToken: r.body.mfaToken, otcToken: s.body.otcToken, code: wrongCode } });
        expect(bad.status).toBe(400);
      }
      const late = await t.rest('POST', `${A}/mfa/emailcode/verify`, { body: { mfaToken: r.body.mfaToken, otcToken: s.body.otcToken, code } });
      expect(late.status).toBe(401);
      expect(late.body.accessToken).toBeUndefined();

      // A fresh login: the code expires after 10 minutes (the code alone in otcToken is accepted too).
      const r2 = await login(u);
      await t.rest('POST', `${A}/mfa/emailcode`, { body: { mfaToken: r2.body.mfaToken } });
      const code2 = await mailedCode(u.email);
      advance(10 * 60 * 1000 + 1000);
      const expired = await t.rest('POST', `${A}/mfa/emailcode/verify`, { body: { mfaToken: r2.body.mfaToken, otcToken: code2 } });
      expect([400, 401]).toContain(expired.status);
      expect(expired.body.accessToken).toBeUndefined();
    } finally {
      await setStrategy('EmailCode', false);
    }
  });
});

describe('disabled strategies', () => {
  it('a disabled authenticator app is refused at login verification and at enrolment', async () => {
    const u = await signUp(t);
    await setPolicy(u.tenantId, { enforceMFAType: 'Force' });
    const { secret } = await enrolAtLogin(u);
    const r = await login(u);
    await setStrategy('AuthenticatorApp', false);
    try {
      const v = await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: r.body.mfaToken, value: await codeNow(secret) } });
      expect(v.status).toBe(403);
      expect(v.body.errors).toEqual(['This MFA method is not enabled']);
      const other = await signUp(t);
      expect((await t.rest('POST', '/identity/resources/users/v1/mfa/enroll', { token: other.accessToken })).status).toBe(403);
      const strategies = await t.rest('GET', `${CONF}/strategies`);
      expect(strategies.body.strategies).toContainEqual({ strategy: 'AuthenticatorApp', isActive: false });
    } finally {
      await setStrategy('AuthenticatorApp', true);
    }
    const ok = await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: r.body.mfaToken, value: await codeNow(secret) } });
    expect(ok.status).toBe(201);
  });
});

describe('remember this device', () => {
  it('skips MFA for that user until the device expires; other users and policy changes are honoured', async () => {
    const u = await signUp(t);
    await setPolicy(u.tenantId, { enforceMFAType: 'Force', allowRememberMyDevice: true, mfaDeviceExpiration: 3600 });
    const pending = await login(u);
    const allowed = await t.rest('GET', `${POLICY}/allow-remember-device?mfaToken=${encodeURIComponent(pending.body.mfaToken)}`);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ isAllowedToRemember: true, mfaDeviceExpiration: 3600 });
    expect((await t.rest('GET', `${POLICY}/allow-remember-device?mfaToken=nope`)).status).toBe(401);

    const { v, secret } = await enrolAtLogin(u, { rememberDevice: true });
    const cookie = deviceCookie(v.headers);
    expect(cookie).toBeDefined();
    expect(cookie!.raw).toMatch(/HttpOnly/);
    expect(cookie!.raw).toMatch(/Max-Age=3600/);
    const stored = await t.deps.db.oneTimeToken.findFirstOrThrow({ where: { userId: u.userId, type: 'MFA_REMEMBER_DEVICE' } });
    expect(stored.tokenHash).toBe(t.deps.secrets.hashToken(cookie!.value));

    // With the cookie: no MFA. Without it, or with a forged one: MFA.
    const skipped = await login(u, cookie!.value);
    expect(skipped.body).toMatchObject({ mfaRequired: false, accessToken: expect.any(String) });
    expect((await login(u)).body.mfaRequired).toBe(true);
    expect((await login(u, 'forged-device-token')).body.mfaRequired).toBe(true);

    // Another user presenting this device token still gets MFA.
    const other = await signUp(t);
    await setPolicy(other.tenantId, { enforceMFAType: 'Force', allowRememberMyDevice: true, mfaDeviceExpiration: 3600 });
    expect((await login(other, cookie!.value)).body).toMatchObject({ mfaRequired: true });

    // The authenticator path remembers too.
    const r = await login(u);
    const v2 = await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: r.body.mfaToken, value: await codeNow(secret), rememberDevice: true } });
    expect(v2.status).toBe(201);
    const cookie2 = deviceCookie(v2.headers)!;
    expect(cookie2.value).not.toBe(cookie!.value);

    // Expiry: an hour later the device must pass MFA again.
    advance(3600 * 1000 + 1000);
    expect((await login(u, cookie!.value)).body.mfaRequired).toBe(true);
    expect((await login(u, cookie2.value)).body.mfaRequired).toBe(true);
  });

  it('sets no device cookie when the policy does not allow it, and stops honouring tokens when it is turned off', async () => {
    const u = await signUp(t);
    await setPolicy(u.tenantId, { enforceMFAType: 'Force', allowRememberMyDevice: false });
    const { v, secret } = await enrolAtLogin(u, { rememberDevice: true });
    expect(v.body.accessToken).toEqual(expect.any(String));
    expect(deviceCookie(v.headers)).toBeUndefined();
    expect(await t.deps.db.oneTimeToken.count({ where: { userId: u.userId, type: 'MFA_REMEMBER_DEVICE' } })).toBe(0);

    await setPolicy(u.tenantId, { allowRememberMyDevice: true, mfaDeviceExpiration: 3600 });
    const r = await login(u);
    const ok = await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: r.body.mfaToken, value: await codeNow(secret), rememberDevice: true } });
    const cookie = deviceCookie(ok.headers)!;
    expect((await login(u, cookie.value)).body.mfaRequired).toBe(false);
    await setPolicy(u.tenantId, { allowRememberMyDevice: false });
    expect((await login(u, cookie.value)).body.mfaRequired).toBe(true);
  });
});

describe('MFA configuration', () => {
  it('is vendor-only to read and write; the service name is the otpauth issuer', async () => {
    const u = await signUp(t);
    expect((await t.rest('GET', CONF, { token: u.accessToken })).status).toBe(403);
    expect((await t.rest('POST', CONF, { token: u.accessToken, body: { authenticationApp: { serviceName: 'Evil' } } })).status).toBe(403);
    expect((await t.rest('POST', `${CONF}/strategies`, { token: u.accessToken, body: { strategy: 'EmailCode', isActive: true } })).status).toBe(403);
    expect((await t.rest('POST', `${CONF}/strategies`, { token: await t.vendorToken(), body: { strategy: 'Carrier pigeon', isActive: true } })).status).toBe(400);

    const vendor = await t.vendorToken();
    const before = await t.rest('GET', CONF, { token: vendor });
    expect(before.body).toEqual({
      authenticationApp: { active: true, serviceName: 'Gatehouse' },
      sms: { active: true, tokenLifetimeSeconds: 300 },
      email: { active: false, tokenLifetimeSeconds: 600 },
    });
    const set = await t.rest('POST', CONF, { token: vendor, body: { authenticationApp: { serviceName: 'Acme Cloud' } } });
    expect(set.status).toBe(201);
    expect(set.body.authenticationApp).toEqual({ active: true, serviceName: 'Acme Cloud' });
    try {
      const e = await t.gql(parse('mutation { enrollAuthenticatorMfa { ... on AuthenticatorEnrollment { otpauthUri } } }') as TypedDocumentNode<any, any>, {}, { token: u.accessToken });
      expect(new URL(e.data.enrollAuthenticatorMfa.otpauthUri).searchParams.get('issuer')).toBe('Acme Cloud');
    } finally {
      await t.rest('POST', CONF, { token: vendor, body: { authenticationApp: { serviceName: 'Gatehouse' } } });
    }
  });

  it('serves the vendor policy on the client-only path, and a tenant admin may not loosen it', async () => {
    const vendor = await t.vendorToken();
    expect((await t.rest('GET', `${POLICY}/vendor`, { token: vendor })).status).toBe(404);
    // DontForce so other logins in this file are unaffected.
    const c = await t.rest('POST', POLICY, { token: vendor, body: { enforceMFAType: 'DontForce', allowRememberMyDevice: true, mfaDeviceExpiration: 7200 } });
    expect(c.status).toBe(201);
    const u = await signUp(t);
    const v = await t.rest('GET', `${POLICY}/vendor`, { token: u.accessToken });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ enforceMFAType: 'DontForce', allowRememberMyDevice: true, mfaDeviceExpiration: 7200 });
    // The tenant inherits the vendor policy until it has its own.
    expect((await t.rest('GET', POLICY, { token: u.accessToken })).body.id).toBe(c.body.id);
    const looser = await t.rest('POST', POLICY, { token: u.accessToken, body: { enforceMFAType: 'Force', allowRememberMyDevice: true, mfaDeviceExpiration: 99999 } });
    expect(looser.status).toBe(403);
    const tighter = await t.rest('POST', POLICY, { token: u.accessToken, body: { enforceMFAType: 'Force', allowRememberMyDevice: true, mfaDeviceExpiration: 3600 } });
    expect(tighter.status).toBe(201);
  });
});
