// WebAuthn over the Frontegg REST paths, driven by a software authenticator with real ES256
// signatures: MFA enrolment/disable, the MFA step of a login, enrolment during a login, and
// passkeys. Refusals: wrong origin, RP id or challenge, replayed assertions, counter regression,
// someone else's device, enumeration at passkey prelogin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { SoftwareAuthenticator } from '../helpers/webauthn-authenticator.ts';
import type { ManualClock } from '../../src/platform/clock.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const U = '/identity/resources/users/v1/mfa/webauthn';
const A = '/identity/resources/auth/v1/user';
const P = '/identity/resources/users/webauthn/v1/devices';
const PL = '/identity/resources/auth/v1/webauthn';

type User = Awaited<ReturnType<typeof signUp>>;
const login = (u: { email: string; password: string }) => t.rest('POST', A, { body: { email: u.email, password: u.password } });

/** Enrols a security key as a second factor; returns the key and the enrol answer. */
async function enrolKey(u: User, key = new SoftwareAuthenticator(BASE)) {
  const start = await t.rest('POST', `${U}/enroll`, { token: u.accessToken });
  expect(start.status).toBe(200);
  const v = await t.rest('POST', `${U}/enroll/verify`, {
    token: u.accessToken,
    body: { deviceType: 'CrossPlatform', webauthnToken: start.body.webauthnToken, options: key.create(start.body.options) },
  });
  expect(v.status).toBe(200);
  const device = await t.deps.db.mfaDevice.findUniqueOrThrow({ where: { credentialId: key.id } });
  return { key, device, body: v.body };
}

/** A password login that answers the MFA step, and the options for one WebAuthn device. */
async function mfaChallenge(u: User, deviceId: string) {
  const r = await login(u);
  expect(r.status).toBe(200);
  expect(r.body.mfaRequired).toBe(true);
  const start = await t.rest('POST', `${A}/mfa/webauthn/${deviceId}`, { body: { mfaToken: r.body.mfaToken } });
  return { mfaToken: r.body.mfaToken as string, start };
}

