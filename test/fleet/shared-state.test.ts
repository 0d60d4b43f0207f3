// Two Gatehouse instances (in-process, each its own services, caches, Redis connections and
// database pool) on ONE PostgreSQL database: what one writes, the other enforces. With one Redis:
// pushed, within a second (the refresh bound is set to an hour here, so only the push can do it):
// an IP restriction, a key rotation, a revoked session's check cache, and one rate-limit budget
// counted across both. Without Redis: the same IP restriction within the refresh bound (1 s).
// PostgreSQL stage only (vitest.config.ts): PGlite cannot be shared by two instances.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

const ROTATE = parse(`mutation { rotateSigningKey { __typename ... on SigningKey { kid } } }`) as unknown as TypedDocumentNode<any, any>;
const IP = '/identity/resources/configurations/v1/restrictions/ip';
const LOGIN = '/identity/resources/auth/v1/user';
const ME = '/identity/resources/users/v2/me';
const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid!;
/** A fleet shares its installation secret (it encrypts the signing keys), as the README asks. */
const SECRET = { GATEHOUSE_SECRET: 'fleet-test-installation-secret-0123456789abcdef' };

/** Polls until `what` holds; fails after `ms`. */
async function within(ms: number, what: () => Promise<boolean>) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await what()) return;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function blockIp(on: TestGatehouse, token: string, ip: string) {
  expect((await on.rest('POST', `${IP}/config`, { token, body: { strategy: 'BLOCK', isActive: true } })).status).toBe(201);
  expect((await on.rest('POST', IP, { token, body: { ip, strategy: 'BLOCK' } })).status).toBe(201);
}

describe('with Redis: changes are pushed', () => {
  let redis: TestRedis;
  let a: TestGatehouse;
  let b: TestGatehouse;
  beforeAll(async () => {
    redis = await startRedis();
    const env = {
      ...SECRET,
      REDIS_URL: redis.url,
      GATEHOUSE_SESSION_CHECK: 'true',
      GATEHOUSE_SESSION_CHECK_CACHE_SECONDS: '60',
      GATEHOUSE_RATE_LIMIT_LOGIN_PER_ACCOUNT: '5/15m',
    };
    a = await startGatehouse(env);
    b = await startGatehouse(env, { databaseUrl: a.config.databaseUrl });
    // Both subscribed: a probe published by each reaches the other.
    for (const [from, to] of [[a, b], [b, a]] as const) {
      let seen = false;
      const off = to.deps.changes.subscribe('probe', () => (seen = true));
      await within(10_000, async () => (from.deps.changes.publish('probe'), seen));
      off();
    }
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it('an IP restriction written on A is enforced by B within a second', async () => {
    const u = await signUp(a);
    const body = { email: u.email, password: u.password };
    const loginOnB = () => b.rest('POST', LOGIN, { body, headers: { 'x-forwarded-for': '198.51.100.7' } });
    // B has loaded (cached) the rules: no restriction yet.
    expect((await loginOnB()).status).toBe(200);
    await blockIp(a, u.accessToken, '198.51.100.7');
    await within(1000, async () => (await loginOnB()).status === 403);
    expect((await loginOnB()).body.errorCode).toBe('auth_ip_restricted');
  });

  it('a key rotated on A signs on B within a second, and each accepts the other’s tokens', async () => {
    const before = await signUp(b);
    const rotated = await a.gql(ROTATE, {}, { token: await a.vendorToken() });
    const kid = rotated.data.rotateSigningKey.kid as string;
    await within(1000, async () => b.deps.keys.current.signingKey.kid === kid);
    const onB = await signUp(b);
    expect(kidOf(onB.accessToken)).toBe(kid);
    expect((await a.rest('GET', ME, { token: onB.accessToken })).status).toBe(200);
    expect((await b.rest('GET', ME, { token: (await signUp(a)).accessToken })).status).toBe(200);
    // The old key still verifies on both; both publish one JWKS.
    expect((await a.rest('GET', ME, { token: before.accessToken })).status).toBe(200);
    expect((await a.rest('GET', '/.well-known/jwks.json')).body).toEqual((await b.rest('GET', '/.well-known/jwks.json')).body);
  });

  it('a rate limit is one budget across A and B', async () => {
    const u = await signUp(a);
    const wrong = { email: u.email, password: 'not the password at all' };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await (i % 2 ? b : a).rest('POST', LOGIN, { body: wrong })).status);
    // 5 per account per window, counted on both: the sixth attempt, on B, is refused.
    expect(statuses.slice(0, 5).every((s) => s === 401 || s === 400)).toBe(true);
    expect(statuses[5]).toBe(429);
    expect((await a.rest('POST', LOGIN, { body: { email: u.email, password: u.password } })).status).toBe(429);
  });

  it('a session revoked on A is refused by B within a second, though B cached it as live for 60 s', async () => {
    const u = await signUp(a);
    expect((await b.rest('GET', ME, { token: u.accessToken })).status).toBe(200);
    expect((await a.rest('POST', '/identity/resources/auth/v1/logout', { cookie: u.refreshToken, body: {} })).status).toBeLessThan(300);
    await within(1000, async () => (await b.rest('GET', ME, { token: u.accessToken })).status === 401);
  });
});

