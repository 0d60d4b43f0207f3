// Forgot password and account activation over the Frontegg REST paths, with mail delivered over
// SMTP to a real local server: every link used here is read from a received message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestActivateUserDocument, RestActivationStrategyDocument, RestRequestPasswordResetDocument } from '../../src/generated/graphql.ts';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const APP_URL = 'https://app.example.test';
const P = '/identity/resources/users';

let t: TestGatehouse;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await startGatehouse({ GATEHOUSE_SMTP_URL: smtp.url, GATEHOUSE_APP_URL: APP_URL, GATEHOUSE_MAIL_FROM: 'Acme <auth@acme.test>' });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const login = (email: string, password: string) => t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });
const requestReset = (body: unknown) => t.rest('POST', `${P}/v1/passwords/reset`, { body });
const verifyReset = (body: { userId: string; token: string; password: string }) => t.rest('POST', `${P}/v1/passwords/reset/verify`, { body });

/** Asks for a reset of `email` and returns the userId and token of the link that arrives. */
async function resetLink(email: string) {
  const r = await requestReset({ email });
  expect(r.status).toBe(201);
  const mail = await smtp.next(email);
  const link = linkIn(mail, '/account/reset-password');
  return { mail, link, userId: link.searchParams.get('userId')!, token: link.searchParams.get('token')! };
}