describe('WebAuthn MFA enrolment', () => {
  it('registers a key with the configured RP, stores its public key, and issues recovery codes for the first factor only', async () => {
    const u = await signUp(t);
    const start = await t.rest('POST', `${U}/enroll`, { token: u.accessToken });
    expect(start.status).toBe(200);
    expect(start.body.webauthnToken).toBe(start.body.options.challenge);
    expect(start.body.options).toMatchObject({ rp: { id: 'gatehouse.test' }, user: { name: u.email }, attestation: 'none' });
    // The challenge is stored hashed only.
    const stored = await t.deps.db.oneTimeToken.findMany({ where: { userId: u.userId, type: 'WEBAUTHN_CHALLENGE' } });
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(start.body.webauthnToken);

    const key = new SoftwareAuthenticator(BASE);
    const credential = key.create(start.body.options);
    const body = { deviceType: 'CrossPlatform', webauthnToken: start.body.webauthnToken, options: credential };
    const v = await t.rest('POST', `${U}/enroll/verify`, { token: u.accessToken, body });
    expect(v.status).toBe(200);
    expect(v.body.recoveryCode).toMatch(/^[A-Z2-7]{10}$/);
    const device = await t.deps.db.mfaDevice.findUniqueOrThrow({ where: { credentialId: key.id } });
    expect(device).toMatchObject({ userId: u.userId, type: 'WEBAUTHN', name: 'CrossPlatform', signCount: 0, transports: ['usb'] });
    expect(device.verifiedAt).not.toBeNull();
    expect(device.publicKey?.length).toBeGreaterThan(60);
    expect(await t.deps.db.recoveryCode.count({ where: { userId: u.userId } })).toBe(10);

    // The challenge was spent: the same response again is refused and adds nothing.
    const replay = await t.rest('POST', `${U}/enroll/verify`, { token: u.accessToken, body });
    expect(replay.status).toBe(400);
    expect(replay.body.errors).toEqual(['Invalid, used or expired WebAuthn challenge']);

    // The same authenticator again is a conflict (and is listed in excludeCredentials).
    const again = await t.rest('POST', `${U}/enroll`, { token: u.accessToken });
    expect(again.body.options.excludeCredentials).toEqual([{ id: key.id, type: 'public-key', transports: ['usb'] }]);
    const dup = await t.rest('POST', `${U}/enroll/verify`, { token: u.accessToken, body: { options: key.create(again.body.options) } });
    expect(dup.status).toBe(409);

    // A second key: no new recovery codes, the old ones stay.
    const codesBefore = await t.deps.db.recoveryCode.findMany({ where: { userId: u.userId }, select: { id: true } });
    const second = await enrolKey(u);
    expect(second.body).toEqual({});
    expect(await t.deps.db.recoveryCode.findMany({ where: { userId: u.userId }, select: { id: true } })).toEqual(codesBefore);
    expect(await t.deps.db.mfaDevice.count({ where: { userId: u.userId, type: 'WEBAUTHN' } })).toBe(2);
  });

  it('refuses a wrong origin, RP id or challenge, and a challenge dies with its first try', async () => {
    const u = await signUp(t);
    const key = new SoftwareAuthenticator(BASE);

    let start = await t.rest('POST', `${U}/enroll`, { token: u.accessToken });
    const evil = await t.rest('POST', `${U}/enroll/verify`, { token: u.accessToken, body: { options: key.create(start.body.options, { origin: 'https://evil.test' }) } });
    expect(evil.status).toBe(400);
    expect(evil.body.errors).toEqual(['WebAuthn verification failed']);
    // The failed try spent the challenge: a correct answer to it is refused now.
    const late = await t.rest('POST', `${U}/enroll/verify`, { token: u.accessToken, body: { options: key.create(start.body.options) } });
    expect(late.status).toBe(400);
    expect(late.body.errors).toEqual(['Invalid, used or expired WebAuthn challenge']);

    start = await t.rest('POST', `${U}/enroll`, { token: u.accessToken });
    const rp = await t.rest('POST', `${U}/enroll/verify`, { token: u.accessToken, body: { options: key.create(start.body.options, { rpId: 'evil.test' }) } });
    expect(rp.status).toBe(400);

    start = await t.rest('POST', `${U}/enroll`, { token: u.accessToken });
    const forged = await t.rest('POST', `${U}/enroll/verify`, {
      token: u.accessToken,
      body: { options: key.create(start.body.options, { challenge: Buffer.alloc(32, 7).toString('base64url') }) },
    });
    expect(forged.status).toBe(400);
    expect(forged.body.errors).toEqual(['Invalid, used or expired WebAuthn challenge']);

    // A webauthnToken naming another challenge is refused too.
    start = await t.rest('POST', `${U}/enroll`, { token: u.accessToken });
    const other = await t.rest('POST', `${U}/enroll`, { token: u.accessToken });
    const mismatch = await t.rest('POST', `${U}/enroll/verify`, {
      token: u.accessToken,
      body: { webauthnToken: other.body.webauthnToken, options: key.create(start.body.options) },
    });
    expect(mismatch.status).toBe(400);

    // A challenge issued to another user cannot be spent by this one.
    const v = await signUp(t);
    const theirs = await t.rest('POST', `${U}/enroll`, { token: v.accessToken });
    const stolen = await t.rest('POST', `${U}/enroll/verify`, { token: u.accessToken, body: { options: key.create(theirs.body.options) } });
    expect(stolen.status).toBe(400);

    // Expired challenges are dead.
    start = await t.rest('POST', `${U}/enroll`, { token: u.accessToken });
    (t.clock as ManualClock).advance(5 * 60 * 1000 + 1);
    const expired = await t.rest('POST', `${U}/enroll/verify`, { token: u.accessToken, body: { options: key.create(start.body.options) } });
    expect(expired.status).toBe(400);

    expect(await t.deps.db.mfaDevice.count({ where: { userId: u.userId } })).toBe(0);
  });

  it('needs a user token and a well-formed credential', async () => {
    expect((await t.rest('POST', `${U}/enroll`)).status).toBe(401);
    const u = await signUp(t);
    const bad = await t.rest('POST', `${U}/enroll/verify`, { token: u.accessToken, body: { options: { id: 'x', response: {} } } });
    expect(bad.status).toBe(400);
    const junk = await t.rest('POST', `${U}/enroll/verify`, {
      token: u.accessToken,
      body: { options: { id: 'abc', response: { clientDataJSON: 'bm90IGpzb24', attestationObject: 'AAAA' } } },
    });
    expect(junk.status).toBe(400);
  });
});

