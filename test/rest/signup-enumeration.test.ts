// Sign-up must not tell whether an email is registered whenever the answer is "activate by email"
// (forceEmailVerification, a sign-up without a password, and by default every sign-up: see
// test/security/enumeration.test.ts): a known email answers exactly like a new one, writes
// nothing, and mails the owner a notice. This file runs with GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN (the
// test default), where a sign-up with a password answers with a session and a duplicate with 409.
// Mail goes over SMTP to a real local server. Also the vendor's sign-up settings over GraphQL.
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const APP_URL = 'https://app.example.test';
const SIGN_UP = '/identity/resources/users/v1/signUp';
const doc = (source: string) => parse(source) as unknown as TypedDocumentNode<any, any>;
const SETTINGS = doc('query { vendorSettings { allowSignUps forceEmailVerification } }');
const UPDATE = doc(`mutation($input: UpdateVendorSettingsInput!) {
  updateVendorSettings(input: $input) {
    ... on VendorSettings { allowSignUps forceEmailVerification }
    ... on Error { __typename code }
  }
}`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

async function setForceEmailVerification(on: boolean) {
  const r = await t.gql(UPDATE, { input: { forceEmailVerification: on } }, { token: await t.vendorToken() });
  expect(r.data.updateVendorSettings).toEqual({ allowSignUps: true, forceEmailVerification: on });
}

const shape = (body: Record<string, unknown>) => Object.fromEntries(Object.keys(body).sort().map((k) => [k, typeof body[k]]));

describe('vendor sign-up settings', () => {
  it('are read and changed by the vendor only', async () => {
    const vendor = await t.vendorToken();
    expect((await t.gql(SETTINGS, {}, { token: vendor })).data.vendorSettings).toEqual({ allowSignUps: true, forceEmailVerification: false });

    const user = await signUp(t);
    const denied = await t.gql(UPDATE, { input: { allowSignUps: false } }, { token: user.accessToken });
    expect(denied.data.updateVendorSettings).toEqual({ __typename: 'ForbiddenError', code: 'auth_forbidden' });
    const read = await t.gql(SETTINGS, {}, { token: user.accessToken });
    expect(read.errors?.length).toBeGreaterThan(0);
    expect((await t.deps.db.vendorSettings.findUnique({ where: { id: 1 } }))!.allowSignUps).toBe(true);

    // A field left out stays as it was.
    const off = await t.gql(UPDATE, { input: { allowSignUps: false } }, { token: vendor });
    expect(off.data.updateVendorSettings).toEqual({ allowSignUps: false, forceEmailVerification: false });
    try {
      const r = await t.rest('POST', SIGN_UP, { body: { email: uniqueEmail(), password: 'a long enough passphrase', companyName: 'Closed' } });
      expect(r.status).toBe(403);
      expect(r.body.errorCode).toBe('signup_disabled');
    } finally {
      await t.gql(UPDATE, { input: { allowSignUps: true } }, { token: vendor });
    }
  });
});

describe('sign-up without account enumeration (forceEmailVerification on)', () => {
  it('answers a known email exactly like a new one, writes nothing, and mails the owner a notice', async () => {
    const existing = await signUp(t, { companyName: 'Original' });
    await setForceEmailVerification(true);
    try {
      const fresh = uniqueEmail('fresh');
      const body = (email: string) => ({ email, password: 'a long enough passphrase', companyName: 'Probe', provider: 'local' });

      const unknown = await t.rest('POST', SIGN_UP, { body: body(fresh) });
      // The activation token is written by the queued mail task: let it finish before counting.
      await t.tasks.drain();
      const counts = async () => ({
        tenants: await t.deps.db.tenant.count(),
        users: await t.deps.db.user.count(),
        tokens: await t.deps.db.oneTimeToken.count(),
      });
      const before = await counts();
      const userBefore = await t.deps.db.user.findUnique({ where: { id: existing.userId } });
      const credentialBefore = await t.deps.db.passwordCredential.findUnique({ where: { userId: existing.userId } });
      const known = await t.rest('POST', SIGN_UP, { body: body(existing.email.toUpperCase()) });
      await t.tasks.drain();

      expect(known.status).toBe(unknown.status);
      expect(unknown.status).toBe(201);
      expect(unknown.body).toEqual({ shouldActivate: true, userId: expect.stringMatching(UUID), tenantId: expect.stringMatching(UUID) });
      expect(known.body).toEqual({ shouldActivate: true, userId: expect.stringMatching(UUID), tenantId: expect.stringMatching(UUID) });
      expect(shape(known.body)).toEqual(shape(unknown.body));
      expect(known.refreshCookie).toBeUndefined();
      expect(known.refreshCookie).toBe(unknown.refreshCookie);

      // Nothing written, and the ids answered exist nowhere.
      expect(await counts()).toEqual(before);
      expect(known.body.userId).not.toBe(existing.userId);
      expect(await t.deps.db.user.findUnique({ where: { id: known.body.userId } })).toBeNull();
      expect(await t.deps.db.tenant.findUnique({ where: { id: known.body.tenantId } })).toBeNull();
      expect(await t.deps.db.tenant.count({ where: { name: 'Probe' } })).toBe(1);

      // The new user gets an activation link; the owner of the known address gets a notice, no link to act on.
      expect((await smtp.next(fresh)).subject).toBe('Activate your account');
      const notice = await smtp.next(existing.email);
      expect(notice.subject).toBe('Someone tried to create an account with your address');
      expect(notice.text).toContain('reset your password');
      expect(linkIn(notice, '/account/login').origin).toBe(APP_URL);
      expect(notice.text).not.toContain('token=');

      // The existing account is untouched: same row, same password hash, one membership.
      expect(await t.deps.db.user.findUnique({ where: { id: existing.userId } })).toEqual(userBefore);
      expect(await t.deps.db.passwordCredential.findUnique({ where: { userId: existing.userId } })).toEqual(credentialBefore);
      expect(await t.deps.db.userTenant.count({ where: { userId: existing.userId } })).toBe(1);

      // The made-up ids activate nothing.
      const strategy = await t.rest('GET', `/identity/resources/users/v1/activate/strategy?userId=${known.body.userId}&token=x`);
      expect(strategy.status).not.toBe(200);
    } finally {
      await setForceEmailVerification(false);
    }
  });

  it('answers alike without a password too', async () => {
    const existing = await signUp(t);
    await setForceEmailVerification(true);
    try {
      const unknown = await t.rest('POST', SIGN_UP, { body: { email: uniqueEmail('nopw'), companyName: 'NoPw' } });
      const known = await t.rest('POST', SIGN_UP, { body: { email: existing.email, companyName: 'NoPw' } });
      expect(known.status).toBe(201);
      expect(unknown.status).toBe(201);
      expect(shape(known.body)).toEqual(shape(unknown.body));
      expect((await smtp.next(existing.email)).subject).toBe('Someone tried to create an account with your address');
    } finally {
      await setForceEmailVerification(false);
    }
  });

  it('answers a known email like a new one without a password, even when sign-up with one logs in at once', async () => {
    const existing = await signUp(t);
    const unknown = await t.rest('POST', SIGN_UP, { body: { email: uniqueEmail('nopw'), companyName: 'NoPw' } });
    const known = await t.rest('POST', SIGN_UP, { body: { email: existing.email, companyName: 'NoPw' } });
    expect(unknown.status).toBe(201);
    expect(known.status).toBe(201);
    expect(known.body).toEqual({ shouldActivate: true, userId: expect.stringMatching(UUID), tenantId: expect.stringMatching(UUID) });
    expect(shape(known.body)).toEqual(shape(unknown.body));
    expect((await smtp.next(existing.email)).subject).toBe('Someone tried to create an account with your address');
  });

  it('still answers 409 for a known email when sign-up logs in at once (forceEmailVerification off)', async () => {
    const existing = await signUp(t);
    const sent = smtp.count(existing.email);
    const r = await t.rest('POST', SIGN_UP, { body: { email: existing.email, password: 'a long enough passphrase', companyName: 'Dup' } });
    expect(r.status).toBe(409);
    expect(r.body.errorCode).toBe('user_already_exists');
    await t.tasks.drain();
    expect(smtp.count(existing.email)).toBe(sent);
  });
});
