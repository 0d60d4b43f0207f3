// Passwordless login by email (magic link and one-time code) over the Frontegg REST paths, with
// mail delivered over SMTP to a real local server: every link and code used here is read from a
// received message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { RestLoginWithCodeDocument } from '../../src/generated/graphql.ts';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const APP_URL = 'https://app.example.test';
const P = '/identity/resources/auth/v1/passwordless';

let t: TestGatehouse;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await startGatehouse({ GATEHOUSE_SMTP_URL: smtp.url, GATEHOUSE_APP_URL: APP_URL });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const advance = (ms: number) => (t.clock as ManualClock).advance(ms);
const magicPost = (token: string) => t.rest('POST', `${P}/magiclink/postlogin`, { body: { token } });
const codePost = (email: string, token: string) => t.rest('POST', `${P}/code/postlogin`, { body: { email, token } });

/** Asks for a magic link and returns the token of the link that arrives. */
async function magicToken(email: string) {
  const r = await t.rest('POST', `${P}/magiclink/prelogin`, { body: { email } });
  expect(r.status).toBe(200);
  expect(r.body).toEqual({});
  const mail = await smtp.next(email);
  expect(mail.subject).toBe('Your login link');
  const link = linkIn(mail, '/account/login/magic-link');
  expect(link.origin).toBe(APP_URL);
  return link.searchParams.get('token')!;
}

/** Asks for a login code and returns the code that arrives. */
async function loginCode(email: string) {
  const r = await t.rest('POST', `${P}/code/prelogin`, { body: { email } });
  expect(r.status).toBe(201);
  expect(r.body).toEqual({});
  const mail = await smtp.next(email);
  expect(mail.subject).toBe('Your login code');
  const code = /Login code: (\d{6})/.exec(mail.text)?.[1];
  expect(code).toMatch(/^\d{6}$/);
  return code!;
}

/** A 6-digit code other than `code`. */
const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

function expectSession(r: Awaited<ReturnType<typeof magicPost>>, userId: string) {
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ tokenType: 'bearer', mfaRequired: false, accessToken: expect.any(String), refreshToken: expect.any(String), userId });
  // The refresh cookie is set, and it is the answer's refresh token.
  expect(r.refreshCookie).toBe(r.body.refreshToken);
}

describe('magic link', () => {
  it('logs in once with the emailed link, sets the refresh cookie, and stores only the hash', async () => {
    const u = await signUp(t);
    const token = await magicToken(u.email);
    const rows = await t.deps.db.oneTimeToken.findMany({ where: { userId: u.userId, type: 'MAGIC_LINK' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(t.deps.secrets.hashToken(token));

    const r = await magicPost(token);
    expectSession(r, u.userId);
    // The session works: the refresh cookie rotates.
    const refreshed = await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie: r.refreshCookie!, body: {} });
    expect(refreshed.status).toBe(201);

    const again = await magicPost(token);
    expect(again.status).toBe(400);
    expect(again.body.errorCode).toBe('passwordless_token_invalid');
    expect(again.refreshCookie).toBeUndefined();
  });

  it('expires after 15 minutes, and only the latest link works', async () => {
    const u = await signUp(t);
    const first = await magicToken(u.email);
    const second = await magicToken(u.email);
    expect((await magicPost(first)).body.errorCode).toBe('passwordless_token_invalid');
    advance(15 * 60 * 1000 + 1);
    const late = await magicPost(second);
    expect(late.status).toBe(400);
    expect(late.body.errorCode).toBe('passwordless_token_invalid');
  });

  it('rejects an unknown token', async () => {
    const r = await magicPost('not-a-token');
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('passwordless_token_invalid');
  });
});

describe('one-time code', () => {
  it('logs in once with the emailed code and sets the refresh cookie', async () => {
    const u = await signUp(t);
    const code = await loginCode(u.email);
    const r = await codePost(u.email.toUpperCase(), code);
    expectSession(r, u.userId);
    const again = await codePost(u.email, code);
    expect(again.status).toBe(400);
    expect(again.body.errorCode).toBe('passwordless_code_invalid');
  });

  it('counts wrong codes: after five tries the right code is refused too', async () => {
    const u = await signUp(t);
    const code = await loginCode(u.email);
    for (let i = 0; i < 5; i++) {
      const wrong = await codePost(u.email, otherCode(code));
      expect(wrong.status).toBe(400);
      expect(wrong.body.errorCode).toBe('passwordless_code_invalid');
    }
    const row = await t.deps.db.oneTimeToken.findFirstOrThrow({ where: { userId: u.userId, type: 'LOGIN_CODE' } });
    expect(row.attempts).toBe(5);
    const right = await codePost(u.email, code);
    expect(right.status).toBe(400);
    expect(right.body.errorCode).toBe('passwordless_code_invalid');
    expect(right.refreshCookie).toBeUndefined();
  });

  it('accepts the right code after four wrong ones', async () => {
    const u = await signUp(t);
    const code = await loginCode(u.email);
    for (let i = 0; i < 4; i++) expect((await codePost(u.email, otherCode(code))).status).toBe(400);
    expectSession(await codePost(u.email, code), u.userId);
  });

  it('expires after 10 minutes', async () => {
    const u = await signUp(t);
    const code = await loginCode(u.email);
    advance(10 * 60 * 1000 + 1);
    const r = await codePost(u.email, code);
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('passwordless_code_invalid');
  });

  it('does not accept one user’s code for another', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const code = await loginCode(a.email);
    await loginCode(b.email);
    const r = await codePost(b.email, code);
    // Codes can coincide by chance (1 in a million); then b's own code would be right.
    if (r.status !== 201) expect(r.body.errorCode).toBe('passwordless_code_invalid');
    expectSession(await codePost(a.email, code), a.userId);
  });

  it('answers through GraphQL with the LoginResult union', async () => {
    const u = await signUp(t);
    const code = await loginCode(u.email);
    const wrong = await t.gql(RestLoginWithCodeDocument, { email: u.email, code: otherCode(code) });
    expect(wrong.data?.loginWithCode).toMatchObject({ __typename: 'InvalidTokenError', code: 'passwordless_code_invalid' });
    const ok = await t.gql(RestLoginWithCodeDocument, { email: u.email, code });
    expect(ok.data?.loginWithCode).toMatchObject({ tokenType: 'bearer', accessToken: expect.any(String), userId: u.userId });
  });
});

