// SMS flows over the Frontegg REST paths: vendor configuration and templates, SMS MFA (enrol,
// login step, disable), passwordless SMS login, SMS password reset, and delivery through an HTTP
// provider (a local node:http server that records requests). Codes are read from the development
// outbox through the vendor-only smsOutbox query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { codeIn, nextSms, otherCode, smsTo, startSmsProvider, uniquePhone } from '../helpers/sms.ts';

const CONFIG = '/identity/resources/configurations/v1/sms';
const MFA_USER = '/identity/resources/users/v1/mfa/sms';
const MFA_AUTH = '/identity/resources/auth/v1/user/mfa/sms';
const SMS_LOGIN = '/identity/resources/auth/v1/passwordless/smscode';
const RESET = '/identity/resources/users/v2/passwords/reset/sms';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(async () => {
  await t?.close();
});

const advance = (ms: number) => (t.clock as ManualClock).advance(ms);

/** A signed-up user with a vendor-verified phone number. */
async function userWithPhone() {
  const u = await signUp(t);
  const phone = uniquePhone();
  const r = await t.rest('POST', `/identity/resources/users/phone-numbers/v1/vendor/${u.userId}`, { token: await t.vendorToken(), body: { phoneNumber: phone } });
  expect(r.status).toBe(201);
  return { ...u, phone };
}

/** Runs `send` and returns its response and the code that then arrives at `phone`. */
async function withCode(phone: string, send: () => ReturnType<TestGatehouse['rest']>) {
  const seen = (await smsTo(t, phone)).length;
  const r = await send();
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  const sms = await nextSms(t, phone, seen);
  return { r, sms, code: codeIn(sms) };
}

/** Enrols SMS MFA for the user; returns the device id. */
async function enrollSmsMfa(u: { accessToken: string; userId: string }, phone: string) {
  const { r, code } = await withCode(phone, () => t.rest('POST', `${MFA_USER}/enroll`, { token: u.accessToken, body: { phoneNumber: phone } }));
  expect(r.status).toBe(200);
  expect(r.body).toEqual({ otcToken: expect.any(String) });
  const v = await t.rest('POST', `${MFA_USER}/enroll/verify`, { token: u.accessToken, body: { otcToken: r.body.otcToken, code } });
  expect(v.status).toBe(200);
  const device = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId, type: 'SMS', verifiedAt: { not: null } } });
  return device.id;
}

const login = (email: string, password: string) => t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });

