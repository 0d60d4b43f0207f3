// Password rotation (enforced at password login), captcha policy (enforced at login and sign-up,
// with the test verifier), delegation configuration and sign-up by username.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpCaptchaVerifier, createTestCaptchaVerifier } from '../../src/platform/captcha.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { addMember, signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

const ROTATION = '/identity/resources/configurations/v1/password-rotation';
const CAPTCHA = '/identity/resources/configurations/v1/captcha-policy';
const DELEGATION = '/identity/resources/configurations/v1/delegation';
const LOGIN = '/identity/resources/auth/v1/user';
const DAY_MS = 24 * 60 * 60 * 1000;

describe('configuration policies', () => {
  let t: TestGatehouse;
  let vendor: string;
  const verifier = createTestCaptchaVerifier({ 'human-token': 0.9, 'bot-token': 0.1 });

  beforeAll(async () => {
    t = await startGatehouse({}, { captcha: verifier });
    vendor = await t.vendorToken();
  });
  afterAll(() => t?.close());
  // Tests move the clock (password age), which expires earlier tokens.
  beforeEach(async () => {
    vendor = await t.vendorToken();
  });

  const login = (body: Record<string, unknown>) => t.rest('POST', LOGIN, { body });

  describe('password rotation', () => {
    it('404s before any policy, then stores the vendor policy with defaults for fields left out', async () => {
      expect((await t.rest('GET', `${ROTATION}/vendor`, { token: vendor })).status).toBe(404);
      const set = await t.rest('POST', ROTATION, { token: vendor, body: { isActive: false } });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ isActive: false, rotationPeriod: 129600, notificationPeriod: 10080, tenantId: null });
      const read = await t.rest('GET', `${ROTATION}/vendor`, { token: vendor });
      expect(read.status).toBe(200);
      expect(Object.keys(read.body).sort()).toEqual(['createdAt', 'isActive', 'notificationPeriod', 'rotationPeriod', 'tenantId', 'updatedAt']);
    });

    it('refuses bad periods (400) and writes nothing', async () => {
      for (const body of [{ rotationPeriod: 0 }, { rotationPeriod: 1.5 }, { rotationPeriod: 'x' }, { notificationPeriod: -1 }, { isActive: 'yes' }]) {
        const r = await t.rest('POST', ROTATION, { token: vendor, body });
        expect(r.status, JSON.stringify(body)).toBe(400);
      }
      expect((await t.rest('GET', `${ROTATION}/vendor`, { token: vendor })).body.rotationPeriod).toBe(129600);
    });

    it('answers an expired password with a reset token (no session); the reset flow restores login', async () => {
      const u = await signUp(t);
      await t.rest('POST', ROTATION, { token: vendor, body: { isActive: true, rotationPeriod: 60 } });
      // Fresh password: a session as usual.
      expect((await login({ email: u.email, password: u.password })).body.accessToken).toBeTruthy();
      (t.clock as ManualClock).advance(61 * 60_000);
      const expired = await login({ email: u.email, password: u.password });
      expect(expired.status).toBe(200);
      expect(expired.body).toMatchObject({ userId: u.userId, userEmail: u.email, passwordExpiresIn: 0 });
      expect(typeof expired.body.resetPasswordToken).toBe('string');
      expect(expired.body.accessToken).toBeUndefined();
      expect(expired.refreshCookie).toBeUndefined();
      // A wrong password still answers as a wrong password (no reset token for guessers).
      const wrong = await login({ email: u.email, password: 'not the password at all' });
      expect([wrong.status, wrong.body.resetPasswordToken]).toEqual([401, undefined]);
      // The token is an ordinary reset token: single use, and the new password logs in.
      const reset = await t.rest('POST', '/identity/resources/users/v1/passwords/reset/verify', {
        body: { userId: u.userId, token: expired.body.resetPasswordToken, password: 'a brand new passphrase' },
      });
      expect(reset.status, JSON.stringify(reset.body)).toBeLessThan(300);
      const again = await t.rest('POST', '/identity/resources/users/v1/passwords/reset/verify', {
        body: { userId: u.userId, token: expired.body.resetPasswordToken, password: 'another new passphrase' },
      });
      expect(again.status).toBe(400);
      const fresh = await login({ email: u.email, password: 'a brand new passphrase' });
      expect(fresh.status).toBe(200);
      expect(fresh.body.accessToken).toBeTruthy();
      await t.rest('POST', ROTATION, { token: vendor, body: { isActive: false } });
      expect((await login({ email: u.email, password: 'a brand new passphrase' })).body.accessToken).toBeTruthy();
    });

    it("a tenant override applies to its members; a tenant admin writes only their tenant's and may only tighten", async () => {
      const u = await signUp(t);
      const other = await signUp(t);
      // Tenant admin: the write lands on their tenant, never on the vendor policy.
      const own = await t.rest('POST', ROTATION, { token: u.accessToken, body: { isActive: true, rotationPeriod: 1440 } });
      expect(own.status, JSON.stringify(own.body)).toBe(200);
      expect(own.body.tenantId).toBe(u.tenantId);
      expect((await t.rest('GET', `${ROTATION}/vendor`, { token: vendor })).body).toMatchObject({ isActive: false, tenantId: null });
      expect((await t.rest('GET', ROTATION, { token: u.accessToken })).body).toMatchObject({ isActive: true, rotationPeriod: 1440 });
      expect((await t.rest('GET', ROTATION, { token: other.accessToken })).body).toMatchObject({ isActive: false, tenantId: null });
      // Naming another tenant never reaches it: no row is written for that tenant.
      const foreign = await t.rest('POST', ROTATION, { token: u.accessToken, body: { rotationPeriod: 1440 }, headers: { 'frontegg-tenant-id': other.tenantId } });
      expect(foreign.status === 403 || foreign.body.tenantId === u.tenantId).toBe(true);
      expect(await t.deps.db.policy.findFirst({ where: { type: 'PASSWORD_ROTATION', tenantId: other.tenantId } })).toBeNull();
      (t.clock as ManualClock).advance(2 * DAY_MS);
      expect((await login({ email: u.email, password: u.password })).body.resetPasswordToken).toBeTruthy();
      expect((await login({ email: other.email, password: other.password })).body.accessToken).toBeTruthy();
      // With an active vendor policy, a tenant may not loosen it.
      vendor = await t.vendorToken();
      const otherToken = (await login({ email: other.email, password: other.password })).body.accessToken as string;
      await t.rest('POST', ROTATION, { token: vendor, body: { isActive: true, rotationPeriod: 43200 } });
      const looser = await t.rest('POST', ROTATION, { token: otherToken, body: { isActive: true, rotationPeriod: 86400 } });
      expect(looser.status).toBe(403);
      const off = await t.rest('POST', ROTATION, { token: otherToken, body: { isActive: false } });
      expect(off.status).toBe(403);
      await t.rest('POST', ROTATION, { token: vendor, body: { isActive: false } });
    });

    it('a member without the security-policy permission cannot write it', async () => {
      const u = await signUp(t);
      const member = await addMember(t, u.accessToken);
      expect((await t.rest('POST', ROTATION, { token: member.accessToken, body: { isActive: true } })).status).toBe(403);
      expect((await t.rest('POST', ROTATION, { body: { isActive: true } })).status).toBe(401);
    });
  });

  describe('delegation', () => {
    it('stores and returns enabled (vendor only)', async () => {
      expect((await t.rest('GET', DELEGATION, { token: vendor })).body).toEqual({ enabled: false });
      expect((await t.rest('POST', DELEGATION, { token: vendor, body: { enabled: true } })).status).toBe(200);
      expect((await t.rest('GET', DELEGATION, { token: vendor })).body).toEqual({ enabled: true });
      // Leaving enabled out changes nothing; a non-boolean is a 400.
      expect((await t.rest('POST', DELEGATION, { token: vendor, body: {} })).body).toEqual({ enabled: true });
      expect((await t.rest('POST', DELEGATION, { token: vendor, body: { enabled: 'yes' } })).status).toBe(400);
      const u = await signUp(t);
      expect((await t.rest('POST', DELEGATION, { token: u.accessToken, body: { enabled: false } })).status).toBe(403);
      expect((await t.rest('GET', DELEGATION, { token: vendor })).body).toEqual({ enabled: true });
      // The identity configuration stored beside it is untouched.
      expect((await t.rest('GET', '/identity/resources/configurations/v1', { token: vendor })).status).toBe(200);
    });
  });

  describe('sign-up with username', () => {
    it('creates the tenant and user identified by username, who then logs in by username', async () => {
      const username = `jdoe-${Date.now().toString(36)}`;
      const r = await t.rest('POST', '/identity/resources/users/v1/signUp/username', {
        body: { username: username.toUpperCase(), password: 'username passphrase', companyName: 'Usernames Inc', provider: 'local' },
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ shouldActivate: false });
      expect(r.body.authResponse.accessToken).toBeTruthy();
      const user = await t.deps.db.user.findUnique({ where: { id: r.body.userId } });
      expect([user?.username, user?.email]).toEqual([username, null]);
      const l = await login({ username, password: 'username passphrase' });
      expect(l.status).toBe(200);
      expect(l.body.userId).toBe(r.body.userId);
      // The username is taken now.
      const dup = await t.rest('POST', '/identity/resources/users/v1/signUp/username', {
        body: { username, password: 'username passphrase', companyName: 'Other', provider: 'local' },
      });
      expect(dup.status).toBe(409);
    });

    it('validates: username charset, and no password without an email (nothing to activate by)', async () => {
      const bad = await t.rest('POST', '/identity/resources/users/v1/signUp/username', {
        body: { username: 'has space', password: 'username passphrase', companyName: 'X' },
      });
      expect(bad.status).toBe(400);
      const noPassword = await t.rest('POST', '/identity/resources/users/v1/signUp/username', {
        body: { username: `nopass-${Date.now().toString(36)}`, companyName: 'X' },
      });
      expect(noPassword.status).toBe(400);
      expect((await t.rest('POST', '/identity/resources/users/v1/signUp/username', { body: { companyName: 'X' } })).status).toBe(400);
    });
  });

  describe('captcha policy', () => {
    it('validates, stores the secret encrypted and never returns it; tenant admins cannot touch it', async () => {
      expect((await t.rest('GET', CAPTCHA, { token: vendor })).status).toBe(404);
      expect((await t.rest('GET', `${CAPTCHA}/public`)).body).toEqual({ enabled: false, siteKey: null, minScore: null });
      for (const body of [
        { enabled: true, siteKey: 'site', minScore: 0.5 },
        { enabled: true, siteKey: 'site', secretKey: 's', minScore: 2 },
        { enabled: 'yes', siteKey: 'site', secretKey: 's', minScore: 0.5 },
        { enabled: true, siteKey: 'site', secretKey: 's', minScore: 0.5, ignoredEmails: ['not-an-email'] },
      ]) {
        const r = await t.rest('POST', CAPTCHA, { token: vendor, body });
        expect(r.status, JSON.stringify(body)).toBe(400);
      }
      expect((await t.rest('PUT', CAPTCHA, { token: vendor, body: { enabled: true, siteKey: 'site', secretKey: 's', minScore: 0.5 } })).status).toBe(404);
      const u = await signUp(t);
      const body = { enabled: true, siteKey: 'site-key-1', secretKey: 'super-secret-key', minScore: 0.5, ignoredEmails: ['qa@example.com'] };
      expect((await t.rest('POST', CAPTCHA, { token: u.accessToken, body })).status).toBe(403);
      expect((await t.rest('GET', CAPTCHA, { token: u.accessToken })).status).toBe(403);
      const created = await t.rest('POST', CAPTCHA, { token: vendor, body });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ enabled: true, siteKey: 'site-key-1', minScore: 0.5, ignoredEmails: ['qa@example.com'] });
      expect((await t.rest('POST', CAPTCHA, { token: vendor, body })).status).toBe(409);
      for (const r of [created, await t.rest('GET', CAPTCHA, { token: vendor }), await t.rest('GET', `${CAPTCHA}/public`)]) {
        expect(r.body.secretKey).toBeUndefined();
        expect(JSON.stringify(r.body)).not.toContain('super-secret-key');
      }
      expect((await t.rest('GET', `${CAPTCHA}/public`)).body).toEqual({ enabled: true, siteKey: 'site-key-1', minScore: 0.5 });
      const row = await t.deps.db.policy.findFirst({ where: { type: 'CAPTCHA' } });
      expect(JSON.stringify(row?.config)).not.toContain('super-secret-key');
    });

    it('login: refused without a token or with a refused/low-score one, for known and unknown emails alike; accepted with a good one', async () => {
      await t.rest('PUT', CAPTCHA, { token: vendor, body: { enabled: false, siteKey: 'site-key-1', minScore: 0.5 } });
      const u = await signUp(t);
      await t.rest('PUT', CAPTCHA, { token: vendor, body: { enabled: true, siteKey: 'site-key-1', minScore: 0.5, ignoredEmails: ['qa@example.com'] } });
      verifier.calls.length = 0;
      for (const body of [
        { email: u.email, password: u.password },
        { email: 'nobody@example.com', password: u.password },
        { email: u.email, password: u.password, recaptchaToken: 'forged' },
        { email: u.email, password: u.password, recaptchaToken: 'bot-token' },
      ]) {
        const r = await login(body);
        expect([r.status, r.body.errorCode], JSON.stringify(body)).toEqual([400, 'captcha_failed']);
      }
      // The secret kept by the update (none sent) is what the provider got.
      expect(verifier.calls.map((c) => c.secret)).toEqual(['super-secret-key', 'super-secret-key']);
      const ok = await login({ email: u.email, password: u.password, recaptchaToken: 'human-token' });
      expect(ok.status).toBe(200);
      expect(ok.body.accessToken).toBeTruthy();
      // A good captcha does not make a wrong password right.
      expect((await login({ email: u.email, password: 'wrong password here', recaptchaToken: 'human-token' })).status).toBe(401);
    });

    it('sign-up needs a token too; an ignored email skips it', async () => {
      const email = uniqueEmail();
      const body = { email, password: 'a long enough passphrase', companyName: 'Captcha Co', provider: 'local' };
      const refused = await t.rest('POST', '/identity/resources/users/v1/signUp', { body });
      expect([refused.status, refused.body.errorCode]).toEqual([400, 'captcha_failed']);
      expect(await t.deps.db.user.findUnique({ where: { email } })).toBeNull();
      expect((await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { ...body, recaptchaToken: 'bot-token' } })).status).toBe(400);
      expect((await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { ...body, recaptchaToken: 'human-token' } })).status).toBe(201);
      const byUsername = await t.rest('POST', '/identity/resources/users/v1/signUp/username', {
        body: { username: `cap-${Date.now().toString(36)}`, password: 'a long enough passphrase', companyName: 'X' },
      });
      expect(byUsername.body.errorCode).toBe('captcha_failed');
      // The exempt email signs up and logs in without a token.
      const qa = await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { ...body, email: 'QA@example.com' } });
      expect(qa.status).toBe(201);
      expect((await login({ email: 'qa@example.com', password: 'a long enough passphrase' })).body.accessToken).toBeTruthy();
      await t.rest('PUT', CAPTCHA, { token: vendor, body: { enabled: false, siteKey: 'site-key-1', minScore: 0.5 } });
      expect((await login({ email, password: 'a long enough passphrase' })).body.accessToken).toBeTruthy();
    });
  });
});

describe('HTTP captcha verifier', () => {
  it('posts the form to the verify URL and reads success and score; fails closed on errors', async () => {
    const seen: Array<{ url: string; body: string }> = [];
    const answers = [new Response(JSON.stringify({ success: true, score: 0.7 })), new Response('nope', { status: 500 })];
    const fetchStub = (async (url: string, init: RequestInit) => {
      seen.push({ url, body: String(init.body) });
      const next = answers.shift();
      if (!next) throw new Error('offline');
      return next;
    }) as unknown as typeof fetch;
    const v = createHttpCaptchaVerifier({ url: 'https://verify.test/siteverify', fetch: fetchStub }, createLogger('silent'));
    expect(await v.verify({ secret: 's3cret', token: 'tok', remoteIp: '10.0.0.1' })).toEqual({ success: true, score: 0.7 });
    expect(seen[0]).toEqual({ url: 'https://verify.test/siteverify', body: 'secret=s3cret&response=tok&remoteip=10.0.0.1' });
    expect(await v.verify({ secret: 's3cret', token: 'tok' })).toEqual({ success: false, score: null });
    expect(await v.verify({ secret: 's3cret', token: 'tok' })).toEqual({ success: false, score: null });
  });
});
