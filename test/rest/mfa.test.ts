// Authenticator-app MFA over the Frontegg REST paths: enrolment, MFA at login, disabling,
// recovery, vendor unenrolment, bypass — and the GraphQL login union.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { generate } from 'otplib';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const STEP_MS = 30_000;
const advance = (ms: number) => (t.clock as ManualClock).advance(ms);
/** The code an authenticator app shows at the gatehouse clock's time. */
const codeNow = (secret: string) => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
const U = '/identity/resources/users/v1/mfa';
const A = '/identity/resources/auth/v1/user';

/** The pending TOTP secret, read the way the server holds it (encrypted at rest). */
async function pendingSecret(userId: string) {
  const d = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId, type: 'TOTP', verifiedAt: null } });
  expect(d.secretEncrypted).toBeTruthy();
  return t.deps.secrets.decrypt(d.secretEncrypted!);
}

/** Enrols an authenticator for the user and moves past the step the enrolment code used. */
async function enrol(token: string, userId: string) {
  const e = await t.rest('POST', `${U}/authenticator/enroll`, { token });
  expect(e.status).toBe(200);
  const secret = await pendingSecret(userId);
  const v = await t.rest('POST', `${U}/authenticator/enroll/verify`, { token, body: { token: await codeNow(secret) } });
  expect(v.status).toBe(200);
  advance(STEP_MS);
  return { secret, recoveryCode: v.body.recoveryCode as string };
}

const login = (u: { email: string; password: string }) => t.rest('POST', A, { body: { email: u.email, password: u.password } });

describe('authenticator enrolment', () => {
  it('returns a QR code, keeps the secret encrypted, and confirms with a code, issuing recovery codes', async () => {
    const u = await signUp(t);
    const e = await t.rest('POST', `${U}/authenticator/enroll`, { token: u.accessToken });
    expect(e.status).toBe(200);
    expect(Object.keys(e.body)).toEqual(['qrCode']);
    expect(e.body.qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
    const secret = await pendingSecret(u.userId);
    const row = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId } });
    expect(row.secretEncrypted).not.toContain(secret);

    const wrong = await t.rest('POST', `${U}/authenticator/enroll/verify`, { token: u.accessToken, body: { token: '000000' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual(['Invalid MFA code']);

    const v = await t.rest('POST', `${U}/authenticator/enroll/verify`, { token: u.accessToken, body: { token: await codeNow(secret) } });
    expect(v.status).toBe(200);
    expect(v.body.recoveryCode).toMatch(/^[A-Z2-7]{10}$/);
    const codes = await t.deps.db.recoveryCode.findMany({ where: { userId: u.userId } });
    expect(codes).toHaveLength(10);
    expect(codes.map((c) => c.codeHash)).toContain(t.deps.secrets.hashToken(v.body.recoveryCode));
    expect(codes.map((c) => c.codeHash)).not.toContain(v.body.recoveryCode);
    expect((await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId } })).verifiedAt).not.toBeNull();

    // A second authenticator is refused while one is enrolled.
    const again = await t.rest('POST', `${U}/enroll`, { token: u.accessToken });
    expect(again.status).toBe(409);
  });

  it('needs a token and refuses to verify without a pending enrolment', async () => {
    expect((await t.rest('POST', `${U}/authenticator/enroll`)).status).toBe(401);
    const u = await signUp(t);
    const r = await t.rest('POST', `${U}/enroll/verify`, { token: u.accessToken, body: { token: '123456' } });
    expect(r.status).toBe(404);
  });
});