describe('WebAuthn as the MFA step of a login', () => {
  it('lists the key in mfaDevices, signs in with an assertion, sets the cookie, and refuses a replay', async () => {
    const u = await signUp(t);
    const { key, device } = await enrolKey(u);
    const r = await login(u);
    expect(r.body).toMatchObject({ mfaRequired: true, mfaDevices: { webauthn: [{ id: device.id, deviceType: 'CrossPlatform', name: 'CrossPlatform' }], authenticators: [] } });
    expect(r.refreshCookie).toBeUndefined();

    const start = await t.rest('POST', `${A}/mfa/webauthn/${device.id}`, { body: { mfaToken: r.body.mfaToken } });
    expect(start.status).toBe(201);
    expect(start.body.options).toMatchObject({ rpId: 'gatehouse.test', allowCredentials: [{ id: key.id, type: 'public-key' }] });
    const assertion = key.get(start.body.options);
    const v = await t.rest('POST', `${A}/mfa/webauthn/${device.id}/verify`, {
      body: { mfaToken: r.body.mfaToken, webauthnToken: start.body.webauthnToken, options: assertion },
    });
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({ tokenType: 'bearer', mfaRequired: false, userId: u.userId, accessToken: expect.any(String) });
    expect(v.refreshCookie).toBe(v.body.refreshToken);
    expect((await t.rest('GET', '/identity/resources/users/v2/me', { token: v.body.accessToken })).status).toBe(200);
    const stored = await t.deps.db.mfaDevice.findUniqueOrThrow({ where: { id: device.id } });
    expect(stored.signCount).toBe(1);
    expect(stored.lastUsedAt).not.toBeNull();

    // The same assertion again: the mfaToken is spent ...
    const again = await t.rest('POST', `${A}/mfa/webauthn/${device.id}/verify`, { body: { mfaToken: r.body.mfaToken, options: assertion } });
    expect(again.status).toBe(401);
    // ... and on a fresh login its challenge is not that login's.
    const fresh = await mfaChallenge(u, device.id);
    const replay = await t.rest('POST', `${A}/mfa/webauthn/${device.id}/verify`, { body: { mfaToken: fresh.mfaToken, options: assertion } });
    expect(replay.status).toBe(400);
    expect(replay.refreshCookie).toBeUndefined();
    // The fresh challenge is still good for a new assertion.
    const ok = await t.rest('POST', `${A}/mfa/webauthn/${device.id}/verify`, { body: { mfaToken: fresh.mfaToken, options: key.get(fresh.start.body.options) } });
    expect(ok.status).toBe(201);
  });

  it('refuses a counter that went backwards, a wrong origin, and an unknown mfaToken', async () => {
    const u = await signUp(t);
    const { key, device } = await enrolKey(u);
    let c = await mfaChallenge(u, device.id);
    expect((await t.rest('POST', `${A}/mfa/webauthn/${device.id}/verify`, { body: { mfaToken: c.mfaToken, options: key.get(c.start.body.options, { counter: 5 }) } })).status).toBe(201);

    // A cloned authenticator shows itself by a counter that did not grow.
    c = await mfaChallenge(u, device.id);
    const cloned = await t.rest('POST', `${A}/mfa/webauthn/${device.id}/verify`, { body: { mfaToken: c.mfaToken, options: key.get(c.start.body.options, { counter: 5 }) } });
    expect(cloned.status).toBe(400);
    expect(cloned.body.errors).toEqual(['WebAuthn verification failed']);
    expect((await t.deps.db.mfaDevice.findUniqueOrThrow({ where: { id: device.id } })).signCount).toBe(5);

    c = await mfaChallenge(u, device.id);
    const evil = await t.rest('POST', `${A}/mfa/webauthn/${device.id}/verify`, { body: { mfaToken: c.mfaToken, options: key.get(c.start.body.options, { origin: 'https://evil.test' }) } });
    expect(evil.status).toBe(400);

    // No pending login, no options.
    expect((await t.rest('POST', `${A}/mfa/webauthn/${device.id}`, { body: { mfaToken: 'not-a-token' } })).status).toBe(401);
  });

  it("refuses another user's device and another user's key", async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const ka = await enrolKey(a);
    const kb = await enrolKey(b);
    const loginB = await login(b);
    // B's pending login cannot ask for A's device.
    const start = await t.rest('POST', `${A}/mfa/webauthn/${ka.device.id}`, { body: { mfaToken: loginB.body.mfaToken } });
    expect(start.status).toBe(404);
    // A's key answering B's challenge for B's device is refused.
    const own = await t.rest('POST', `${A}/mfa/webauthn/${kb.device.id}`, { body: { mfaToken: loginB.body.mfaToken } });
    const wrongKey = await t.rest('POST', `${A}/mfa/webauthn/${kb.device.id}/verify`, { body: { mfaToken: loginB.body.mfaToken, options: ka.key.get(own.body.options) } });
    expect(wrongKey.status).toBe(400);
    // Naming A's device with B's mfaToken finds no challenge bound to it.
    const own2 = await t.rest('POST', `${A}/mfa/webauthn/${kb.device.id}`, { body: { mfaToken: loginB.body.mfaToken } });
    const crossed = await t.rest('POST', `${A}/mfa/webauthn/${ka.device.id}/verify`, { body: { mfaToken: loginB.body.mfaToken, options: ka.key.get(own2.body.options) } });
    expect(crossed.status).toBe(400);
    expect(crossed.refreshCookie).toBeUndefined();
  });

  it('enrols a key during a login that must enrol first, and finishes that login once', async () => {
    const u = await signUp(t);
    // The MFA policy (another module) parks such logins as MFA_ENROLL_AT_LOGIN flows; set one up.
    const mfaToken = `enrol-${uniqueEmail()}`;
    await t.deps.db.authFlow.create({
      data: { kind: 'MFA_ENROLL_AT_LOGIN', userId: u.userId, tokenHash: t.deps.secrets.hashToken(mfaToken), expiresAt: new Date(t.clock.now().getTime() + 600_000) },
    });
    const start = await t.rest('POST', `${A}/mfa/webauthn/enroll`, { body: { mfaToken } });
    expect(start.status).toBe(201);
    expect(start.body.options.user.name).toBe(u.email);
    const key = new SoftwareAuthenticator(BASE, { attachment: 'platform' });
    const v = await t.rest('POST', `${A}/mfa/webauthn/enroll/verify`, {
      body: { mfaToken, webauthnToken: start.body.webauthnToken, deviceType: 'Platform', options: key.create(start.body.options) },
    });
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({ tokenType: 'bearer', userId: u.userId, accessToken: expect.any(String), recoveryCode: expect.stringMatching(/^[A-Z2-7]{10}$/) });
    expect(v.refreshCookie).toBe(v.body.refreshToken);
    expect(await t.deps.db.mfaDevice.findUniqueOrThrow({ where: { credentialId: key.id } })).toMatchObject({ type: 'WEBAUTHN', name: 'Platform', transports: ['internal'] });

    const again = await t.rest('POST', `${A}/mfa/webauthn/enroll`, { body: { mfaToken } });
    expect(again.status).toBe(401);
    // A plain MFA_LOGIN token is not an enrolment token.
    const r = await login(u);
    expect((await t.rest('POST', `${A}/mfa/webauthn/enroll`, { body: { mfaToken: r.body.mfaToken } })).status).toBe(401);
  });
});

