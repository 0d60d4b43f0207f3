// Password complexity and history policies, their enforcement wherever a password is set
// (sign-up, createUser, change), and password change over the Frontegg REST paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { isCommonPassword } from '../../src/services/policies/password-rules.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

const PASSWORD = '/identity/resources/configurations/v1/password';
const HISTORY = '/identity/resources/configurations/v1/password-history-policy';
const CONFIG = '/identity/resources/users/v1/passwords/config';
const CHANGE = '/identity/resources/users/v1/passwords/change';
const asTenant = (tenantId: string) => ({ 'frontegg-tenant-id': tenantId });
const login = (email: string, password: string) => t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });
const refresh = (cookie: string) => t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie, body: { tenantId: null } });
const change = (token: string, password: string, newPassword: string) => t.rest('POST', CHANGE, { token, body: { password, newPassword } });

describe('the bundled common-password list', () => {
  it('knows the classics, case-insensitively, and not a decent passphrase', () => {
    for (const p of ['123456', 'password', 'Password123', 'QWERTY', 'iloveyou', '1qaz2wsx', 'p@ssw0rd', 'summer2024', 'letmein!']) {
      expect(isCommonPassword(p), p).toBe(true);
    }
    expect(isCommonPassword('a long enough passphrase')).toBe(false);
    expect(isCommonPassword('vT9#kq2!Lm')).toBe(false);
  });
});

describe('password policy configuration', () => {
  it('answers the default vendor policy before any is saved', async () => {
    const r = await t.rest('GET', PASSWORD, { token: vendor });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      allowPassphrases: true,
      maxLength: 128,
      minLength: 8,
      minPhraseLength: 20,
      minOptionalTestsToPass: 0,
      blockPwnedPasswords: true,
      optionalTests: { requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSpecialChars: true },
      requiredTests: { checkThreeRepeatedChars: true },
    });
  });

  it('saves a partial update over the current policy and reads it back', async () => {
    const r = await t.rest('POST', PASSWORD, { token: vendor, body: { minLength: 10, minOptionalTestsToPass: 2 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ minLength: 10, minOptionalTestsToPass: 2, maxLength: 128, blockPwnedPasswords: true });
    const g = await t.rest('GET', PASSWORD, { token: vendor });
    expect(g.body).toEqual(r.body);
    // back to the default for the rest of the file
    const back = await t.rest('POST', PASSWORD, { token: vendor, body: { minLength: 8, minOptionalTestsToPass: 0 } });
    expect(back.body).toMatchObject({ minLength: 8, minOptionalTestsToPass: 0 });
  });

  it('validates the policy and changes nothing when it is invalid', async () => {
    for (const body of [
      { maxLength: 129 },
      { minLength: 0 },
      { minLength: 50, maxLength: 40 },
      { minOptionalTestsToPass: 5 },
      { minOptionalTestsToPass: 3, optionalTests: { requireUppercase: false, requireSpecialChars: false } },
      { minLength: 7.5 },
    ]) {
      const r = await t.rest('POST', PASSWORD, { token: vendor, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errorCode).toBe('validation_failed');
    }
    const wrongType = await t.rest('POST', PASSWORD, { token: vendor, body: { minLength: 'ten' } });
    expect(wrongType.status).toBe(400);
    expect((await t.rest('GET', PASSWORD, { token: vendor })).body.minLength).toBe(8);
  });

  it('is the vendor’s to write: a tenant admin gets 403, an anonymous caller 401', async () => {
    const admin = await signUp(t);
    expect((await t.rest('POST', PASSWORD, { token: admin.accessToken, body: { minLength: 6 } })).status).toBe(403);
    expect((await t.rest('POST', PASSWORD, { body: { minLength: 6 } })).status).toBe(401);
    expect((await t.rest('GET', PASSWORD)).status).toBe(401);
    // reading needs fe.secure.read.securityPolicy, which the first user (Admin) has
    expect((await t.rest('GET', PASSWORD, { token: admin.accessToken })).status).toBe(200);
  });

  it('serves the strictest applicable policy publicly: vendor, tenant override, or the user’s tenants', async () => {
    const a = await signUp(t);
    const override = await t.rest('POST', PASSWORD, { token: vendor, headers: asTenant(a.tenantId), body: { minLength: 14 } });
    expect(override.status).toBe(201);
    expect(override.body.minLength).toBe(14);

    const anonymous = await t.rest('GET', CONFIG);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.minLength).toBe(8);
    const forUser = await t.rest('GET', `${CONFIG}?userId=${a.userId}`);
    expect(forUser.body.minLength).toBe(14);
    const asMember = await t.rest('GET', CONFIG, { token: a.accessToken });
    expect(asMember.body.minLength).toBe(14);
    // the vendor policy itself is unchanged, and the tenant reads its override
    expect((await t.rest('GET', PASSWORD, { token: vendor })).body.minLength).toBe(8);
    expect((await t.rest('GET', PASSWORD, { token: a.accessToken })).body.minLength).toBe(14);
  });
});