describe('MFA at login', () => {
  it('answers mfaRequired with no tokens and no cookie, then the code starts the session (once)', async () => {
    const u = await signUp(t);
    const { secret } = await enrol(u.accessToken, u.userId);
    const device = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId } });

    const r = await login(u);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      mfaRequired: true,
      mfaToken: expect.any(String),
      userId: u.userId,
      mfaDevices: { authenticators: [{ id: device.id }], phones: [], webauthn: [], emails: [] },
      mfaStrategies: { AuthenticatorApp: true },
    });
    expect(r.body.accessToken).toBeUndefined();
    expect(r.body.refreshToken).toBeUndefined();
    expect(r.refreshCookie).toBeUndefined();
    // Only the hash of the mfaToken is stored.
    const flow = await t.deps.db.authFlow.findUniqueOrThrow({ where: { tokenHash: t.deps.secrets.hashToken(r.body.mfaToken) } });
    expect(flow).toMatchObject({ kind: 'MFA_LOGIN', userId: u.userId, attempts: 0, completedAt: null });

    const v = await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: r.body.mfaToken, value: await codeNow(secret), rememberDevice: false } });
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({ tokenType: 'bearer', mfaRequired: false, userId: u.userId, accessToken: expect.any(String) });
    expect(v.refreshCookie).toBe(v.body.refreshToken);
    const me = await t.rest('GET', '/identity/resources/users/v2/me', { token: v.body.accessToken });
    expect(me.status).toBe(200);

    // The mfaToken is single use.
    advance(STEP_MS);
    const reuse = await t.rest('POST', `${A}/mfa/verify`, { body: { mfaToken: r.body.mfaToken, value: await codeNow(secret) } });
    expect(reuse.status).toBe(401);
    expect(reuse.refreshCookie).toBeUndefined();
  });

  it('verifies against a named authenticator, and refuses an unknown device', async () => {
    const u = await signUp(t);
    const { secret } = await enrol(u.accessToken, u.userId);
    const device = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId } });
    const r = await login(u);
    const other = await t.rest('POST', `${A}/mfa/authenticator/not-a-device/verify`, { body: { mfaToken: r.body.mfaToken, value: await codeNow(secret) } });
    expect(other.status).toBe(400);
    const ok = await t.rest('POST', `${A}/mfa/authenticator/${device.id}/verify`, { body: { mfaToken: r.body.mfaToken, value: await codeNow(secret) } });
    expect(ok.status).toBe(201);
    expect(ok.body.accessToken).toEqual(expect.any(String));
  });

  it('does not ask users with mfaBypass for a second factor', async () => {
    const admin = await signUp(t);
    const vendor = await t.vendorToken();
    const email = uniqueEmail('bypass');
    const password = 'a long enough passphrase';
    const created = await t.rest('POST', '/identity/resources/vendor-only/users/v1', {
      token: vendor,
      body: { tenantId: admin.tenantId, email, password, mfaBypass: true },
    });
    expect(created.status).toBe(201);
    const first = await login({ email, password });
    expect(first.status).toBe(200);
    await enrol(first.body.accessToken, created.body.id);
    const again = await login({ email, password });
    expect(again.body).toMatchObject({ mfaRequired: false, accessToken: expect.any(String) });
    expect(again.refreshCookie).toBe(again.body.refreshToken);
  });
});

describe('disabling the authenticator', () => {
  it('requires a valid code, then login no longer asks for MFA', async () => {
    const u = await signUp(t);
    const { secret } = await enrol(u.accessToken, u.userId);
    const wrong = await t.rest('POST', `${U}/disable`, { token: u.accessToken, body: { token: '000000' } });
    expect(wrong.status).toBe(400);
    expect(await t.deps.db.mfaDevice.count({ where: { userId: u.userId } })).toBe(1);
    const missing = await t.rest('POST', `${U}/disable`, { token: u.accessToken, body: {} });
    expect(missing.status).toBe(400);

    const ok = await t.rest('POST', `${U}/disable`, { token: u.accessToken, body: { token: await codeNow(secret) } });
    expect(ok.status).toBe(200);
    expect(await t.deps.db.mfaDevice.count({ where: { userId: u.userId } })).toBe(0);
    expect(await t.deps.db.recoveryCode.count({ where: { userId: u.userId } })).toBe(0);
    expect((await login(u)).body).toMatchObject({ mfaRequired: false, accessToken: expect.any(String) });
  });

  it('accepts a recovery code on the device path, once', async () => {
    const u = await signUp(t);
    const { recoveryCode } = await enrol(u.accessToken, u.userId);
    const device = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId } });
    const path = `${U}/authenticator/${device.id}/disable/verify`;
    expect((await t.rest('POST', `${U}/authenticator/nope/disable/verify`, { token: u.accessToken, body: { token: recoveryCode } })).status).toBe(404);
    const ok = await t.rest('POST', path, { token: u.accessToken, body: { token: recoveryCode.toLowerCase() } });
    expect(ok.status).toBe(200);
    expect(await t.deps.db.mfaDevice.count({ where: { userId: u.userId } })).toBe(0);
  });
});