describe('disabling a WebAuthn second factor', () => {
  it('needs an assertion from that device; the last factor takes the recovery codes with it', async () => {
    const u = await signUp(t);
    const { key, device } = await enrolKey(u);
    const other = await signUp(t);
    expect((await t.rest('POST', `${U}/${device.id}/disable`, { token: other.accessToken })).status).toBe(404);

    let start = await t.rest('POST', `${U}/${device.id}/disable`, { token: u.accessToken });
    expect(start.status).toBe(200);
    const stranger = new SoftwareAuthenticator(BASE);
    const refused = await t.rest('POST', `${U}/${device.id}/disable/verify`, { token: u.accessToken, body: { options: stranger.get(start.body.options) } });
    expect(refused.status).toBe(400);

    start = await t.rest('POST', `${U}/${device.id}/disable`, { token: u.accessToken });
    const done = await t.rest('POST', `${U}/${device.id}/disable/verify`, { token: u.accessToken, body: { webauthnToken: start.body.webauthnToken, options: key.get(start.body.options) } });
    expect(done.status).toBe(200);
    expect(await t.deps.db.mfaDevice.count({ where: { userId: u.userId } })).toBe(0);
    expect(await t.deps.db.recoveryCode.count({ where: { userId: u.userId } })).toBe(0);
    // Without a second factor the password alone logs in again.
    expect((await login(u)).body.accessToken).toEqual(expect.any(String));
  });
});