describe('without Redis: the refresh bound', () => {
  let a: TestGatehouse;
  let b: TestGatehouse;
  beforeAll(async () => {
    const env = { ...SECRET, GATEHOUSE_CACHE_REFRESH_SECONDS: '1' };
    a = await startGatehouse(env);
    b = await startGatehouse(env, { databaseUrl: a.config.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('an IP restriction written on A is enforced by B once its cache is older than the bound', async () => {
    const u = await signUp(a);
    const body = { email: u.email, password: u.password };
    const loginOnB = () => b.rest('POST', LOGIN, { body, headers: { 'x-forwarded-for': '198.51.100.8' } });
    expect((await loginOnB()).status).toBe(200);
    await blockIp(a, u.accessToken, '198.51.100.8');
    // 1 s bound, plus the timer's phase and a login: a generous deadline, never a timing assertion.
    await within(5000, async () => (await loginOnB()).status === 403);
  });

  it('a key rotated on A is loaded by B within the bound', async () => {
    const kid = (await a.gql(ROTATE, {}, { token: await a.vendorToken() })).data.rotateSigningKey.kid as string;
    await within(5000, async () => b.deps.keys.current.signingKey.kid === kid);
    expect((await a.rest('GET', ME, { token: (await signUp(b)).accessToken })).status).toBe(200);
  });
});

describe('without Redis, before the refresh bound: an unknown kid', () => {
  let a: TestGatehouse;
  let b: TestGatehouse;
  beforeAll(async () => {
    // An hour: neither a push nor the timer can tell B about A's new key during this test.
    const env = { ...SECRET, GATEHOUSE_CACHE_REFRESH_SECONDS: '3600' };
    a = await startGatehouse(env);
    b = await startGatehouse(env, { databaseUrl: a.config.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('makes B reload its keys once, so a token signed with a key A just created is accepted at once', async () => {
    const oldKid = b.deps.keys.current.signingKey.kid;
    const kid = (await a.gql(ROTATE, {}, { token: await a.vendorToken() })).data.rotateSigningKey.kid as string;
    const onA = await signUp(a);
    expect(kidOf(onA.accessToken)).toBe(kid);
    expect(b.deps.keys.current.signingKey.kid).toBe(oldKid);
    expect((await b.rest('GET', ME, { token: onA.accessToken })).status).toBe(200);
    expect(b.deps.keys.current.signingKey.kid).toBe(kid);
  });

  it('reloads at most once per few seconds for made-up kids (no query per forged token)', async () => {
    const token = (await signUp(b)).accessToken;
    const [h, p, s] = token.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
    const forged = (n: number) => `${Buffer.from(JSON.stringify({ ...header, kid: `made-up-${n}` })).toString('base64url')}.${p}.${s}`;
    b.queries.length = 0;
    for (let i = 0; i < 5; i++) expect((await b.rest('GET', ME, { token: forged(i) })).status).toBe(401);
    expect(b.queries.filter((q) => q.includes('"SigningKey"')).length).toBeLessThanOrEqual(1);
  });
});
