// Brute-force lockout: the policy, the atomic failure counter under concurrency, what a locked
// account answers (and what it does not reveal), and unlocking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

const LOCKOUT = '/identity/resources/configurations/v1/lockout-policy';
const login = (email: string, password: string) => t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });
const unlock = (userId: string, token: string) => t.rest('POST', `/identity/resources/users/v1/${userId}/unlock`, { token });
const userRow = (id: string) => t.deps.db.user.findUniqueOrThrow({ where: { id }, select: { failedLoginAttempts: true, lockedAt: true } });
const INVALID = { errors: ['Invalid authentication'], errorCode: 'auth_invalid_credentials' };

describe('lockout policy configuration', () => {
  it('is not defined at first; create validates, refuses a second one; update changes what it names', async () => {
    const missing = await t.rest('GET', LOCKOUT, { token: vendor });
    expect(missing.status).toBe(404);
    expect(missing.body.errorCode).toBe('lockout_policy_not_found');
    expect((await t.rest('PATCH', LOCKOUT, { token: vendor, body: { enabled: true, maxAttempts: 3 } })).status).toBe(404);
    for (const body of [{ enabled: true }, { maxAttempts: 3 }, { enabled: true, maxAttempts: 0 }, { enabled: true, maxAttempts: 1.5 }, { enabled: 'yes', maxAttempts: 3 }]) {
      const r = await t.rest('POST', LOCKOUT, { token: vendor, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errorCode).toBe('validation_failed');
    }

    const created = await t.rest('POST', LOCKOUT, { token: vendor, body: { enabled: true, maxAttempts: 5 } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), enabled: true, maxAttempts: 5, createdAt: expect.any(String), updatedAt: expect.any(String) });
    const again = await t.rest('POST', LOCKOUT, { token: vendor, body: { enabled: true, maxAttempts: 5 } });
    expect(again.status).toBe(409);
    expect(again.body.errorCode).toBe('lockout_policy_already_exists');

    const patched = await t.rest('PATCH', LOCKOUT, { token: vendor, body: { maxAttempts: 3 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: created.body.id, enabled: true, maxAttempts: 3 });
    expect((await t.rest('GET', LOCKOUT, { token: vendor })).body).toMatchObject({ enabled: true, maxAttempts: 3 });

    // the Frontegg client reads the vendor policy from its own path
    const admin = await signUp(t);
    expect((await t.rest('GET', `${LOCKOUT}/vendor`, { token: admin.accessToken })).body).toMatchObject({ enabled: true, maxAttempts: 3 });
    expect((await t.rest('GET', `${LOCKOUT}/vendor`)).status).toBe(401);
  });

  it('lets a tenant admin make their tenant stricter than the vendor, never weaker', async () => {
    const admin = await signUp(t);
    expect((await t.rest('POST', LOCKOUT, { token: admin.accessToken, body: { enabled: true, maxAttempts: 10 } })).status).toBe(403);
    expect((await t.rest('POST', LOCKOUT, { token: admin.accessToken, body: { enabled: false, maxAttempts: 3 } })).status).toBe(403);
    const stricter = await t.rest('POST', LOCKOUT, { token: admin.accessToken, body: { enabled: true, maxAttempts: 2 } });
    expect(stricter.status).toBe(201);
    expect((await t.rest('GET', LOCKOUT, { token: admin.accessToken })).body.maxAttempts).toBe(2);
    expect((await t.rest('GET', LOCKOUT, { token: vendor })).body.maxAttempts).toBe(3);
    // the vendor reads the tenant's through frontegg-tenant-id
    expect((await t.rest('GET', LOCKOUT, { token: vendor, headers: { 'frontegg-tenant-id': admin.tenantId } })).body.maxAttempts).toBe(2);

    // and it is what locks that tenant's users
    for (let i = 0; i < 2; i++) expect((await login(admin.email, 'wrong password')).status).toBe(401);
    expect((await login(admin.email, admin.password)).body.errorCode).toBe('user_locked');
  });
});

describe('locking (vendor policy: 3 attempts)', () => {
  it('locks after 3 wrong passwords: then every password, right or wrong, answers user_locked', async () => {
    const u = await signUp(t);
    for (let i = 0; i < 2; i++) expect((await login(u.email, 'wrong password')).body).toEqual(INVALID);
    expect((await userRow(u.userId)).lockedAt).toBeNull();
    expect((await login(u.email, 'wrong password')).body).toEqual(INVALID);
    expect((await userRow(u.userId)).lockedAt).not.toBeNull();

    const locked = await login(u.email, u.password);
    expect(locked.status).toBe(403);
    expect(locked.body.errorCode).toBe('user_locked');
    // no password oracle: a guess answers exactly like the right password (and is counted)
    const guess = await login(u.email, 'another guess');
    expect(guess.status).toBe(403);
    expect(guess.body).toEqual(locked.body);
    expect((await userRow(u.userId)).failedLoginAttempts).toBe(5);
    // nor can the existing session be refreshed
    expect((await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie: u.refreshToken, body: {} })).status).toBe(401);
  });

  it('a correct login before the threshold resets the count', async () => {
    const u = await signUp(t);
    for (let i = 0; i < 2; i++) await login(u.email, 'wrong password');
    expect((await login(u.email, u.password)).status).toBe(200);
    expect((await userRow(u.userId)).failedLoginAttempts).toBe(0);
    for (let i = 0; i < 2; i++) await login(u.email, 'wrong password');
    expect((await login(u.email, u.password)).status).toBe(200);
  });

  it('counts 50 parallel wrong passwords exactly and sets the lock once', async () => {
    const u = await signUp(t);
    const clock = t.clock as ManualClock;
    const results = await Promise.all(Array.from({ length: 50 }, () => login(u.email, 'wrong password')));
    // A request that reads the account after the lock was set answers user_locked (and is still
    // counted); the ones that read it before answer 401. At least the three that set the lock did.
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s !== 401 && s !== 403)).toEqual([]);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(3);
    for (const r of results.filter((x) => x.status === 403)) expect(r.body.errorCode).toBe('user_locked');
    const after = await userRow(u.userId);
    expect(after.failedLoginAttempts).toBe(50);
    expect(after.lockedAt).toEqual(clock.now());

    // later failures count but never move the lock
    clock.advance(60_000);
    await login(u.email, 'wrong password');
    const later = await userRow(u.userId);
    expect(later.failedLoginAttempts).toBe(51);
    expect(later.lockedAt).toEqual(after.lockedAt);
    expect((await login(u.email, u.password)).body.errorCode).toBe('user_locked');
  });

  it('answers an unknown email exactly like a wrong password, and writes nothing', async () => {
    const before = await t.deps.db.user.aggregate({ _sum: { failedLoginAttempts: true } });
    const r = await login(uniqueEmail('nobody'), 'wrong password');
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID);
    expect(await t.deps.db.user.aggregate({ _sum: { failedLoginAttempts: true } })).toEqual(before);
    // by username too
    const byName = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { username: 'no-such-user', password: 'wrong password' } });
    expect(byName.body).toEqual(INVALID);
  });

  it('counts wrong current passwords at password change (a stolen access token cannot guess the password)', async () => {
    const u = await signUp(t);
    const change = (password: string) =>
      t.rest('POST', '/identity/resources/users/v1/passwords/change', { token: u.accessToken, body: { password, newPassword: 'a brand new passphrase' } });
    for (let i = 0; i < 3; i++) expect((await change('wrong password')).status).toBe(401);
    expect((await change(u.password)).body.errorCode).toBe('user_locked');
    expect((await login(u.email, u.password)).body.errorCode).toBe('user_locked');
  });
});