describe('vendor SMS configuration and templates', () => {
  it('stores the provider settings and never returns the token', async () => {
    const vendor = await t.vendorToken();
    expect((await t.rest('GET', CONFIG, { token: vendor })).status).toBe(404);
    const secret = 'tw-secret-token-value-123';
    const set = await t.rest('POST', CONFIG, { token: vendor, body: { provider: 'twilio', accountId: 'AC1', token: secret, senderName: 'Acme' } });
    expect(set.status).toBe(201);
    expect(JSON.stringify(set.body)).not.toContain(secret);
    const got = await t.rest('GET', CONFIG, { token: vendor });
    expect(got.body).toMatchObject({ provider: 'twilio', accountId: 'AC1', senderName: 'Acme', token: '********' });
    expect(JSON.stringify(got.body)).not.toContain(secret);
    // Stored encrypted.
    const row = await t.deps.db.policy.findFirstOrThrow({ where: { type: 'SMS_PROVIDER' } });
    expect(JSON.stringify(row.config)).not.toContain(secret);
    // An update without a token keeps the stored one.
    await t.rest('POST', CONFIG, { token: vendor, body: { provider: 'twilio', senderName: 'Acme2' } });
    expect((await t.rest('GET', CONFIG, { token: vendor })).body).toMatchObject({ senderName: 'Acme2', token: '********' });

    const u = await signUp(t);
    expect((await t.rest('GET', CONFIG, { token: u.accessToken })).status).toBe(403);
    expect((await t.rest('DELETE', CONFIG, { token: vendor })).status).toBe(200);
    expect((await t.rest('GET', CONFIG, { token: vendor })).status).toBe(404);
    expect((await t.rest('DELETE', CONFIG, { token: vendor })).status).toBe(404);
  });

  it('serves default templates, stores vendor templates, and sends with them', async () => {
    const vendor = await t.vendorToken();
    const defaults = await t.rest('GET', `${CONFIG}/templates/default/all`, { token: vendor });
    expect(defaults.status).toBe(200);
    expect(defaults.body.map((d: { type: string }) => d.type)).toEqual(['VerifyPhone', 'MfaVerifyCode', 'PasswordlessLogin', 'ResetPassword']);
    for (const d of defaults.body) expect(d.body).toContain('{{code}}');
    expect((await t.rest('GET', `${CONFIG}/templates/VerifyPhone/default`, { token: vendor })).body.isDefault).toBe(true);
    expect((await t.rest('GET', `${CONFIG}/templates/Nope/default`, { token: vendor })).status).toBe(400);
    expect((await t.rest('GET', `${CONFIG}/templates/VerifyPhone`, { token: vendor })).status).toBe(404);

    expect((await t.rest('POST', `${CONFIG}/templates/VerifyPhone`, { token: vendor, body: { body: 'no placeholder' } })).status).toBe(400);
    const set = await t.rest('POST', `${CONFIG}/templates/VerifyPhone`, { token: vendor, body: { body: 'Acme code: {{code}}', senderName: 'AcmeSMS' } });
    expect(set.status).toBe(201);
    await t.rest('POST', `${CONFIG}/templates/ResetPassword`, { token: vendor, body: { body: 'Reset: {{code}}' } });
    const list = await t.rest('GET', `${CONFIG}/templates`, { token: vendor });
    expect(list.body.map((x: { type: string }) => x.type)).toEqual(['VerifyPhone', 'ResetPassword']);
    expect((await t.rest('GET', `${CONFIG}/templates/VerifyPhone`, { token: vendor })).body).toMatchObject({ body: 'Acme code: {{code}}', isDefault: false });

    const u = await signUp(t);
    const phone = uniquePhone();
    const { sms } = await withCode(phone, () => t.rest('POST', '/identity/resources/users/phone-numbers/v1', { token: u.accessToken, body: { phoneNumber: phone } }));
    expect(sms.body).toMatch(/^Acme code: \d{6}$/);
    expect(sms.from).toBe('AcmeSMS');

    expect((await t.rest('DELETE', `${CONFIG}/templates/VerifyPhone`, { token: vendor })).status).toBe(200);
    expect((await t.rest('DELETE', `${CONFIG}/templates/VerifyPhone`, { token: vendor })).status).toBe(404);
    // The other type's template survived the delete.
    expect((await t.rest('GET', `${CONFIG}/templates`, { token: vendor })).body.map((x: { type: string }) => x.type)).toEqual(['ResetPassword']);
    await t.rest('DELETE', `${CONFIG}/templates/ResetPassword`, { token: vendor });
  });
});

