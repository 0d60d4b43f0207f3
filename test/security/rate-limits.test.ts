// Abuse throttling (issue 8): each observation of the issue, with the production defaults unless
// a test names a limit. Clients are told apart by X-Forwarded-For (the test app trusts one proxy);
// a request without one has no client address, and per-IP limits do not apply to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { generate } from 'otplib';
import { ConfigError, loadConfig } from '../../src/config.ts';
import type { ManualClock } from '../../src/platform/clock.ts';
import { RATE_LIMIT_DEFAULTS } from '../../src/platform/rate-limit.ts';
import { signUp, startGatehouse, uniqueEmail, VENDOR, type TestGatehouse, type TestResponse } from '../helpers/gatehouse.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { smsTo, uniquePhone } from '../helpers/sms.ts';

const LOGIN = '/identity/resources/auth/v1/user';
const SIGN_UP = '/identity/resources/users/v1/signUp';
const RESET = '/identity/resources/users/v1/passwords/reset';
const CODE_PRELOGIN = '/identity/resources/auth/v1/passwordless/code/prelogin';
const CODE_POSTLOGIN = '/identity/resources/auth/v1/passwordless/code/postlogin';
const MFA_VERIFY = '/identity/resources/auth/v1/user/mfa/verify';
const API_TOKEN = '/identity/resources/auth/v2/api-token';
const TENANT_TOKENS = '/identity/resources/tenants/api-tokens/v1';
const VENDOR_AUTH = '/auth/vendor';
const PHONES = '/identity/resources/users/phone-numbers/v1';
const RATE_LIMITED = { errors: ['Too many requests'], errorCode: 'rate_limited' };

/** startGatehouse turns these off for the other suites (see test/helpers/gatehouse.ts); here they are on. */
const PRODUCTION = {
  GATEHOUSE_RATE_LIMIT_MAIL_PER_RECIPIENT: RATE_LIMIT_DEFAULTS.MAIL_PER_RECIPIENT,
  GATEHOUSE_RATE_LIMIT_SMS_PER_RECIPIENT: RATE_LIMIT_DEFAULTS.SMS_PER_RECIPIENT,
  GATEHOUSE_RATE_LIMIT_LOGIN_PER_ACCOUNT: RATE_LIMIT_DEFAULTS.LOGIN_PER_ACCOUNT,
};

let ipCounter = 1;
/** A fresh client address per call (TEST-NET-3), so tests never share a per-IP budget. */
const freshIp = () => `203.0.113.${ipCounter++}`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const post = (t: TestGatehouse, path: string, body: unknown, ip?: string) => t.rest('POST', path, { body, headers: ip ? from(ip) : {} });

