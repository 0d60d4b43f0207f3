// No oracle, no enumeration: a locked account verifies no password, a registered email signs up
// like a new one, and the reset / magic-link / login-code requests run the same statements for
// known and unknown addresses (the mail is queued). The task queue is held here, so what a request
// did by itself can be told apart from the work it queued. Timing is measured outside the suite.
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { createHeldTaskQueue, type HeldTaskQueue } from '../helpers/held-tasks.ts';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const APP_URL = 'https://app.example.test';
const SIGN_UP = '/identity/resources/users/v1/signUp';
const LOGIN = '/identity/resources/auth/v1/user';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const doc = (source: string) => parse(source) as unknown as TypedDocumentNode<any, any>;
const GQL_LOGIN = doc(`mutation($input: LoginInput!) { login(input: $input) { __typename ... on Error { code message } } }`);
const GQL_VERIFY = doc(`mutation($email: String!, $password: String!) {
  verifyUserPassword(email: $email, password: $password) { __typename ... on Error { code message } }
}`);

let t: TestGatehouse;
let smtp: TestSmtp;
let tasks: HeldTaskQueue;
beforeAll(async () => {
  smtp = await startSmtp();
  tasks = createHeldTaskQueue();
  // The default sign-up mode (no GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN): activation first.
  t = await startGatehouse({ GATEHOUSE_SMTP_URL: smtp.url, GATEHOUSE_APP_URL: APP_URL, GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN: 'false' }, { tasks });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

/** A registered user with a password (signed up in the default mode: the account exists at once). */
async function registered() {
  const email = uniqueEmail('known');
  const password = 'a long enough passphrase';
  const r = await t.rest('POST', SIGN_UP, { body: { email, password, companyName: 'Known', provider: 'local' } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  await tasks.drain();
  if (r.body.shouldActivate) await smtp.next(email);
  const user = await t.deps.db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  return { email, password, userId: user.id };
}

/** The SQL a call sent, in order; parameters are not part of the text, so two addresses compare equal. */
async function statementsOf<T>(call: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  t.queries.length = 0;
  const result = await call();
  return { result, statements: [...t.queries] };
}

/** Records which hashes the hasher verifies against (null: the dummy hash of an unknown user). */
function spyVerify() {
  const hashes: Array<string | null> = [];
  const original = t.deps.hasher.verify;
  t.deps.hasher.verify = (hash, password) => {
    hashes.push(hash);
    return original(hash, password);
  };
  return { hashes, restore: () => void (t.deps.hasher.verify = original) };
}

describe('a locked account is no password oracle', () => {
  const LOCKED = { errors: ['User is locked'], errorCode: 'user_locked' };

  it('answers user_locked to every password, over REST and GraphQL, and verifies none', async () => {
    const u = await registered();
    await t.deps.db.user.update({ where: { id: u.userId }, data: { lockedAt: new Date() } });
    const stored = (await t.deps.db.passwordCredential.findUniqueOrThrow({ where: { userId: u.userId } })).hash;
    const spy = spyVerify();
    try {
      const right = await statementsOf(() => t.rest('POST', LOGIN, { body: { email: u.email, password: u.password } }));
      const wrong = await statementsOf(() => t.rest('POST', LOGIN, { body: { email: u.email, password: 'wrong password' } }));
      expect(right.result.status).toBe(403);
      expect(right.result.body).toEqual(LOCKED);
      expect(wrong.result.status).toBe(403);
      expect(wrong.result.body).toEqual(LOCKED);
      // The same work either way: the same statements, and a verification against the dummy hash.
      expect(wrong.statements).toEqual(right.statements);
      expect(spy.hashes).toEqual([null, null]);

      for (const password of [u.password, 'wrong password']) {
        const r = await t.gql(GQL_LOGIN, { input: { email: u.email, password } });
        expect(r.data.login).toEqual({ __typename: 'UserLockedError', code: 'user_locked', message: 'User is locked' });
      }
      expect(spy.hashes).not.toContain(stored);
    } finally {
      spy.restore();
    }
  });

  it('answers alike at password change and at the vendor’s password verification', async () => {
    const u = await registered();
    const session = await t.rest('POST', LOGIN, { body: { email: u.email, password: u.password } });
    expect(session.status).toBe(200);
    await t.deps.db.user.update({ where: { id: u.userId }, data: { lockedAt: new Date() } });
    const vendor = await t.vendorToken();
    const spy = spyVerify();
    try {
      for (const password of [u.password, 'wrong password']) {
        const change = await t.rest('POST', '/identity/resources/users/v1/passwords/change', {
          token: session.body.accessToken,
          body: { password, newPassword: 'a brand new passphrase' },
        });
        expect(change.status, password).toBe(403);
        expect(change.body).toEqual(LOCKED);

        const verify = await t.rest('POST', '/identity/resources/vendor-only/users/v1/passwords/verify', { token: vendor, body: { email: u.email, password } });
        expect(verify.status, password).toBe(403);
        expect(verify.body).toEqual(LOCKED);
        const gql = await t.gql(GQL_VERIFY, { email: u.email, password }, { token: vendor });
        expect(gql.data.verifyUserPassword.code).toBe('user_locked');
      }
      expect(spy.hashes.every((h) => h === null)).toBe(true);
      expect(spy.hashes.length).toBe(6);
    } finally {
      spy.restore();
    }
    // The password did not change.
    await t.deps.db.user.update({ where: { id: u.userId }, data: { lockedAt: null, failedLoginAttempts: 0 } });
    expect((await t.rest('POST', LOGIN, { body: { email: u.email, password: u.password } })).status).toBe(200);
  });
});

describe('sign-up with a registered email (default: activation first)', () => {
  const shape = (body: Record<string, unknown>) => Object.fromEntries(Object.keys(body).sort().map((k) => [k, typeof body[k]]));

  it('answers like a new sign-up, runs the same statements, writes nothing, and mails the owner a notice', async () => {
    expect(loadConfig({}).signUpImmediateLogin).toBe(false);
    const existing = await registered();
    const fresh = uniqueEmail('fresh');
    const body = (email: string) => ({ email, password: 'a long enough passphrase', companyName: 'Probe', provider: 'local' });

    const unknown = await statementsOf(() => t.rest('POST', SIGN_UP, { body: body(fresh) }));
    const users = await t.deps.db.user.count();
    const tenants = await t.deps.db.tenant.count();
    const known = await statementsOf(() => t.rest('POST', SIGN_UP, { body: body(existing.email) }));

    expect(unknown.result.status).toBe(201);
    expect(known.result.status).toBe(201);
    expect(unknown.result.body).toEqual({ shouldActivate: true, userId: expect.stringMatching(UUID), tenantId: expect.stringMatching(UUID) });
    expect(known.result.body).toEqual({ shouldActivate: true, userId: expect.stringMatching(UUID), tenantId: expect.stringMatching(UUID) });
    expect(shape(known.result.body)).toEqual(shape(unknown.result.body));
    expect(known.result.refreshCookie).toBeUndefined();
    expect(unknown.result.refreshCookie).toBeUndefined();
    // Comparable work: the same statements up to the end of the transaction (the duplicate's is rolled back).
    const ends = (s: string[]) => s.map((q) => q.replace(/\b(COMMIT|ROLLBACK)\b/, 'END'));
    expect(ends(known.statements)).toEqual(ends(unknown.statements));
    expect(await t.deps.db.user.count()).toBe(users);
    expect(await t.deps.db.tenant.count()).toBe(tenants);
    expect(await t.deps.db.user.findUnique({ where: { id: known.result.body.userId } })).toBeNull();

    // Both mails are composed after the answer: the activation link for the new user, a notice for the owner.
    expect(tasks.held()).toHaveLength(2);
    await tasks.drain();
    expect((await smtp.next(fresh)).subject).toBe('Activate your account');
    const notice = await smtp.next(existing.email);
    expect(notice.subject).toBe('Someone tried to create an account with your address');
    expect(linkIn(notice, '/account/login').origin).toBe(APP_URL);
  });

  it('the new user activates with the emailed link and can log in with the password', async () => {
    const email = uniqueEmail('activate');
    const r = await t.rest('POST', SIGN_UP, { body: { email, password: 'a long enough passphrase', companyName: 'New', provider: 'local' } });
    expect(r.body.shouldActivate).toBe(true);
    await tasks.drain();
    const link = linkIn(await smtp.next(email), '/account/activate');
    const activated = await t.rest('POST', '/identity/resources/users/v1/activate', {
      body: { userId: link.searchParams.get('userId'), token: link.searchParams.get('token') },
    });
    expect(activated.status, JSON.stringify(activated.body)).toBeLessThan(300);
    expect((await t.rest('POST', LOGIN, { body: { email, password: 'a long enough passphrase' } })).status).toBe(200);
  });
});

describe('reset and passwordless requests: the same work for known and unknown addresses', () => {
  const requests = [
    { name: 'password reset', path: '/identity/resources/users/v1/passwords/reset', body: (email: string) => ({ email }), subject: 'Reset your password', type: 'PASSWORD_RESET' as const },
    { name: 'magic link', path: '/identity/resources/auth/v1/passwordless/magiclink/prelogin', body: (email: string) => ({ email }), subject: 'Your login link', type: 'MAGIC_LINK' as const },
    { name: 'login code', path: '/identity/resources/auth/v1/passwordless/code/prelogin', body: (email: string) => ({ email }), subject: 'Your login code', type: 'LOGIN_CODE' as const },
  ];

  for (const req of requests) {
    it(`${req.name}: same answer and statements; the token and the mail come from the queue`, async () => {
      const u = await registered();
      const nobody = uniqueEmail('nobody');
      const mailed = smtp.count(u.email);
      const unknown = await statementsOf(() => t.rest('POST', req.path, { body: req.body(nobody) }));
      const known = await statementsOf(() => t.rest('POST', req.path, { body: req.body(u.email) }));
      expect(known.result.status).toBe(unknown.result.status);
      expect(known.result.status).toBeLessThan(300);
      expect(known.result.body).toEqual(unknown.result.body);
      expect(known.statements).toEqual(unknown.statements);
      // Nothing for the known user yet: no token, no mail.
      expect(await t.deps.db.oneTimeToken.count({ where: { userId: u.userId, type: req.type } })).toBe(0);
      expect(smtp.count(u.email)).toBe(mailed);

      await tasks.drain();
      expect((await smtp.next(u.email)).subject).toBe(req.subject);
      expect(await t.deps.db.oneTimeToken.count({ where: { userId: u.userId, type: req.type } })).toBe(1);
      expect(smtp.count(nobody)).toBe(0);
    });
  }
});