describe('SMS MFA', () => {
  it('enrols, then login asks for SMS, sends a code to the device and completes with a session and cookie', async () => {
    const u = await signUp(t);
    const phone = uniquePhone();
    const deviceId = await enrollSmsMfa(u, phone);

    const first = await login(u.email, u.password);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ mfaRequired: true, mfaToken: expect.any(String) });
    expect(first.refreshCookie).toBeUndefined();
    // The phone is listed, masked.
    expect(first.body.mfaDevices.phones).toEqual([{ id: deviceId, phoneNumber: `${phone.slice(0, 3)}*****${phone.slice(-4)}` }]);
    const mfaToken = first.body.mfaToken as string;

    const { r, code } = await withCode(phone, () => t.rest('POST', `${MFA_AUTH}/${deviceId}`, { body: { mfaToken } }));
    expect(r.status).toBe(201);
    const otcToken = r.body.otcToken as string;
    const wrong = await t.rest('POST', `${MFA_AUTH}/${deviceId}/verify`, { body: { mfaToken, otcToken, code: otherCode(code) } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errorCode).toBe('mfa_code_invalid');
    const ok = await t.rest('POST', `${MFA_AUTH}/${deviceId}/verify`, { body: { mfaToken, otcToken, code } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ tokenType: 'bearer', mfaRequired: false, accessToken: expect.any(String), userId: u.userId });
    expect(ok.refreshCookie).toBe(ok.body.refreshToken);
    // The code and the pending login are single use.
    const replay = await t.rest('POST', `${MFA_AUTH}/${deviceId}/verify`, { body: { mfaToken, otcToken, code } });
    expect(replay.status).toBe(401);
  });

  it("refuses a code sent for another login, and a device that is not the user's", async () => {
    const u = await signUp(t);
    const phone = uniquePhone();
    const deviceId = await enrollSmsMfa(u, phone);
    const other = await signUp(t);
    const otherDevice = await enrollSmsMfa(other, uniquePhone());

    const a = (await login(u.email, u.password)).body.mfaToken as string;
    const b = (await login(u.email, u.password)).body.mfaToken as string;
    expect((await t.rest('POST', `${MFA_AUTH}/${otherDevice}`, { body: { mfaToken: a } })).status).toBe(404);
    const { r, code } = await withCode(phone, () => t.rest('POST', `${MFA_AUTH}/${deviceId}`, { body: { mfaToken: a } }));
    const crossed = await t.rest('POST', `${MFA_AUTH}/${deviceId}/verify`, { body: { mfaToken: b, otcToken: r.body.otcToken, code } });
    expect(crossed.status).toBe(400);
  });

  it('a pending login allows 5 steps (sends and tries) in all', async () => {
    const u = await signUp(t);
    const phone = uniquePhone();
    const deviceId = await enrollSmsMfa(u, phone);
    const mfaToken = (await login(u.email, u.password)).body.mfaToken as string;
    const { r, code } = await withCode(phone, () => t.rest('POST', `${MFA_AUTH}/${deviceId}`, { body: { mfaToken } }));
    for (let i = 0; i < 4; i++) {
      expect((await t.rest('POST', `${MFA_AUTH}/${deviceId}/verify`, { body: { mfaToken, otcToken: r.body.otcToken, code: otherCode(code) } })).status).toBe(400);
    }
    const late = await t.rest('POST', `${MFA_AUTH}/${deviceId}/verify`, { body: { mfaToken, otcToken: r.body.otcToken, code } });
    expect(late.status).toBe(401);
    expect(late.body.errorCode).toBe('mfa_token_invalid');
  });

  it('enrol-at-login refuses the mfaToken of a user who already has a second factor', async () => {
    const u = await signUp(t);
    await enrollSmsMfa(u, uniquePhone());
    const mfaToken = (await login(u.email, u.password)).body.mfaToken as string;
    const r = await t.rest('POST', `${MFA_AUTH}/enroll`, { body: { mfaToken, phoneNumber: uniquePhone() } });
    expect(r.status).toBe(401);
    expect(await t.deps.db.mfaDevice.count({ where: { userId: u.userId } })).toBe(1);
  });

  it('disables a device with a code sent to its phone', async () => {
    const u = await signUp(t);
    const phone = uniquePhone();
    const deviceId = await enrollSmsMfa(u, phone);
    // Re-enrolling the same phone is a conflict.
    expect((await t.rest('POST', `${MFA_USER}/enroll`, { token: u.accessToken, body: { phoneNumber: phone } })).status).toBe(409);
    const { r, code } = await withCode(phone, () => t.rest('POST', `${MFA_USER}/${deviceId}/disable`, { token: u.accessToken }));
    expect(r.status).toBe(200);
    expect((await t.rest('POST', `${MFA_USER}/${deviceId}/disable/verify`, { token: u.accessToken, body: { otcToken: r.body.otcToken, code: otherCode(code) } })).status).toBe(400);
    const ok = await t.rest('POST', `${MFA_USER}/${deviceId}/disable/verify`, { token: u.accessToken, body: { otcToken: r.body.otcToken, code } });
    expect(ok.status).toBe(200);
    expect(await t.deps.db.mfaDevice.count({ where: { userId: u.userId } })).toBe(0);
    // Login no longer asks for MFA.
    expect((await login(u.email, u.password)).body.mfaRequired).toBe(false);
  });

  it('an enrolment code expires after 10 minutes', async () => {
    const u = await signUp(t);
    const phone = uniquePhone();
    const { r, code } = await withCode(phone, () => t.rest('POST', `${MFA_USER}/enroll`, { token: u.accessToken, body: { phoneNumber: phone } }));
    advance(10 * 60 * 1000 + 1);
    expect((await t.rest('POST', `${MFA_USER}/enroll/verify`, { token: u.accessToken, body: { otcToken: r.body.otcToken, code } })).status).toBe(400);
    expect((await login(u.email, u.password)).body.mfaRequired).toBe(false);
  });
});