describe('no enumeration', () => {
  it('answers an unknown address exactly like a known one, and mails nobody', async () => {
    const known = await signUp(t);
    const unknown = uniqueEmail('nobody');
    for (const kind of ['magiclink', 'code'] as const) {
      const a = await t.rest('POST', `${P}/${kind}/prelogin`, { body: { email: unknown } });
      const b = await t.rest('POST', `${P}/${kind}/prelogin`, { body: { email: known.email } });
      expect(a.status).toBe(b.status);
      expect(a.body).toEqual(b.body);
      // The mail is sent by a queued task: once the queue is idle, every request's mail has gone.
      await t.tasks.drain();
      await smtp.next(known.email);
    }
    expect(smtp.count(unknown)).toBe(0);
    expect(await t.deps.db.oneTimeToken.count({ where: { target: unknown } })).toBe(0);
    // A code for an unknown address is refused like a wrong one.
    const r = await codePost(unknown, '123456');
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('passwordless_code_invalid');
  });

  it('validates the address', async () => {
    const r = await t.rest('POST', `${P}/code/prelogin`, { body: { email: 'not an email' } });
    expect(r.status).toBe(400);
  });
});

describe('account rules still apply', () => {
  const U = '/identity/resources/users/v1/mfa';
  const codeNow = (secret: string) => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });

  it('answers the MFA step (no tokens, no cookie) to a user with an authenticator', async () => {
    const u = await signUp(t);
    const e = await t.rest('POST', `${U}/authenticator/enroll`, { token: u.accessToken });
    expect(e.status).toBe(200);
    const d = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId, type: 'TOTP', verifiedAt: null } });
    const secret = t.deps.secrets.decrypt(d.secretEncrypted!);
    expect((await t.rest('POST', `${U}/authenticator/enroll/verify`, { token: u.accessToken, body: { token: await codeNow(secret) } })).status).toBe(200);

    for (const r of [await magicPost(await magicToken(u.email)), await codePost(u.email, await loginCode(u.email))]) {
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ mfaRequired: true, mfaToken: expect.any(String), userId: u.userId, mfaStrategies: { AuthenticatorApp: true } });
      expect(r.body.accessToken).toBeUndefined();
      expect(r.refreshCookie).toBeUndefined();
      const flow = await t.deps.db.authFlow.findUniqueOrThrow({ where: { tokenHash: t.deps.secrets.hashToken(r.body.mfaToken) } });
      expect(flow).toMatchObject({ kind: 'MFA_LOGIN', userId: u.userId });
    }
  });

  it('refuses a locked user', async () => {
    const u = await signUp(t);
    await t.deps.db.user.update({ where: { id: u.userId }, data: { lockedAt: new Date() } });
    const r = await magicPost(await magicToken(u.email));
    expect(r.body.errorCode).toBe('user_locked');
    expect(r.refreshCookie).toBeUndefined();
  });
});