describe('passkeys', () => {
  async function registerPasskey(u: User, key = new SoftwareAuthenticator(BASE, { attachment: 'platform' })) {
    const start = await t.rest('POST', P, { token: u.accessToken });
    expect(start.status).toBe(200);
    const v = await t.rest('POST', `${P}/verify`, { token: u.accessToken, body: key.create(start.body.options) });
    expect(v.status).toBe(200);
    return { key, device: v.body };
  }

  it('registers a discoverable, user-verified passkey and lists it', async () => {
    const u = await signUp(t);
    expect((await t.rest('GET', P, { token: u.accessToken })).body).toEqual({ devices: [] });
    const start = await t.rest('POST', P, { token: u.accessToken });
    expect(start.body.options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(Buffer.from(start.body.options.user.id, 'base64url').toString()).toBe(u.userId);

    // Without user verification a passkey is refused.
    const weak = new SoftwareAuthenticator(BASE, { userVerified: false });
    const refused = await t.rest('POST', `${P}/verify`, { token: u.accessToken, body: weak.create(start.body.options) });
    expect(refused.status).toBe(400);

    const { device } = await registerPasskey(u);
    expect(device).toMatchObject({ id: expect.any(String), deviceType: 'Platform', createdAt: expect.any(String) });
    const list = await t.rest('GET', P, { token: u.accessToken });
    expect(list.body.devices).toEqual([expect.objectContaining({ id: device.id, deviceType: 'Platform' })]);
    // A passkey is not a second factor: the password login still needs none.
    expect((await login(u)).body.accessToken).toEqual(expect.any(String));
  });

  it('answers prelogin alike for known and unknown emails', async () => {
    const u = await signUp(t);
    await registerPasskey(u);
    const known = await t.rest('POST', `${PL}/prelogin`, { body: { email: u.email } });
    const unknown = await t.rest('POST', `${PL}/prelogin`, { body: { email: uniqueEmail('nobody') } });
    const none = await t.rest('POST', `${PL}/prelogin`, { body: {} });
    for (const r of [known, unknown, none]) {
      expect(r.status).toBe(201);
      expect(Object.keys(r.body).sort()).toEqual(['options', 'webauthnToken']);
      expect(r.body.options).toMatchObject({ rpId: 'gatehouse.test', allowCredentials: [], userVerification: 'required' });
    }
    const strip = (o: Record<string, unknown>) => ({ ...o, challenge: undefined });
    expect(strip(known.body.options)).toEqual(strip(unknown.body.options));
  });

  it('logs in with a passkey (cookie, no MFA step) and refuses replays, wrong origins, MFA keys and unverified users', async () => {
    const u = await signUp(t);
    await enrolKey(u); // the user also has WebAuthn MFA: a passkey login does not ask for it
    const { key } = await registerPasskey(u);

    const pre = await t.rest('POST', `${PL}/prelogin`, { body: { email: u.email } });
    const assertion = key.get(pre.body.options);
    const r = await t.rest('POST', `${PL}/postlogin`, { body: { ...assertion, recaptchaToken: null } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ tokenType: 'bearer', mfaRequired: false, userId: u.userId, accessToken: expect.any(String) });
    expect(r.refreshCookie).toBe(r.body.refreshToken);

    const replay = await t.rest('POST', `${PL}/postlogin`, { body: assertion });
    expect(replay.status).toBe(400);
    expect(replay.refreshCookie).toBeUndefined();

    let p = await t.rest('POST', `${PL}/prelogin`, { body: {} });
    expect((await t.rest('POST', `${PL}/postlogin`, { body: key.get(p.body.options, { origin: 'https://evil.test' }) })).status).toBe(400);
    p = await t.rest('POST', `${PL}/prelogin`, { body: {} });
    expect((await t.rest('POST', `${PL}/postlogin`, { body: key.get(p.body.options, { userVerified: false }) })).status).toBe(400);
    p = await t.rest('POST', `${PL}/prelogin`, { body: {} });
    expect((await t.rest('POST', `${PL}/postlogin`, { body: key.get(p.body.options, { rpId: 'evil.test' }) })).status).toBe(400);

    // An MFA security key is not a passkey.
    const mfa = await enrolKey(u);
    p = await t.rest('POST', `${PL}/prelogin`, { body: {} });
    expect((await t.rest('POST', `${PL}/postlogin`, { body: mfa.key.get(p.body.options) })).status).toBe(400);

    // Nested under `options` works too (and the passkey still works after the refusals above).
    p = await t.rest('POST', `${PL}/prelogin`, { body: {} });
    const nested = await t.rest('POST', `${PL}/postlogin`, { body: { options: key.get(p.body.options) } });
    expect(nested.status).toBe(201);
  });

  it("deletes only the caller's own passkeys, and a deleted passkey no longer logs in", async () => {
    const u = await signUp(t);
    const other = await signUp(t);
    const { key, device } = await registerPasskey(u);
    expect((await t.rest('DELETE', `${P}/${device.id}`, { token: other.accessToken })).status).toBe(404);
    expect((await t.rest('DELETE', `${P}/${device.id}`, { token: u.accessToken })).status).toBe(200);
    expect((await t.rest('DELETE', `${P}/${device.id}`, { token: u.accessToken })).status).toBe(404);
    expect((await t.rest('GET', P, { token: u.accessToken })).body).toEqual({ devices: [] });
    const p = await t.rest('POST', `${PL}/prelogin`, { body: {} });
    expect((await t.rest('POST', `${PL}/postlogin`, { body: key.get(p.body.options) })).status).toBe(400);
  });
});

describe('relying-party configuration', () => {
  it('defaults to the app URL host and origin, takes the issuer origin when it is under the RP id, and refuses foreign origins', () => {
    const split = { GATEHOUSE_ISSUER: 'https://auth.example.com', GATEHOUSE_APP_URL: 'https://app.example.com/' };
    expect(loadConfig(split).webauthn).toEqual({ rpId: 'app.example.com', rpName: 'Gatehouse', origins: ['https://app.example.com'] });
    expect(loadConfig({ ...split, GATEHOUSE_WEBAUTHN_RP_ID: 'example.com' }).webauthn.origins).toEqual(['https://app.example.com', 'https://auth.example.com']);
    expect(loadConfig({ GATEHOUSE_WEBAUTHN_RP_ID: 'example.com', GATEHOUSE_WEBAUTHN_ORIGINS: 'https://a.example.com, https://example.com/' }).webauthn.origins).toEqual([
      'https://a.example.com',
      'https://example.com',
    ]);
    expect(() => loadConfig({ GATEHOUSE_WEBAUTHN_RP_ID: 'example.com', GATEHOUSE_WEBAUTHN_ORIGINS: 'https://evil-example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...split, GATEHOUSE_WEBAUTHN_RP_ID: 'other.org' })).toThrow(/GATEHOUSE_WEBAUTHN_ORIGINS/);
  });
});