describe('password reset', () => {
  it('emails a link that sets a new password once, ends every session and lets the new password in', async () => {
    const u = await signUp(t);
    const { mail, link, userId, token } = await resetLink(u.email);
    expect(mail.subject).toBe('Reset your password');
    expect(mail.from).toBe('auth@acme.test');
    expect(link.origin).toBe(APP_URL);
    expect(userId).toBe(u.userId);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The token is stored only as its HMAC.
    const rows = await t.deps.db.oneTimeToken.findMany({ where: { userId: u.userId, type: 'PASSWORD_RESET' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(token);
    expect(rows[0]!.tokenHash).toBe(t.deps.secrets.hashToken(token));
    // The HTML link is escaped (& in the query).
    expect(mail.html).toContain(`href="${link.toString().replace(/&/g, '&amp;')}"`);

    const valid = await t.rest('POST', `${P}/v1/passwords/reset/validate`, { body: { userId, token } });
    expect(valid.status).toBe(200);

    const r = await verifyReset({ userId, token, password: 'a brand new passphrase' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({});

    // The session opened at sign-up is gone.
    const refreshed = await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie: u.refreshToken, body: {} });
    expect(refreshed.status).toBe(401);
    expect((await login(u.email, u.password)).status).toBe(401);
    expect((await login(u.email, 'a brand new passphrase')).status).toBe(200);

    // Single use.
    const again = await verifyReset({ userId, token, password: 'yet another passphrase' });
    expect(again.status).toBe(400);
    expect(again.body.errorCode).toBe('password_reset_token_invalid');
    expect((await login(u.email, 'yet another passphrase')).status).toBe(401);
    const revalidate = await t.rest('POST', `${P}/v1/passwords/reset/validate`, { body: { userId, token } });
    expect(revalidate.status).toBe(400);
  });

  it('answers an unknown address exactly like a known one, and mails nobody', async () => {
    const known = await signUp(t);
    const unknown = uniqueEmail('nobody');
    const a = await requestReset({ email: unknown });
    const b = await requestReset({ email: known.email });
    expect(a.status).toBe(b.status);
    expect(a.body).toEqual(b.body);
    expect(a.status).toBe(201);
    // The documented {identifier, identifierType} shape and the v2 path behave the same way.
    const c = await requestReset({ identifier: unknown, identifierType: 'email' });
    const d = await t.rest('POST', `${P}/v2/passwords/reset/email`, { body: { identifier: unknown, identifierType: 'email' } });
    expect([c.status, c.body]).toEqual([201, {}]);
    expect([d.status, d.body]).toEqual([200, {}]);
    // The mail is sent by a queued task: once the queue is idle, every request's mail has gone.
    await t.tasks.drain();
    await smtp.next(known.email);
    expect(smtp.count(unknown)).toBe(0);
    expect(await t.deps.db.oneTimeToken.count({ where: { target: unknown } })).toBe(0);
  });

  it('refuses a wrong token, and a wrong token for another user', async () => {
    const u = await signUp(t);
    const other = await signUp(t);
    const { token } = await resetLink(u.email);
    const wrong = await verifyReset({ userId: u.userId, token: 'x'.repeat(43), password: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errorCode).toBe('password_reset_token_invalid');
    const crossUser = await verifyReset({ userId: other.userId, token, password: 'a brand new passphrase' });
    expect(crossUser.status).toBe(400);
    // The real token still works afterwards (two failed attempts are under the limit).
    expect((await verifyReset({ userId: u.userId, token, password: 'a brand new passphrase' })).status).toBe(201);
  });

  it('stops a token after too many wrong attempts', async () => {
    const u = await signUp(t);
    const { token } = await resetLink(u.email);
    for (let i = 0; i < 5; i++) {
      expect((await verifyReset({ userId: u.userId, token: `guess-${i}`, password: 'a brand new passphrase' })).status).toBe(400);
    }
    expect((await verifyReset({ userId: u.userId, token, password: 'a brand new passphrase' })).status).toBe(400);
  });

  it('refuses an expired link (one hour)', async () => {
    const u = await signUp(t);
    const { token } = await resetLink(u.email);
    (t.clock as ManualClock).advance(60 * 60 * 1000 + 1000);
    const r = await verifyReset({ userId: u.userId, token, password: 'a brand new passphrase' });
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('password_reset_token_invalid');
  });

  it('applies the password policy without using up the link, and keeps only the latest link', async () => {
    const u = await signUp(t);
    const first = await resetLink(u.email);
    const second = await resetLink(u.email);
    expect((await verifyReset({ userId: u.userId, token: first.token, password: 'a brand new passphrase' })).status).toBe(400);
    const weak = await verifyReset({ userId: u.userId, token: second.token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.errorCode).toBe('password_policy_violation');
    expect((await verifyReset({ userId: u.userId, token: second.token, password: 'a brand new passphrase' })).status).toBe(201);
  });

  it('lifts a lockout and clears the failed-login count (a reset proves control of the mailbox)', async () => {
    const vendor = await t.vendorToken();
    const LOCKOUT = '/identity/resources/configurations/v1/lockout-policy';
    expect((await t.rest('POST', LOCKOUT, { token: vendor, body: { enabled: true, maxAttempts: 2 } })).status).toBe(201);
    try {
      const u = await signUp(t);
      expect((await login(u.email, 'wrong password!')).status).toBe(401);
      expect((await login(u.email, 'wrong password!')).status).toBe(401);
      expect((await login(u.email, u.password)).body.errorCode).toBe('user_locked');
      // The locking attempt mailed the owner an unlock link; a reset works as well.
      expect((await smtp.next(u.email)).subject).toBe('Your account was locked');
      const { token } = await resetLink(u.email);
      expect((await verifyReset({ userId: u.userId, token, password: 'a brand new passphrase' })).status).toBe(201);
      const after = await t.deps.db.user.findUniqueOrThrow({ where: { id: u.userId } });
      expect(after.failedLoginAttempts).toBe(0);
      expect(after.lockedAt).toBeNull();
      expect((await login(u.email, 'a brand new passphrase')).status).toBe(200);
    } finally {
      expect((await t.rest('PATCH', LOCKOUT, { token: vendor, body: { enabled: false } })).status).toBe(200);
    }
  });

  it('lets the vendor generate a reset link without mailing it', async () => {
    const u = await signUp(t);
    const path = `${P}/v1/${u.userId}/links/generate-password-reset-token`;
    expect((await t.rest('POST', path, { token: u.accessToken })).status).toBe(403);
    const before = smtp.count(u.email);
    const r = await t.rest('POST', path, { token: await t.vendorToken() });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ userId: u.userId, token: expect.any(String), link: expect.stringContaining(`${APP_URL}/account/reset-password?`) });
    expect(new URL(r.body.link).searchParams.get('token')).toBe(r.body.token);
    expect((await verifyReset({ userId: u.userId, token: r.body.token, password: 'a brand new passphrase' })).status).toBe(201);
    expect(smtp.count(u.email)).toBe(before);
  });
});

describe('activation', () => {
  async function signUpWithoutPassword() {
    const email = uniqueEmail('activate');
    const r = await t.rest('POST', `${P}/v1/signUp`, { body: { email, companyName: 'Pending', name: 'Pat <b>', provider: 'local' } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ shouldActivate: true, userId: expect.any(String), tenantId: expect.any(String) });
    expect(r.refreshCookie).toBeUndefined();
    const mail = await smtp.next(email);
    const link = linkIn(mail, '/account/activate');
    return { email, userId: r.body.userId as string, tenantId: r.body.tenantId as string, mail, token: link.searchParams.get('token')!, link };
  }

  it('signs up without a password, activates through the emailed link, sets the password and logs in', async () => {
    const s = await signUpWithoutPassword();
    expect(s.mail.subject).toBe('Activate your account');
    expect(s.link.searchParams.get('userId')).toBe(s.userId);
    expect(s.mail.html).toContain('Hi Pat &lt;b&gt;,');
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: s.userId } })).verified).toBe(false);

    const strategy = await t.rest('GET', `${P}/v1/activate/strategy?userId=${s.userId}&token=${encodeURIComponent(s.token)}`);
    expect(strategy.status).toBe(200);
    expect(strategy.body).toEqual({ shouldSetPassword: true });

    const noPassword = await t.rest('POST', `${P}/v1/activate`, { body: { userId: s.userId, token: s.token } });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.errorCode).toBe('activation_password_required');

    const r = await t.rest('POST', `${P}/v1/activate`, { body: { userId: s.userId, token: s.token, password: 'my activation passphrase' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tokenType: 'bearer', userId: s.userId, userEmail: s.email, emailVerified: true, accessToken: expect.any(String) });
    expect(r.refreshCookie).toBe(r.body.refreshToken);
    const user = await t.deps.db.user.findUniqueOrThrow({ where: { id: s.userId } });
    expect(user.verified).toBe(true);
    expect(user.verifiedAt).not.toBeNull();

    const me = await t.rest('GET', `${P}/v2/me`, { token: r.body.accessToken });
    expect(me.status).toBe(200);
    expect((await login(s.email, 'my activation passphrase')).status).toBe(200);

    // Single use.
    const again = await t.rest('POST', `${P}/v1/activate`, { body: { userId: s.userId, token: s.token, password: 'another passphrase' } });
    expect(again.status).toBe(400);
    expect(again.body.errorCode).toBe('activation_token_invalid');
    expect((await t.rest('GET', `${P}/v1/activate/strategy?userId=${s.userId}&token=${encodeURIComponent(s.token)}`)).status).toBe(400);
  });

  it('refuses a wrong or expired activation token', async () => {
    const s = await signUpWithoutPassword();
    const wrong = await t.rest('POST', `${P}/v1/activate`, { body: { userId: s.userId, token: 'nope', password: 'my activation passphrase' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errorCode).toBe('activation_token_invalid');
    (t.clock as ManualClock).advance(24 * 60 * 60 * 1000 + 1000);
    const expired = await t.rest('POST', `${P}/v1/activate`, { body: { userId: s.userId, token: s.token, password: 'my activation passphrase' } });
    expect(expired.status).toBe(400);
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: s.userId } })).verified).toBe(false);
  });

  it('resends activation to unverified users only, answering alike for anyone, and the new link replaces the old', async () => {
    const s = await signUpWithoutPassword();
    const unknown = uniqueEmail('ghost');
    // A verified user: activated through their own link.
    const verified = await signUpWithoutPassword();
    const activated = await t.rest('POST', `${P}/v1/activate`, { body: { userId: verified.userId, token: verified.token, password: 'my activation passphrase' } });
    expect(activated.status).toBe(200);
    const verifiedMails = smtp.count(verified.email);
    const a = await t.rest('POST', `${P}/v1/activate/reset`, { body: { email: unknown, emailMetadata: {} } });
    const b = await t.rest('POST', `${P}/v1/activate/reset`, { body: { email: verified.email, emailMetadata: {} } });
    const c = await t.rest('POST', `${P}/v1/activate/reset`, { body: { email: s.email, emailMetadata: {} } });
    expect([a.status, a.body]).toEqual([201, {}]);
    expect([b.status, b.body]).toEqual([201, {}]);
    expect([c.status, c.body]).toEqual([201, {}]);
    await t.tasks.drain();
    const fresh = linkIn(await smtp.next(s.email), '/account/activate').searchParams.get('token')!;
    expect(smtp.count(unknown)).toBe(0);
    expect(smtp.count(verified.email)).toBe(verifiedMails);
    const old = await t.rest('POST', `${P}/v1/activate`, { body: { userId: s.userId, token: s.token, password: 'my activation passphrase' } });
    expect(old.status).toBe(400);
    const ok = await t.rest('POST', `${P}/v1/activate`, { body: { userId: s.userId, token: fresh, password: 'my activation passphrase' } });
    expect(ok.status).toBe(200);
  });

  it('keeps the password of a user who has one (forceEmailVerification sign-up)', async () => {
    await t.deps.db.vendorSettings.update({ where: { id: 1 }, data: { forceEmailVerification: true } });
    try {
      const email = uniqueEmail('forced');
      const r = await t.rest('POST', `${P}/v1/signUp`, { body: { email, password: 'the sign-up passphrase', companyName: 'Forced', provider: 'local' } });
      expect(r.status).toBe(201);
      expect(r.body).toEqual({ shouldActivate: true, userId: expect.any(String), tenantId: expect.any(String) });
      const token = linkIn(await smtp.next(email), '/account/activate').searchParams.get('token')!;
      expect((await login(email, 'the sign-up passphrase')).body.errorCode).toBe('user_not_verified');
      const strategy = await t.rest('GET', `${P}/v1/activate/strategy?userId=${r.body.userId}&token=${encodeURIComponent(token)}`);
      expect(strategy.body).toEqual({ shouldSetPassword: false });
      const activated = await t.rest('POST', `${P}/v1/activate`, { body: { userId: r.body.userId, token } });
      expect(activated.status).toBe(200);
      expect((await login(email, 'the sign-up passphrase')).status).toBe(200);
    } finally {
      await t.deps.db.vendorSettings.update({ where: { id: 1 }, data: { forceEmailVerification: false } });
    }
  });

  it('lets the vendor generate an activation link without mailing it', async () => {
    const s = await signUpWithoutPassword();
    const r = await t.rest('POST', `${P}/v1/${s.userId}/links/generate-activation-token`, { token: await t.vendorToken() });
    expect(r.status).toBe(201);
    expect(r.body.link).toContain(`${APP_URL}/account/activate?`);
    const ok = await t.rest('POST', `${P}/v1/activate`, { body: { userId: s.userId, token: r.body.token, password: 'my activation passphrase' } });
    expect(ok.status).toBe(200);
  });
});

