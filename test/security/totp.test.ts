// TOTP second factor at login: RFC 6238 §5.2 replay protection (also under concurrency), the
// ±1 step window, one indistinguishable answer for wrong and replayed codes, the attempt cap
// and expiry of the pending login, and single-use recovery codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const STEP_MS = 30_000;
const advance = (ms: number) => (t.clock as ManualClock).advance(ms);
/** The code for the gatehouse clock's time, shifted by whole steps. */
const code = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) + steps * 30 });
const INVALID_CODE = { errors: ['Invalid MFA code'], errorCode: 'mfa_code_invalid' };
const INVALID_FLOW = { errors: ['Invalid or expired MFA token'], errorCode: 'mfa_token_invalid' };

async function mfaUser() {
  const u = await signUp(t);
  await t.rest('POST', '/identity/resources/users/v1/mfa/authenticator/enroll', { token: u.accessToken });
  const d = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId, verifiedAt: null } });
  const secret = t.deps.secrets.decrypt(d.secretEncrypted!);
  const v = await t.rest('POST', '/identity/resources/users/v1/mfa/authenticator/enroll/verify', { token: u.accessToken, body: { token: await code(secret) } });
  expect(v.status).toBe(200);
  return { ...u, secret, recoveryCode: v.body.recoveryCode as string };
}
const startLogin = async (u: { email: string; password: string }) => {
  const r = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email: u.email, password: u.password } });
  expect(r.body.mfaRequired).toBe(true);
  return r.body.mfaToken as string;
};
const verify = (mfaToken: string, value: string) => t.rest('POST', '/identity/resources/auth/v1/user/mfa/verify', { body: { mfaToken, value } });

describe('TOTP replay (RFC 6238 §5.2)', () => {
  it('refuses the enrolment code at login, with the same answer as a wrong code', async () => {
    const u = await mfaUser();
    const flow = await startLogin(u);
    const wrong = await verify(flow, '000000');
    const replay = await verify(flow, await code(u.secret));
    expect(wrong.status).toBe(400);
    expect(replay.status).toBe(wrong.status);
    expect(replay.body).toEqual(wrong.body);
    expect(replay.body).toEqual(INVALID_CODE);
    expect(replay.refreshCookie).toBeUndefined();
  });

  it('accepts a code once: the same code in a second login is refused like a wrong one', async () => {
    const u = await mfaUser();
    advance(STEP_MS);
    const c = await code(u.secret);
    const first = await verify(await startLogin(u), c);
    expect(first.status).toBe(201);
    const second = await verify(await startLogin(u), c);
    expect(second.status).toBe(400);
    expect(second.body).toEqual(INVALID_CODE);
    expect(second.body.accessToken).toBeUndefined();
  });

  it('lets exactly one of two parallel uses of one code win', async () => {
    const u = await mfaUser();
    advance(STEP_MS);
    const c = await code(u.secret);
    const [a, b] = await Promise.all([startLogin(u), startLogin(u)]);
    const results = await Promise.all([verify(a, c), verify(b, c)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
    expect(results.filter((r) => r.body.accessToken)).toHaveLength(1);
  });

  it('accepts one step of drift either way, but never a step at or before the last accepted one', async () => {
    const u = await mfaUser();
    advance(10 * STEP_MS);
    expect((await verify(await startLogin(u), await code(u.secret, -2))).status).toBe(400);
    expect((await verify(await startLogin(u), await code(u.secret, 2))).status).toBe(400);
    expect((await verify(await startLogin(u), await code(u.secret, 1))).status).toBe(201);
    // The next step was accepted, so the current (and previous) step's codes are now stale.
    expect((await verify(await startLogin(u), await code(u.secret, 0))).body).toEqual(INVALID_CODE);
    expect((await verify(await startLogin(u), await code(u.secret, -1))).body).toEqual(INVALID_CODE);
    advance(2 * STEP_MS);
    expect((await verify(await startLogin(u), await code(u.secret))).status).toBe(201);
  });
});

describe('the pending login', () => {
  it('dies after 5 attempts: the 6th is refused even with the right code', async () => {
    const u = await mfaUser();
    advance(STEP_MS);
    const flow = await startLogin(u);
    for (let i = 0; i < 5; i++) expect((await verify(flow, '000000')).body).toEqual(INVALID_CODE);
    const sixth = await verify(flow, await code(u.secret));
    expect(sixth.status).toBe(401);
    expect(sixth.body).toEqual(INVALID_FLOW);
    // The code was not spent on the dead flow: a fresh login still accepts it.
    expect((await verify(await startLogin(u), await code(u.secret))).status).toBe(201);
  });

  it('expires after 10 minutes', async () => {
    const u = await mfaUser();
    const flow = await startLogin(u);
    advance(10 * 60 * 1000 + 1000);
    const r = await verify(flow, await code(u.secret));
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID_FLOW);
  });

  it('refuses unknown and malformed tokens, and recovery codes in place of a TOTP code', async () => {
    const u = await mfaUser();
    expect((await verify('not-a-token', '123456')).body).toEqual(INVALID_FLOW);
    expect((await verify('', '123456')).status).toBe(400);
    expect((await verify(await startLogin(u), u.recoveryCode)).body).toEqual(INVALID_CODE);
  });
});

describe('recovery codes', () => {
  it('are single use, also under a parallel double spend', async () => {
    const u = await mfaUser();
    const recover = () => t.rest('POST', '/identity/resources/auth/v1/user/mfa/recover', { body: { email: u.email, recoveryCode: u.recoveryCode } });
    const results = await Promise.all([recover(), recover()]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const row = await t.deps.db.recoveryCode.findFirst({ where: { userId: u.userId } });
    expect(row).toBeNull();
  });
});