describe('unlocking', () => {
  const lockOut = async (email: string) => {
    for (let i = 0; i < 3; i++) await login(email, 'wrong password');
  };

  it('the vendor unlocks any user: the count resets and login works again', async () => {
    const u = await signUp(t);
    await lockOut(u.email);
    expect((await login(u.email, u.password)).body.errorCode).toBe('user_locked');
    const r = await unlock(u.userId, vendor);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    expect(await userRow(u.userId)).toEqual({ failedLoginAttempts: 0, lockedAt: null });
    expect((await login(u.email, u.password)).status).toBe(200);
    // and the counter starts again from zero
    for (let i = 0; i < 2; i++) await login(u.email, 'wrong password');
    expect((await login(u.email, u.password)).status).toBe(200);
  });

  it('a tenant admin unlocks members of their tenant only; others look unknown; plain members cannot', async () => {
    const admin = await signUp(t);
    const create = await t.rest('POST', '/identity/resources/users/v1', {
      token: admin.accessToken,
      body: { email: uniqueEmail('member'), password: 'member passphrase one', roleIds: [] },
    });
    expect(create.status).toBe(201);
    const memberEmail = create.body.email as string;
    const memberId = create.body.id as string;
    await lockOut(memberEmail);
    const stranger = await signUp(t);
    await lockOut(stranger.email);

    const foreign = await unlock(stranger.userId, admin.accessToken);
    expect(foreign.status).toBe(404);
    expect(foreign.body.errorCode).toBe('user_not_found');
    expect((await userRow(stranger.userId)).lockedAt).not.toBeNull();

    expect((await unlock(memberId, admin.accessToken)).status).toBe(200);
    expect((await login(memberEmail, 'member passphrase one')).status).toBe(200);

    // the member (default ReadOnly role) has no fe.secure.write.users
    const member = await login(memberEmail, 'member passphrase one');
    expect((await unlock(admin.userId, member.body.accessToken)).status).toBe(403);
    expect((await unlock(memberId, '')).status).toBe(401);
  });

  it('unlockUser over GraphQL answers the user, unlocked', async () => {
    const u = await signUp(t);
    await lockOut(u.email);
    const UNLOCK = parse(`mutation($userId: ID!) { unlockUser(userId: $userId) { __typename ... on User { id locked } ... on Error { code } } }`) as TypedDocumentNode<any, any>;
    const r = await t.gql(UNLOCK, { userId: u.userId }, { token: vendor });
    expect(r.data.unlockUser).toEqual({ __typename: 'User', id: u.userId, locked: false });
    const unknown = await t.gql(UNLOCK, { userId: 'no-such-user' }, { token: vendor });
    expect(unknown.data.unlockUser).toEqual({ __typename: 'NotFoundError', code: 'user_not_found' });
  });
});

describe('an inactive policy', () => {
  it('counts failures but never locks', async () => {
    expect((await t.rest('PATCH', '/identity/resources/configurations/v1/lockout-policy', { token: vendor, body: { enabled: false } })).status).toBe(200);
    const u = await signUp(t);
    for (let i = 0; i < 5; i++) await login(u.email, 'wrong password');
    expect(await userRow(u.userId)).toEqual({ failedLoginAttempts: 5, lockedAt: null });
    expect((await login(u.email, u.password)).status).toBe(200);
  });
});
