// What only parallel tests covered: single-use credentials used twice in sequence (a recovery
// code, an invite link with maxUses 1), and a scan that no GraphQL field or REST response hands
// out a stored hash, secret or ciphertext.
import { getNamedType, isInterfaceType, isObjectType, parse, type GraphQLNamedType } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.ts';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const MFA = '/identity/resources/users/v1/mfa';
const AUTH = '/identity/resources/auth/v1/user';
const codeNow = (secret: string) => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });

async function enrol(token: string, userId: string) {
  expect((await t.rest('POST', `${MFA}/authenticator/enroll`, { token })).status).toBe(200);
  const d = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId, type: 'TOTP', verifiedAt: null } });
  const secret = t.deps.secrets.decrypt(d.secretEncrypted!);
  const v = await t.rest('POST', `${MFA}/authenticator/enroll/verify`, { token, body: { token: await codeNow(secret) } });
  expect(v.status).toBe(200);
  (t.clock as ManualClock).advance(30_000);
  return v.body.recoveryCode as string;
}

describe('single use, in sequence', () => {
  it('a recovery code works once: the same code right after a successful use is refused', async () => {
    const u = await signUp(t);
    const recoveryCode = await enrol(u.accessToken, u.userId);
    const first = await t.rest('POST', `${AUTH}/mfa/recover`, { body: { email: u.email, recoveryCode } });
    expect(first.status).toBe(200);
    const again = await t.rest('POST', `${AUTH}/mfa/recover`, { body: { email: u.email, recoveryCode } });
    expect(again.status).toBe(400);
    // Enrolled again, the used code opens neither the recovery nor the device path.
    await enrol(u.accessToken, u.userId);
    expect((await t.rest('POST', `${AUTH}/mfa/recover`, { body: { email: u.email, recoveryCode } })).status).toBe(400);
    const device = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId } });
    const disable = await t.rest('POST', `${MFA}/authenticator/${device.id}/disable/verify`, { token: u.accessToken, body: { token: recoveryCode } });
    expect(disable.status).toBeGreaterThanOrEqual(400);
    expect(await t.deps.db.mfaDevice.count({ where: { userId: u.userId } })).toBe(1);
  });

  it('an invite link with maxUses 1 admits one sign-up, then refuses the next', async () => {
    const admin = await signUp(t);
    const invite = await t.rest('POST', '/identity/resources/tenants/invites/v1', { token: admin.accessToken, body: { tenantId: admin.tenantId, maxUses: 1 } });
    expect(invite.status).toBe(201);
    const join = (email: string) =>
      t.rest('POST', '/identity/resources/users/v1/signUp', {
        body: { email, password: 'joiner passphrase', companyName: 'Ignored', provider: 'local', invitationToken: invite.body.token },
      });
    expect((await join(uniqueEmail('first'))).status).toBe(201);
    const secondEmail = uniqueEmail('second');
    const second = await join(secondEmail);
    expect(second.status).toBe(400);
    expect(second.body.errorCode).toBe('tenant_invite_invalid');
    expect(await t.deps.db.user.findUnique({ where: { email: secondEmail } })).toBeNull();
    // Nor does an existing user get in by logging in with it.
    const other = await signUp(t);
    const login = await t.rest('POST', AUTH, { body: { email: other.email, password: other.password, invitationToken: invite.body.token } });
    expect(login.status).toBe(400);
    expect((await t.deps.db.invitation.findUniqueOrThrow({ where: { id: invite.body.id } })).uses).toBe(1);
    expect(await t.deps.db.userTenant.count({ where: { tenantId: admin.tenantId } })).toBe(2);
  });
});

/** Field names that would carry a stored credential (or a token made from one). */
const SECRET_NAME = /hash|secret|password|seed|encrypted|cipher|privateKey|private_key|salt|token|^jwk$/i;

/**
 * Every object field whose name matches and whose type can carry a value (a String, ID or JSON;
 * not a Boolean or Int fact such as hasSecret, nor an object such as CreatedApiToken.token). None returns a stored value: each is a
 * one-time value made for its caller at that moment, while the database keeps only its hash or
 * ciphertext (or nothing). A new field here must be one of those, listed with the reason.
 */
const ALLOWED: Record<string, string> = {
  'AccountLink.token': 'vendor-requested one-time activation/reset link token; stored hashed (OneTimeToken)',
  'ApiTokenAccessToken.accessToken': 'JWT issued by the API-token exchange just now',
  'ApiTokenAccessToken.refreshToken': 'refresh token issued by the exchange just now; stored hashed',
  'AuthResponse.accessToken': 'JWT of the session just started',
  'AuthResponse.refreshToken': 'refresh token of the session just started; stored hashed',
  'AuthResponse.tokenType': 'the constant "Bearer" (RFC 6749 token_type)',
  'CreatedAccessToken.secret': 'new access token, shown once at creation; stored hashed',
  'CreatedApiToken.secret': 'new client secret, shown once at creation; stored hashed',
  // The only place an OAuth client secret's value appears; ApplicationSecret rows keep secrets.hashToken(value).
  'CreatedApplicationSecret.secret': 'new OAuth client secret, shown once at creation; stored as a keyed hash',
  'MfaEmailCodeSent.otcToken': 'handle of the code challenge just sent (not the code); the flow row is hashed',
  'PhoneNumberAdded.otcToken': 'handle of the verification code just sent (not the code)',
  'PhoneNumberDeletion.otcToken': 'handle of the deletion code just sent (not the code)',
  'SmsCodeSent.otcToken': 'handle of the SMS code just sent (not the code)',
  'MfaRequired.mfaToken': 'handle of the MFA step of this login, short-lived',
  'PasswordExpired.resetPasswordToken': 'reset token made for this login whose password expired; stored hashed',
  'SmsPasswordResetToken.token': 'reset token made after the SMS code was verified; stored hashed',
  'TenantInvite.token': 'invite link token, returned only by the create call (null in listings); stored hashed',
  'VendorToken.token': 'vendor JWT issued by the credential exchange just now',
  'WebAuthnChallenge.webauthnToken': 'handle of the WebAuthn ceremony just started (its challenge is stored hashed)',
};