describe('enforcement wherever a password is set', () => {
  it('refuses too-short and common passwords at sign-up, naming the unmet rules, and creates nothing', async () => {
    const tenants = await t.deps.db.tenant.count();
    for (const password of ['password123', 'qwerty', 'Qwerty123', 'short']) {
      const r = await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { email: uniqueEmail(), password, companyName: 'Weak', provider: 'local' } });
      expect(r.status, password).toBe(400);
      expect(r.body.errorCode).toBe('password_policy_violation');
    }
    const common = await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { email: uniqueEmail(), password: 'password123', companyName: 'W' } });
    expect(common.body.errors[0]).toMatch(/too common/);
    const short = await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { email: uniqueEmail(), password: 'qwerty', companyName: 'W' } });
    expect(short.body.errors[0]).toMatch(/at least 8 characters/);
    expect(short.body.errors[0]).toMatch(/too common/);
    const repeated = await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { email: uniqueEmail(), password: 'zebraaa-crossing', companyName: 'W' } });
    expect(repeated.body.errors[0]).toMatch(/repeated three times/);
    const email = uniqueEmail();
    const own = await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { email, password: email, companyName: 'W' } });
    expect(own.body.errors[0]).toMatch(/email or username/);
    expect(await t.deps.db.tenant.count()).toBe(tenants);
  });

  it('refuses them at createUser, with the policy of the tenant the user joins', async () => {
    const admin = await signUp(t);
    const create = (password: string) =>
      t.rest('POST', '/identity/resources/users/v1', { token: admin.accessToken, body: { email: uniqueEmail('member'), password } });
    const weak = await create('password123');
    expect(weak.status).toBe(400);
    expect(weak.body.errorCode).toBe('password_policy_violation');
    expect((await create('correct horse battery')).status).toBe(201);

    await t.rest('POST', PASSWORD, { token: vendor, headers: asTenant(admin.tenantId), body: { minLength: 12, minPhraseLength: 24, minOptionalTestsToPass: 3 } });
    const short = await create('Elevenchars');
    expect(short.status).toBe(400);
    expect(short.body.errors[0]).toMatch(/at least 12 characters/);
    expect(short.body.errors[0]).toMatch(/at least 3 of/);
    expect((await create('Twelve-chars1')).status).toBe(201);
    // a passphrase skips the complexity tests
    expect((await create('a rather long passphrase here')).status).toBe(201);
    // the vendor-only create path is judged by the same policy
    const vendorCreate = await t.rest('POST', '/identity/resources/vendor-only/users/v1', {
      token: vendor,
      body: { tenantId: admin.tenantId, email: uniqueEmail(), password: 'qwerty' },
    });
    expect(vendorCreate.status).toBe(400);
    expect(vendorCreate.body.errorCode).toBe('password_policy_violation');
  });

  it('refuses them at password change', async () => {
    const u = await signUp(t);
    for (const weak of ['password123', 'qwerty']) {
      const r = await change(u.accessToken, u.password, weak);
      expect(r.status, weak).toBe(400);
      expect(r.body.errorCode).toBe('password_policy_violation');
    }
    expect((await login(u.email, u.password)).status).toBe(200);
  });
});

describe('password change', () => {
  it('checks the current password like a login: a wrong one is 401 and changes nothing', async () => {
    const u = await signUp(t);
    const r = await change(u.accessToken, 'not the password', 'a brand new passphrase');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ errors: ['Invalid authentication'], errorCode: 'auth_invalid_credentials' });
    expect((await login(u.email, u.password)).status).toBe(200);
    expect((await t.rest('POST', CHANGE, { body: { password: u.password, newPassword: 'a brand new passphrase' } })).status).toBe(401);
  });

  it('sets the new password, keeps the current session and revokes the others', async () => {
    const u = await signUp(t);
    const other = await login(u.email, u.password);
    expect(other.status).toBe(200);
    const third = await login(u.email, u.password);

    const r = await change(u.accessToken, u.password, 'a brand new passphrase');
    expect(r.status).toBe(201);
    expect(r.body).toEqual({});

    expect((await refresh(other.refreshCookie!)).status).toBe(401);
    expect((await refresh(third.refreshCookie!)).status).toBe(401);
    const mine = await refresh(u.refreshToken);
    expect(mine.status).toBe(201);

    expect((await login(u.email, u.password)).status).toBe(401);
    expect((await login(u.email, 'a brand new passphrase')).status).toBe(200);
    const sessions = await t.deps.db.session.findMany({ where: { userId: u.userId, revokedReason: 'password_changed' } });
    expect(sessions).toHaveLength(2);
    // the replaced password is remembered (hashed) for the history policy
    const history = await t.deps.db.passwordHistory.findMany({ where: { userId: u.userId } });
    expect(history).toHaveLength(1);
    expect(history[0]!.hash).toMatch(/^\$argon2id\$/);
  });

  it('works for a vendor token acting as the user (frontegg-user-id), which keeps no session', async () => {
    const u = await signUp(t);
    const r = await t.rest('POST', CHANGE, { token: vendor, headers: { 'frontegg-user-id': u.userId }, body: { password: u.password, newPassword: 'vendor set passphrase' } });
    expect(r.status).toBe(201);
    expect((await refresh(u.refreshToken)).status).toBe(401);
    expect((await login(u.email, 'vendor set passphrase')).status).toBe(200);
  });
});