describe('recovery and vendor unenrolment', () => {
  it('a recovery code removes MFA once; unknown email and used code answer alike', async () => {
    const u = await signUp(t);
    const { recoveryCode } = await enrol(u.accessToken, u.userId);
    const unknown = await t.rest('POST', `${A}/mfa/recover`, { body: { email: uniqueEmail(), recoveryCode } });
    expect(unknown.status).toBe(400);
    const ok = await t.rest('POST', `${A}/mfa/recover`, { body: { email: u.email, recoveryCode } });
    expect(ok.status).toBe(200);
    expect((await login(u)).body).toMatchObject({ mfaRequired: false, accessToken: expect.any(String) });

    // Enrolled again, the old code is gone for good.
    await enrol(u.accessToken, u.userId);
    const reused = await t.rest('POST', `${A}/mfa/recover`, { body: { email: u.email, recoveryCode } });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual(unknown.body);
    expect((await login(u)).body.mfaRequired).toBe(true);
  });

  it('lets only the vendor unenrol a user', async () => {
    const u = await signUp(t);
    await enrol(u.accessToken, u.userId);
    const path = `/identity/resources/vendor-only/users/v1/${u.userId}/mfa/unenroll`;
    expect((await t.rest('POST', path, { token: u.accessToken })).status).toBe(403);
    const r = await t.rest('POST', path, { token: await t.vendorToken() });
    expect(r.status).toBe(200);
    expect((await login(u)).body.mfaRequired).toBe(false);
    expect((await t.rest('POST', '/identity/resources/vendor-only/users/v1/nobody/mfa/unenroll', { token: await t.vendorToken() })).status).toBe(404);
  });
});

describe('GraphQL', () => {
  const doc = <D, V>(s: string) => parse(s) as unknown as TypedDocumentNode<D, V>;
  const ENROL = doc<any, any>('mutation { enrollAuthenticatorMfa { __typename ... on AuthenticatorEnrollment { qrCode otpauthUri } } }');
  const VERIFY_ENROL = doc<any, any>(
    'mutation($token: String!) { verifyAuthenticatorMfaEnrollment(token: $token) { __typename ... on MfaEnrollmentResult { recoveryCode recoveryCodes } } }',
  );
  const LOGIN = doc<any, any>(
    'mutation($input: LoginInput!) { login(input: $input) { __typename ... on MfaRequired { mfaToken mfaStrategies } ... on AuthResponse { accessToken } ... on Error { code } } }',
  );
  const VERIFY = doc<any, any>(
    'mutation($input: MfaLoginInput!) { verifyMfaLogin(input: $input) { __typename ... on AuthResponse { accessToken } ... on Error { code } } }',
  );

  it('enrols with the otpauth URI and answers login with the MfaRequired member', async () => {
    const u = await signUp(t);
    const e = await t.gql(ENROL, {}, { token: u.accessToken });
    const uri = new URL(e.data.enrollAuthenticatorMfa.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('issuer')).toBe('Gatehouse');
    expect(decodeURIComponent(uri.pathname)).toContain(u.email);
    const secret = uri.searchParams.get('secret')!;
    const v = await t.gql(VERIFY_ENROL, { token: await codeNow(secret) }, { token: u.accessToken });
    expect(v.data.verifyAuthenticatorMfaEnrollment.recoveryCodes).toHaveLength(10);
    expect(new Set(v.data.verifyAuthenticatorMfaEnrollment.recoveryCodes).size).toBe(10);
    advance(STEP_MS);

    const bad = await t.gql(LOGIN, { input: { email: u.email, password: 'wrong password' } });
    expect(bad.data.login).toMatchObject({ __typename: 'InvalidCredentialsError', code: 'auth_invalid_credentials' });
    const r = await t.gql(LOGIN, { input: { email: u.email, password: u.password } });
    expect(r.data.login).toMatchObject({ __typename: 'MfaRequired', mfaStrategies: ['AuthenticatorApp'] });
    expect(r.refreshCookie).toBeUndefined();
    const wrong = await t.gql(VERIFY, { input: { mfaToken: r.data.login.mfaToken, value: '12345x' } });
    expect(wrong.data.verifyMfaLogin).toMatchObject({ __typename: 'InvalidCredentialsError', code: 'mfa_code_invalid' });
    const ok = await t.gql(VERIFY, { input: { mfaToken: r.data.login.mfaToken, value: await codeNow(secret) } });
    expect(ok.data.verifyMfaLogin.__typename).toBe('AuthResponse');
    expect(ok.refreshCookie).toBeTruthy();
  });
});