function matchingFields() {
  const out: string[] = [];
  for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
    if (type.name.startsWith('__') || type.name === 'Query' || type.name === 'Mutation') continue;
    if (!(isObjectType(type) || isInterfaceType(type))) continue;
    for (const f of Object.values(type.getFields())) {
      const leaf = getNamedType(f.type).name;
      if (SECRET_NAME.test(f.name) && ['String', 'ID', 'JSONObject'].includes(leaf)) out.push(`${type.name}.${f.name}`);
    }
  }
  return out.sort();
}

describe('no stored hash, secret or ciphertext leaves', () => {
  it('every GraphQL field named like a credential is a listed one-time value (justified above)', () => {
    const fields = matchingFields();
    expect(fields.filter((f) => !(f in ALLOWED)), 'a new credential-like field: return a one-time value only, then list it in ALLOWED with why').toEqual([]);
    expect(Object.keys(ALLOWED).filter((f) => !fields.includes(f)), 'ALLOWED names a field that is gone').toEqual([]);
  });

  it('listings and reads over REST and GraphQL carry none of the stored hashes or ciphertexts', async () => {
    const vendor = await t.vendorToken();
    const u = await signUp(t);
    await enrol(u.accessToken, u.userId);
    const adminRole = await t.deps.db.role.findFirstOrThrow({ where: { tenantId: null, key: 'Admin' } });
    expect((await t.rest('POST', '/identity/resources/tenants/api-tokens/v1', { token: u.accessToken, body: { description: 'scan', roleIds: [adminRole.id] } })).status).toBeLessThan(300);
    expect((await t.rest('POST', '/identity/resources/users/api-tokens/v1', { token: u.accessToken, body: { description: 'scan' } })).status).toBeLessThan(300);
    expect((await t.rest('POST', '/identity/resources/tenants/invites/v1', { token: u.accessToken, body: { tenantId: u.tenantId } })).status).toBe(201);

    // Every stored credential of the installation, read from the database.
    const db = t.deps.db;
    const stored = [
      ...(await db.passwordCredential.findMany()).map((p) => p.hash),
      ...(await db.mfaDevice.findMany()).map((d) => d.secretEncrypted),
      ...(await db.recoveryCode.findMany()).map((c) => c.codeHash),
      ...(await db.apiToken.findMany()).flatMap((a) => Object.entries(a).filter(([k]) => /hash|secret|encrypted/i.test(k)).map(([, v]) => v)),
      ...(await db.invitation.findMany()).map((i) => i.tokenHash),
      ...(await db.refreshToken.findMany()).flatMap((r) => Object.entries(r).filter(([k]) => /hash/i.test(k)).map(([, v]) => v)),
      ...(await db.oneTimeToken.findMany()).flatMap((o) => Object.entries(o).filter(([k]) => /hash/i.test(k)).map(([, v]) => v)),
      ...(await db.signingKey.findMany()).flatMap((k) => Object.entries(k).filter(([n]) => /private|secret|encrypted/i.test(n)).map(([, v]) => (typeof v === 'string' ? v : JSON.stringify(v)))),
    ].filter((v): v is string => typeof v === 'string' && v.length >= 16);
    expect(stored.length).toBeGreaterThan(5);

    const asUser = { token: u.accessToken };
    const asVendor = { token: vendor, headers: { 'frontegg-tenant-id': u.tenantId, 'frontegg-user-id': u.userId } };
    const reads: Array<[string, string, typeof asUser]> = [
      ['GET', '/identity/resources/users/v2/me', asUser],
      ['GET', '/identity/resources/users/v3/me/tenants', asUser],
      ['GET', '/identity/resources/users/v3', asUser],
      ['GET', '/identity/resources/users/v3', asVendor],
      ['GET', `/identity/resources/users/v1/${u.userId}`, asVendor],
      ['GET', '/identity/resources/tenants/api-tokens/v1', asUser],
      ['GET', '/identity/resources/users/api-tokens/v1', asUser],
      ['GET', '/identity/resources/tenants/invites/v1/all', asUser],
      ['GET', '/identity/resources/users/sessions/v1/me', asUser],
      ['GET', '/identity/resources/roles/v2', asUser],
      ['GET', '/.well-known/jwks.json', asUser],
    ];
    for (const [method, path, o] of reads) {
      const r = await t.rest(method, path, o);
      expect(r.status, `${method} ${path}`).toBe(200);
      const text = JSON.stringify(r.body ?? '');
      for (const s of stored) expect(text.includes(s), `${method} ${path} exposes a stored credential`).toBe(false);
    }
    const gql = parse(`{ me { id email tenants { tenantId } }
      users(first: 50) { edges { node { id email } } }
      tenantApiTokens { id description createdAt }
      myApiTokens { id description }
      mySessions { id } }`) as TypedDocumentNode<any, any>;
    const g = await t.gql(gql, {}, asUser);
    expect(g.errors).toBeUndefined();
    const text = JSON.stringify(g);
    for (const s of stored) expect(text.includes(s), 'a GraphQL read exposes a stored credential').toBe(false);
  });
});
