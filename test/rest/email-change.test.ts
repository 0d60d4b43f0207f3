// Changing the current user's email over Frontegg's /users/v1/email/me paths, with the code read
// from a real SMTP delivery to the new address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const P = '/identity/resources/users/v1/email/me';

let t: TestGatehouse;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await startGatehouse({ GATEHOUSE_SMTP_URL: smtp.url });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const request = (token: string, email: string) => t.rest('POST', P, { token, body: { email } });
const verify = (token: string, email: string, code: string) => t.rest('POST', `${P}/verify`, { token, body: { email, code } });
const emailOf = async (userId: string) => t.deps.db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, verified: true } });

/** Requests a change to `email` and returns the code that arrives there. */
async function codeFor(token: string, email: string) {
  const r = await request(token, email);
  expect(r.status).toBe(200);
  expect(r.body).toEqual({});
  const mail = await smtp.next(email);
  expect(mail.subject).toBe('Confirm your new email address');
  return /Code: (\d{6})/.exec(mail.text)![1]!;
}

describe('change email', () => {
  it('swaps the email (verified) with the code sent to the new address, once', async () => {
    const u = await signUp(t);
    const next = uniqueEmail('moved');
    const code = await codeFor(u.accessToken, next);
    const wrong = code === '000000' ? '000001' : '000000';

    const bad = await verify(u.accessToken, next, wrong);
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('email_change_code_invalid');
    expect((await emailOf(u.userId)).email).toBe(u.email);

    const ok = await verify(u.accessToken, next, code);
    expect(ok.status).toBe(200);
    expect(await emailOf(u.userId)).toEqual({ email: next, verified: true });
    expect((await verify(u.accessToken, next, code)).status).toBe(400);

    const login = (email: string) => t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password: u.password } });
    expect((await login(next)).status).toBe(200);
    expect((await login(u.email)).status).toBe(401);
  });

  it('binds the code to the address it was sent to', async () => {
    const u = await signUp(t);
    const a = uniqueEmail('a');
    const code = await codeFor(u.accessToken, a);
    expect((await verify(u.accessToken, uniqueEmail('b'), code)).status).toBe(400);
    expect((await emailOf(u.userId)).email).toBe(u.email);
  });

  it('kills the code after five wrong tries', async () => {
    const u = await signUp(t);
    const next = uniqueEmail('guess');
    const code = await codeFor(u.accessToken, next);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) expect((await verify(u.accessToken, next, wrong)).status).toBe(400);
    expect((await verify(u.accessToken, next, code)).status).toBe(400);
    expect((await emailOf(u.userId)).email).toBe(u.email);
  });

  it('answers a taken address like a free one, and refuses the swap with 409 writing nothing', async () => {
    const u = await signUp(t);
    const other = await signUp(t);
    const free = await request(u.accessToken, uniqueEmail('free'));
    const code = await codeFor(u.accessToken, other.email);
    expect(free.status).toBe(200);

    const r = await verify(u.accessToken, other.email, code);
    expect(r.status).toBe(409);
    expect(r.body.errorCode).toBe('user_already_exists');
    expect((await emailOf(u.userId)).email).toBe(u.email);
    expect((await emailOf(other.userId)).email).toBe(other.email);
    // The token was not used up by the failed swap (the transaction rolled back).
    const row = await t.deps.db.oneTimeToken.findFirstOrThrow({ where: { userId: u.userId, type: 'EMAIL_CHANGE' } });
    expect(row.usedAt).toBeNull();
  });

  it('requires a current user', async () => {
    expect((await t.rest('POST', P, { body: { email: uniqueEmail() } })).status).toBe(401);
    expect((await t.rest('POST', `${P}/verify`, { body: { email: uniqueEmail(), code: '123456' } })).status).toBe(401);
  });
});