describe('password history policy', () => {
  it('is not defined at first, validates, refuses a second create and updates only what exists', async () => {
    expect((await t.rest('GET', HISTORY, { token: vendor })).status).toBe(404);
    const patchMissing = await t.rest('PATCH', HISTORY, { token: vendor, body: { enabled: true, historySize: 3 } });
    expect(patchMissing.status).toBe(404);
    expect(patchMissing.body.errorCode).toBe('password_history_policy_not_found');
    for (const historySize of [0, 11, 2.5]) {
      const bad = await t.rest('POST', HISTORY, { token: vendor, body: { enabled: true, historySize } });
      expect(bad.status, String(historySize)).toBe(400);
    }
    const created = await t.rest('POST', HISTORY, { token: vendor, body: { enabled: true, historySize: 2 } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), enabled: true, historySize: 2, createdAt: expect.any(String), updatedAt: expect.any(String) });
    const again = await t.rest('POST', HISTORY, { token: vendor, body: { enabled: true, historySize: 5 } });
    expect(again.status).toBe(409);
    expect(again.body.errorCode).toBe('password_history_policy_already_exists');
    const patched = await t.rest('PATCH', HISTORY, { token: vendor, body: { historySize: 3 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: created.body.id, enabled: true, historySize: 3 });
    expect((await t.rest('GET', HISTORY, { token: vendor })).body).toMatchObject({ enabled: true, historySize: 3 });
    expect((await t.rest('GET', `${HISTORY}/vendor`, { token: vendor })).body).toMatchObject({ historySize: 3 });
  });

  it('refuses a change to one of the last N passwords, and allows an older one', async () => {
    // vendor history policy: enabled, historySize 3 (previous test)
    const u = await signUp(t, { password: 'first passphrase one' });
    const steps = ['second passphrase two', 'third passphrase three'];
    let current = u.password;
    // History is ordered by time: each change happens a second after the previous one.
    const later = () => (t.clock as ManualClock).advance(1000);
    for (const next of steps) {
      later();
      expect((await change(u.accessToken, current, next)).status).toBe(201);
      current = next;
    }
    for (const reused of ['third passphrase three', 'second passphrase two', 'first passphrase one']) {
      const r = await change(u.accessToken, current, reused);
      expect(r.status, reused).toBe(400);
      expect(r.body.errorCode).toBe('password_history_violation');
    }
    later();
    expect((await change(u.accessToken, current, 'fourth passphrase four')).status).toBe(201);
    later();
    // the first one is now 4 passwords back: allowed again
    expect((await change(u.accessToken, 'fourth passphrase four', 'first passphrase one')).status).toBe(201);
  });

  it('lets a tenant admin tighten the vendor history policy for their tenant but not loosen it', async () => {
    const admin = await signUp(t);
    const weaker = await t.rest('POST', HISTORY, { token: admin.accessToken, body: { enabled: true, historySize: 1 } });
    expect(weaker.status).toBe(403);
    const off = await t.rest('POST', HISTORY, { token: admin.accessToken, body: { enabled: false, historySize: 5 } });
    expect(off.status).toBe(403);
    const stricter = await t.rest('POST', HISTORY, { token: admin.accessToken, body: { enabled: true, historySize: 5 } });
    expect(stricter.status).toBe(201);
    expect((await t.rest('GET', HISTORY, { token: admin.accessToken })).body.historySize).toBe(5);
    expect((await t.rest('GET', HISTORY, { token: vendor })).body.historySize).toBe(3);
    // another tenant's scope is out of reach
    const other = await signUp(t);
    expect((await t.rest('PATCH', HISTORY, { token: admin.accessToken, headers: asTenant(other.tenantId), body: { historySize: 6 } })).status).toBe(200);
    expect((await t.rest('GET', HISTORY, { token: other.accessToken })).body.historySize).toBe(3);
  });

  it('turned off, lets a user reuse the current password', async () => {
    expect((await t.rest('PATCH', HISTORY, { token: vendor, body: { enabled: false } })).status).toBe(200);
    const u = await signUp(t);
    expect((await change(u.accessToken, u.password, u.password)).status).toBe(201);
  });
});