describe('GraphQL', () => {
  it('answers typed errors in the mutation unions and sets the refresh cookie on activation', async () => {
    const email = uniqueEmail('gql');
    const signed = await t.rest('POST', `${P}/v1/signUp`, { body: { email, companyName: 'Gql', provider: 'local' } });
    const token = linkIn(await smtp.next(email), '/account/activate').searchParams.get('token')!;
    const userId = signed.body.userId as string;

    const bad = await t.gql(RestActivateUserDocument, { userId, token: 'wrong', password: 'my activation passphrase' });
    expect(bad.data.activateUser).toEqual({ __typename: 'InvalidTokenError', code: 'activation_token_invalid', message: 'Invalid or expired activation token' });
    expect(bad.refreshCookie).toBeUndefined();

    const strategy = await t.gql(RestActivationStrategyDocument, { userId, token });
    expect(strategy.data.activationStrategy).toEqual({ shouldSetPassword: true });

    const ok = await t.gql(RestActivateUserDocument, { userId, token, password: 'my activation passphrase' });
    expect(ok.data.activateUser).toMatchObject({ userId, emailVerified: true });
    expect(ok.refreshCookie).toBe((ok.data.activateUser as { refreshToken: string }).refreshToken);

    const sms = await t.gql(RestRequestPasswordResetDocument, { identifier: '+15550100', identifierType: 'phoneNumber' });
    expect(sms.data.requestPasswordReset).toMatchObject({ __typename: 'NotImplementedError', code: 'feature_not_implemented' });
  });
});

describe('without SMTP in production', () => {
  // Its own Gatehouse, booted in a hook: a boot is seconds of migrations, not part of the test.
  let prod: TestGatehouse;
  beforeAll(async () => {
    prod = await startGatehouse({ NODE_ENV: 'production' });
  });
  afterAll(() => prod?.close());

  it('refuses mail flows with 503 mail_not_configured, known address or not', async () => {
    const u = await signUp(prod);
    const known = await prod.rest('POST', `${P}/v1/passwords/reset`, { body: { email: u.email } });
    const unknown = await prod.rest('POST', `${P}/v1/passwords/reset`, { body: { email: uniqueEmail() } });
    expect([known.status, known.body]).toEqual([503, { errors: ['Email delivery is not configured'], errorCode: 'mail_not_configured' }]);
    expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
    const tenantsBefore = await prod.deps.db.tenant.count();
    const signUpNoPassword = await prod.rest('POST', `${P}/v1/signUp`, { body: { email: uniqueEmail(), companyName: 'X', provider: 'local' } });
    expect(signUpNoPassword.status).toBe(503);
    expect(await prod.deps.db.tenant.count()).toBe(tenantsBefore);
  });
});