describe('SMS passwordless login', () => {
  it('answers alike for unknown users and logs in once with the code', async () => {
    const u = await userWithPhone();
    const unknown = await t.rest('POST', `${SMS_LOGIN}/prelogin`, { body: { phoneNumber: uniquePhone() } });
    const unknownEmail = await t.rest('POST', `${SMS_LOGIN}/prelogin`, { body: { email: uniqueEmail() } });
    const { r, code, sms } = await withCode(u.phone, () => t.rest('POST', `${SMS_LOGIN}/prelogin`, { body: { phoneNumber: u.phone } }));
    for (const x of [unknown, unknownEmail, r]) {
      expect(x.status).toBe(201);
      expect(Object.keys(x.body)).toEqual(['otcToken']);
      expect(x.body.otcToken).toMatch(/^[\w-]{43}$/);
    }
    expect(sms.body).toContain('login code');
    // A decoy token logs nobody in.
    expect((await t.rest('POST', `${SMS_LOGIN}/postlogin`, { body: { otcToken: unknown.body.otcToken, token: code } })).status).toBe(400);

    const ok = await t.rest('POST', `${SMS_LOGIN}/postlogin`, { body: { otcToken: r.body.otcToken, token: code } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ mfaRequired: false, accessToken: expect.any(String), userId: u.userId });
    expect(ok.refreshCookie).toBe(ok.body.refreshToken);
    expect((await t.rest('POST', `${SMS_LOGIN}/postlogin`, { body: { otcToken: r.body.otcToken, token: code } })).status).toBe(400);

    // By email too: the code goes to the user's verified number.
    const byEmail = await withCode(u.phone, () => t.rest('POST', `${SMS_LOGIN}/prelogin`, { body: { email: u.email } }));
    expect((await t.rest('POST', `${SMS_LOGIN}/postlogin`, { body: { otcToken: byEmail.r.body.otcToken, token: byEmail.code } })).status).toBe(201);
  });

  it('kills a login code after 5 tries and after 10 minutes', async () => {
    const u = await userWithPhone();
    const a = await withCode(u.phone, () => t.rest('POST', `${SMS_LOGIN}/prelogin`, { body: { phoneNumber: u.phone } }));
    for (let i = 0; i < 5; i++) {
      expect((await t.rest('POST', `${SMS_LOGIN}/postlogin`, { body: { otcToken: a.r.body.otcToken, token: otherCode(a.code) } })).status).toBe(400);
    }
    expect((await t.rest('POST', `${SMS_LOGIN}/postlogin`, { body: { otcToken: a.r.body.otcToken, token: a.code } })).status).toBe(400);

    const b = await withCode(u.phone, () => t.rest('POST', `${SMS_LOGIN}/prelogin`, { body: { phoneNumber: u.phone } }));
    advance(10 * 60 * 1000 + 1);
    expect((await t.rest('POST', `${SMS_LOGIN}/postlogin`, { body: { otcToken: b.r.body.otcToken, token: b.code } })).status).toBe(400);
  });

  it('sends nothing to unverified numbers', async () => {
    const u = await signUp(t);
    const phone = uniquePhone();
    await t.rest('POST', '/identity/resources/users/phone-numbers/v1', { token: u.accessToken, body: { phoneNumber: phone, verify: false } });
    const r = await t.rest('POST', `${SMS_LOGIN}/prelogin`, { body: { phoneNumber: phone } });
    expect(r.status).toBe(201);
    expect(await t.deps.db.oneTimeToken.count({ where: { userId: u.userId, type: 'LOGIN_CODE' } })).toBe(0);
  });

  it('honours MFA: an SMS login of a user with SMS MFA answers the MFA step', async () => {
    const u = await userWithPhone();
    await enrollSmsMfa(u, uniquePhone());
    const { r, code } = await withCode(u.phone, () => t.rest('POST', `${SMS_LOGIN}/prelogin`, { body: { phoneNumber: u.phone } }));
    const post = await t.rest('POST', `${SMS_LOGIN}/postlogin`, { body: { otcToken: r.body.otcToken, token: code } });
    expect(post.status).toBe(201);
    expect(post.body).toMatchObject({ mfaRequired: true, mfaToken: expect.any(String) });
    expect(post.body.accessToken).toBeUndefined();
    expect(post.refreshCookie).toBeUndefined();
  });
});

