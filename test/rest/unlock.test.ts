// Self-service unlock: lockout mails the owner a single-use link, and POST /users/v3/me/unlock with
// its token clears the lock. Mail goes over SMTP to a real local server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const UNLOCK = '/identity/resources/users/v3/me/unlock';
const LOGIN = '/identity/resources/auth/v1/user';

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

/** A founder whose tenant locks after two wrong passwords, locked out; returns the mailed token. */
async function lockedFounder() {
  const founder = await signUp(t);
  const policy = await t.rest('POST', '/identity/resources/configurations/v1/lockout-policy', { token: founder.accessToken, body: { enabled: true, maxAttempts: 2 } });
  expect(policy.status, JSON.stringify(policy.body)).toBe(201);
  for (let i = 0; i < 3; i++) await t.rest('POST', LOGIN, { body: { email: founder.email, password: 'not the password at all' } });
  const locked = await t.rest('POST', LOGIN, { body: { email: founder.email, password: founder.password } });
  expect(locked.status).toBe(403);
  const mail = await smtp.next(founder.email);
  expect(mail.subject).toBe('Your account was locked');
  const token = linkIn(mail, '/account/unlock').searchParams.get('token')!;
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return { ...founder, token };
}

describe('POST /users/v3/me/unlock', () => {
  it('unlocks with the emailed token, once', async () => {
    const f = await lockedFounder();
    // Only the locking attempt mailed; the failure after it did not.
    expect(smtp.count(f.email)).toBe(1);
    const row = await t.deps.db.oneTimeToken.findFirstOrThrow({ where: { userId: f.userId, type: 'USER_UNLOCK' } });
    expect(row.tokenHash).toBe(t.deps.secrets.hashToken(f.token));

    expect((await t.rest('POST', UNLOCK, { body: { token: 'x'.repeat(43) } })).status).toBe(400);
    const r = await t.rest('POST', UNLOCK, { body: { token: f.token } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({});
    expect(await t.deps.db.user.findUniqueOrThrow({ where: { id: f.userId } })).toMatchObject({ lockedAt: null, failedLoginAttempts: 0 });
    expect((await t.rest('POST', LOGIN, { body: { email: f.email, password: f.password } })).status).toBe(200);

    const again = await t.rest('POST', UNLOCK, { body: { token: f.token } });
    expect(again.status).toBe(400);
    expect(again.body.errorCode).toBe('unlock_token_invalid');
  });

  it('refuses an expired token and a missing one', async () => {
    const f = await lockedFounder();
    (t.clock as ManualClock).advance(24 * 60 * 60 * 1000 + 1000);
    expect((await t.rest('POST', UNLOCK, { body: { token: f.token } })).status).toBe(400);
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: f.userId } })).lockedAt).not.toBeNull();
    expect((await t.rest('POST', UNLOCK, { body: {} })).status).toBe(400);
  });
});