function expectRateLimited(r: TestResponse) {
  expect(r.status).toBe(429);
  expect(r.body).toEqual(RATE_LIMITED);
  const retryAfter = Number(r.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
  return retryAfter;
}

/** Sequential requests (order matters for a counter); the statuses in order. */
async function statuses(n: number, send: (i: number) => Promise<TestResponse>) {
  const out: TestResponse[] = [];
  for (let i = 0; i < n; i++) out.push(await send(i));
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('with the production defaults', () => {
  let t: TestGatehouse;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startGatehouse({ ...PRODUCTION, GATEHOUSE_SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('200 password-reset requests for one address: 5 answered, then 429; one email; known and unknown alike', async () => {
    const u = await signUp(t);
    const unknown = uniqueEmail('nobody');
    const [knownIp, unknownIp] = [freshIp(), freshIp()];
    const known = await statuses(200, () => post(t, RESET, { email: u.email }, knownIp));
    const ghost = await statuses(200, () => post(t, RESET, { email: unknown }, unknownIp));
    expect(known.map((r) => r.status)).toEqual([...Array(5).fill(201), ...Array(195).fill(429)]);
    expect(ghost.map((r) => [r.status, r.body])).toEqual(known.map((r) => [r.status, r.body]));
    expectRateLimited(known[5]!);
    // One email arrived (the cool-down dropped the other four), none for the unknown address.
    await smtp.next(u.email);
    await sleep(200);
    expect(smtp.count(u.email)).toBe(1);
    expect(smtp.count(unknown)).toBe(0);
  });

  it('100 failed logins from one IP against different accounts: 429 with Retry-After before the 100th', async () => {
    const ip = freshIp();
    const victim = await signUp(t);
    const results = await statuses(100, (i) => post(t, LOGIN, { email: uniqueEmail('guess'), password: `wrong ${i}` }, ip));
    const first429 = results.findIndex((r) => r.status === 429);
    expect(first429).toBe(50);
    expect(results.slice(0, 50).every((r) => r.status === 401)).toBe(true);
    expect(expectRateLimited(results[first429]!)).toBeLessThanOrEqual(15 * 60);
    // The address is refused even with the right password; another address is not.
    expectRateLimited(await post(t, LOGIN, { email: victim.email, password: victim.password }, ip));
    expect((await post(t, LOGIN, { email: victim.email, password: victim.password }, freshIp())).status).toBe(200);
  });

  it('counts failed logins per account, from any address, the same for known and unknown accounts; success clears it', async () => {
    const u = await signUp(t);
    const ghost = uniqueEmail('ghost');
    const known = await statuses(11, (i) => post(t, LOGIN, { email: u.email, password: `wrong ${i}` }, freshIp()));
    const unknown = await statuses(11, (i) => post(t, LOGIN, { email: ghost, password: `wrong ${i}` }, freshIp()));
    expect(known.map((r) => r.status)).toEqual([...Array(10).fill(401), 429]);
    expect(unknown.map((r) => [r.status, r.body])).toEqual(known.map((r) => [r.status, r.body]));
    // The identifier is normalised: case does not buy a fresh budget.
    expectRateLimited(await post(t, LOGIN, { email: ghost.toUpperCase(), password: 'x' }, freshIp()));

    const v = await signUp(t);
    await statuses(9, () => post(t, LOGIN, { email: v.email, password: 'wrong' }));
    expect((await post(t, LOGIN, { email: v.email, password: v.password })).status).toBe(200);
    expect((await statuses(10, () => post(t, LOGIN, { email: v.email, password: 'wrong' }))).map((r) => r.status)).toEqual(Array(10).fill(401));
  });

  it('40 sign-ups from one IP: 20 accepted, then 429', async () => {
    const ip = freshIp();
    const results = await statuses(40, () => post(t, SIGN_UP, { email: uniqueEmail('signup'), password: 'a long enough passphrase', companyName: 'Spam' }, ip));
    expect(results.map((r) => r.status)).toEqual([...Array(20).fill(201), ...Array(20).fill(429)]);
    expectRateLimited(results[20]!);
    expect((await post(t, SIGN_UP, { email: uniqueEmail('signup'), password: 'a long enough passphrase', companyName: 'Fine' }, freshIp())).status).toBe(201);
  });

  it('60 wrong passwordless codes: 429 after 10, for known and unknown addresses alike', async () => {
    const u = await signUp(t);
    expect((await post(t, CODE_PRELOGIN, { email: u.email })).status).toBe(201);
    const mail = await smtp.next(u.email);
    const code = /Login code: (\d{6})/.exec(mail.text)![1]!;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const ghost = uniqueEmail('ghost');
    const known = await statuses(60, () => post(t, CODE_POSTLOGIN, { email: u.email, token: wrong }, freshIp()));
    const unknown = await statuses(60, () => post(t, CODE_POSTLOGIN, { email: ghost, token: wrong }, freshIp()));
    expect(known.map((r) => r.status)).toEqual([...Array(10).fill(400), ...Array(50).fill(429)]);
    expect(unknown.map((r) => [r.status, r.body])).toEqual(known.map((r) => [r.status, r.body]));
    // Even the right code waits out the window now.
    expectRateLimited(await post(t, CODE_POSTLOGIN, { email: u.email, token: code }));
  });

  it('MFA: ten wrong codes over two logins, then the right code of a third login answers 429', async () => {
    const u = await signUp(t);
    await t.rest('POST', '/identity/resources/users/v1/mfa/authenticator/enroll', { token: u.accessToken });
    const d = await t.deps.db.mfaDevice.findFirstOrThrow({ where: { userId: u.userId, verifiedAt: null } });
    const secret = t.deps.secrets.decrypt(d.secretEncrypted!);
    const totp = () => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
    expect((await t.rest('POST', '/identity/resources/users/v1/mfa/authenticator/enroll/verify', { token: u.accessToken, body: { token: await totp() } })).status).toBe(200);
    const mfaToken = async () => (await post(t, LOGIN, { email: u.email, password: u.password })).body.mfaToken as string;
    for (let flow = 0; flow < 2; flow++) {
      const token = await mfaToken();
      const r = await statuses(5, () => post(t, MFA_VERIFY, { mfaToken: token, value: '000000' }, freshIp()));
      expect(r.map((x) => x.status)).toEqual(Array(5).fill(400));
    }
    (t.clock as ManualClock).advance(30_000);
    expectRateLimited(await post(t, MFA_VERIFY, { mfaToken: await mfaToken(), value: await totp() }, freshIp()));
  });

  it('API-token exchange and vendor auth: 50 failures from one IP, then 429; other addresses unaffected', async () => {
    const admin = await signUp(t);
    const created = await t.rest('POST', TENANT_TOKENS, { token: admin.accessToken, body: { description: 'CI', permissionIds: ['fe.secure.read.users'] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ip = freshIp();
    const exchange = await statuses(51, (i) => post(t, API_TOKEN, { clientId: created.body.clientId, secret: `wrong-${i}` }, ip));
    expect(exchange.map((r) => r.status)).toEqual([...Array(50).fill(401), 429]);
    expectRateLimited(exchange[50]!);
    expect((await post(t, API_TOKEN, { clientId: created.body.clientId, secret: created.body.secret }, freshIp())).status).toBe(200);

    const vip = freshIp();
    const vendor = await statuses(51, (i) => post(t, VENDOR_AUTH, { clientId: VENDOR.clientId, secret: `wrong-secret-${i}-0123456789` }, vip));
    expect(vendor.map((r) => r.status)).toEqual([...Array(50).fill(401), 429]);
    expectRateLimited(vendor[50]!);
    expectRateLimited(await post(t, VENDOR_AUTH, VENDOR, vip));
    expect((await post(t, VENDOR_AUTH, VENDOR, freshIp())).status).toBe(200);
  });

  it('GraphQL answers a typed RateLimitedError in the mutation union, and a query error with extensions', async () => {
    const LoginDoc = parse(`mutation ($input: LoginInput!) { login(input: $input) { __typename ... on Error { code message } ... on RateLimitedError { retryAfter } } }`);
    const email = uniqueEmail('gql');
    const headers = from(freshIp());
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await t.gql(LoginDoc as never, { input: { email, password: `wrong ${i}` } } as never, { headers }));
    expect((answers[9]!.data as any).login.__typename).toBe('InvalidCredentialsError');
    expect(answers[10]!.status).toBe(200);
    expect((answers[10]!.data as any).login).toEqual({ __typename: 'RateLimitedError', code: 'rate_limited', message: 'Too many requests', retryAfter: expect.any(Number) });

    const VerifyInvite = parse(`query ($token: String!) { verifyTenantInvite(token: $token) { id } }`);
    const ip = from(freshIp());
    for (let i = 0; i < 50; i++) await t.gql(VerifyInvite as never, { token: `no-such-${i}` } as never, { headers: ip });
    const q = await t.gql(VerifyInvite as never, { token: 'no-such' } as never, { headers: ip });
    expect(q.errors?.[0]?.extensions).toMatchObject({ code: 'rate_limited', retryAfter: expect.any(Number) });
    // and the REST route running that query carries the wait as Retry-After
    expectRateLimited(await t.rest('POST', '/identity/resources/tenants/invites/v1/verify', { body: { token: 'no-such' }, headers: ip }));
  });

  it('the vendor tunes limits at runtime through GraphQL (setRateLimits), and can return them to the server value', async () => {
    const token = await t.vendorToken();
    const Set = parse(
      `mutation ($limits: [RateLimitInput!]!) { setRateLimits(limits: $limits) { __typename ... on SetRateLimitsSuccess { data { name points windowSeconds enabled source } } ... on Error { code } } }`,
    );
    const List = parse(`{ rateLimits { name points windowSeconds source } }`);
    const set = await t.gql(Set as never, { limits: [{ name: 'LOGIN_PER_ACCOUNT', points: 1, windowSeconds: 600 }] } as never, { token });
    expect((set.data as any).setRateLimits.data).toContainEqual({ name: 'LOGIN_PER_ACCOUNT', points: 1, windowSeconds: 600, enabled: true, source: 'VENDOR' });
    const email = uniqueEmail('tuned');
    expect((await statuses(2, () => post(t, LOGIN, { email, password: 'wrong' }))).map((r) => r.status)).toEqual([401, 429]);

    await t.gql(Set as never, { limits: [{ name: 'LOGIN_PER_ACCOUNT', points: null }] } as never, { token });
    const list = await t.gql(List as never, undefined, { token });
    expect((list.data as any).rateLimits).toContainEqual({ name: 'LOGIN_PER_ACCOUNT', points: 10, windowSeconds: 900, source: 'SERVER' });
    // Only the vendor may read or change them.
    const user = await signUp(t);
    expect((await t.gql(List as never, undefined, { token: user.accessToken })).errors?.[0]?.extensions?.code).toBe('auth_forbidden');
    const refused = await t.gql(Set as never, { limits: [{ name: 'LOGIN_PER_ACCOUNT', points: 0 }] } as never, { token: user.accessToken });
    expect((refused.data as any).setRateLimits).toEqual({ __typename: 'ForbiddenError', code: 'auth_forbidden' });
  });
});

describe('per-recipient limits on every email and SMS (dropped silently, answered as sent)', () => {
  let t: TestGatehouse;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    // Request limits off, so only the per-recipient limits stand between a caller and the outbox.
    t = await startGatehouse({ ...PRODUCTION, GATEHOUSE_SMTP_URL: smtp.url, GATEHOUSE_RATE_LIMIT_SENDS_PER_ACCOUNT: 'off' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('200 reset requests answered alike: one email (cool-down per recipient and template)', async () => {
    const u = await signUp(t);
    const results = await statuses(200, () => post(t, RESET, { email: u.email }));
    expect(new Set(results.map((r) => `${r.status} ${JSON.stringify(r.body)}`)).size).toBe(1);
    expect(results[0]!.status).toBe(201);
    await smtp.next(u.email);
    await sleep(200);
    expect(smtp.count(u.email)).toBe(1);
    // Another template to the same address is not held back by the reset's cool-down.
    expect((await post(t, CODE_PRELOGIN, { email: u.email })).status).toBe(201);
    expect((await smtp.next(u.email)).subject).toBe('Your login code');
  });

  it('SMS: a cool-down per number and template, then a daily cap per number', async () => {
    const u = await signUp(t);
    const phone = uniquePhone();
    const adds = await statuses(3, () => t.rest('POST', PHONES, { token: u.accessToken, body: { phoneNumber: phone } }));
    expect(adds.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(adds.every((r) => typeof r.body.otcToken === 'string')).toBe(true);
    expect(await smsTo(t, phone)).toHaveLength(1);

    // Without the cool-down, the daily cap per number holds.
    const capped = await startGatehouse({ GATEHOUSE_RATE_LIMIT_SENDS_PER_ACCOUNT: 'off', GATEHOUSE_RATE_LIMIT_SMS_PER_RECIPIENT: 'off', GATEHOUSE_RATE_LIMIT_SMS_PER_RECIPIENT_DAILY: '3/1d' });
    try {
      const v = await signUp(capped);
      const adds2 = await statuses(5, () => capped.rest('POST', PHONES, { token: v.accessToken, body: { phoneNumber: phone } }));
      expect(adds2.map((r) => r.status)).toEqual(Array(5).fill(201));
      expect(await smsTo(capped, phone)).toHaveLength(3);
    } finally {
      await capped.close();
    }
  });
});

describe('configuration', () => {
  let t: TestGatehouse;
  beforeAll(async () => {
    t = await startGatehouse({ ...PRODUCTION, GATEHOUSE_RATE_LIMIT_LOGIN_PER_ACCOUNT: '2/1s', GATEHOUSE_RATE_LIMIT_SIGNUPS_PER_IP: '0' });
  });
  afterAll(() => t?.close());

  it('env: a lower limit trips sooner', async () => {
    const email = uniqueEmail('cfg');
    const r = await statuses(3, () => post(t, LOGIN, { email, password: 'wrong' }));
    expect(r.map((x) => x.status)).toEqual([401, 401, 429]);
    expect(expectRateLimited(r[2]!)).toBe(1);
  });

  it('a limit opens again when its window has passed', async () => {
    const email = uniqueEmail('window');
    expect((await statuses(3, () => post(t, LOGIN, { email, password: 'wrong' }))).map((r) => r.status)).toEqual([401, 401, 429]);
    await sleep(1_100);
    expect((await post(t, LOGIN, { email, password: 'wrong' })).status).toBe(401);
  });

  it('env: 0 (or off) turns a limit off', async () => {
    const ip = freshIp();
    const r = await statuses(25, () => post(t, SIGN_UP, { email: uniqueEmail('s'), password: 'a long enough passphrase', companyName: 'X' }, ip));
    expect(r.every((x) => x.status === 201)).toBe(true);
  });

  it('env: GATEHOUSE_RATE_LIMITS=off turns every limit off; a malformed limit fails at start', async () => {
    const none = await startGatehouse({ GATEHOUSE_RATE_LIMITS: 'off' });
    try {
      const ip = freshIp();
      const email = uniqueEmail('none');
      expect((await statuses(60, () => post(none, LOGIN, { email, password: 'wrong' }, ip))).every((r) => r.status === 401)).toBe(true);
    } finally {
      await none.close();
    }
    expect(() => loadConfig({ GATEHOUSE_RATE_LIMIT_LOGIN_PER_ACCOUNT: 'ten per hour' })).toThrow(ConfigError);
    expect(loadConfig({ GATEHOUSE_RATE_LIMIT_LOGIN_PER_ACCOUNT: 'off' }).rateLimits.rules.LOGIN_PER_ACCOUNT.points).toBe(0);
    expect(loadConfig({}).rateLimits.rules.MAIL_PER_RECIPIENT).toEqual({ points: 1, windowSeconds: 30 });
  });
});