describe('SMS password reset', () => {
  it('trades the code for a reset token that sets the password; unknown users answer alike', async () => {
    const u = await userWithPhone();
    const unknown = await t.rest('POST', RESET, { body: { identifier: uniquePhone(), identifierType: 'phoneNumber' } });
    const { r, code, sms } = await withCode(u.phone, () => t.rest('POST', RESET, { body: { identifier: u.phone, identifierType: 'phoneNumber' } }));
    for (const x of [unknown, r]) {
      expect(x.status).toBe(200);
      expect(Object.keys(x.body)).toEqual(['sessionId']);
    }
    expect(sms.body).toContain('password reset code');
    // The sessionId alone is not a reset token.
    expect((await t.rest('POST', '/identity/resources/users/v1/passwords/reset/verify', { body: { userId: u.userId, token: r.body.sessionId, password: 'another long passphrase' } })).status).toBe(400);
    expect((await t.rest('POST', `${RESET}/verify`, { body: { sessionId: r.body.sessionId, otcToken: otherCode(code) } })).status).toBe(400);
    const v = await t.rest('POST', `${RESET}/verify`, { body: { sessionId: r.body.sessionId, otcToken: code } });
    expect(v.status).toBe(200);
    expect(v.body).toEqual({ userId: u.userId, token: expect.any(String) });
    expect((await t.rest('POST', `${RESET}/verify`, { body: { sessionId: r.body.sessionId, otcToken: code } })).status).toBe(400);

    const set = await t.rest('POST', '/identity/resources/users/v1/passwords/reset/verify', { body: { userId: u.userId, token: v.body.token, password: 'another long passphrase' } });
    expect(set.status).toBe(201);
    expect((await login(u.email, 'another long passphrase')).status).toBe(200);
  });

  it('finds the user by email too, and the code dies after 5 tries', async () => {
    const u = await userWithPhone();
    const { r, code } = await withCode(u.phone, () => t.rest('POST', RESET, { body: { identifier: u.email, identifierType: 'email' } }));
    for (let i = 0; i < 5; i++) expect((await t.rest('POST', `${RESET}/verify`, { body: { sessionId: r.body.sessionId, otcToken: otherCode(code) } })).status).toBe(400);
    expect((await t.rest('POST', `${RESET}/verify`, { body: { sessionId: r.body.sessionId, otcToken: code } })).status).toBe(400);
  });
});

describe('HTTP SMS provider', () => {
  // A second Gatehouse, delivering through a local provider; booted in a hook (migrations take a while).
  let provider: Awaited<ReturnType<typeof startSmsProvider>>;
  let h: TestGatehouse;
  beforeAll(async () => {
    provider = await startSmsProvider();
    h = await startGatehouse({ GATEHOUSE_SMS_URL: provider.url, GATEHOUSE_SMS_TOKEN: 'relay-key-123', GATEHOUSE_SMS_FROM: '+15550000000' });
  });
  afterAll(async () => {
    await h?.close();
    await provider?.close();
  });

  it('posts {to, body, from} with the bearer token; a refusal is a clear 502, and the outbox is not kept', async () => {
    const u = await signUp(h);
    const phone = uniquePhone();
    const r = await h.rest('POST', '/identity/resources/users/phone-numbers/v1', { token: u.accessToken, body: { phoneNumber: phone } });
    expect(r.status).toBe(201);
    expect(provider.requests).toHaveLength(1);
    const req = provider.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/sms');
    expect(req.headers.authorization).toBe('Bearer relay-key-123');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({ to: phone, body: expect.stringMatching(/\d{6}/), from: '+15550000000' });
    const code = /(\d{6})/.exec((req.body as { body: string }).body)![1]!;
    expect((await h.rest('POST', '/identity/resources/users/phone-numbers/v1/verify', { token: u.accessToken, body: { otcToken: r.body.otcToken, code } })).status).toBe(200);

    provider.state.status = 500;
    const failed = await h.rest('POST', '/identity/resources/users/phone-numbers/v1', { token: u.accessToken, body: { phoneNumber: uniquePhone() } });
    expect(failed.status).toBe(502);
    expect(failed.body.errorCode).toBe('sms_delivery_failed');
    // Enumeration-sensitive flows answer as usual (the failure is only logged).
    const pre = await h.rest('POST', `${SMS_LOGIN}/prelogin`, { body: { phoneNumber: phone } });
    expect(pre.status).toBe(201);

    const outbox = await h.gql(parse('query { smsOutbox { to } }') as never, undefined, { token: await h.vendorToken() });
    expect(outbox.errors?.[0]?.extensions?.code).toBe('sms_outbox_not_available');
  });
});
