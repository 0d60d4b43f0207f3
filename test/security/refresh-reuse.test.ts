// Refresh under concurrency: the reuse interval. Two browser tabs (or a retry after a lost
// response) present the same refresh token at once; within GATEHOUSE_REFRESH_REUSE_INTERVAL the
// immediately previous token answers with the same successor instead of revoking the family.
// Older tokens, and the previous one after the interval, still revoke it (reuse detection).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

const INTERVAL = 10;
let t: TestGatehouse;
let strict: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse({ GATEHOUSE_REFRESH_REUSE_INTERVAL: String(INTERVAL) });
  strict = await startGatehouse({ GATEHOUSE_REFRESH_REUSE_INTERVAL: '0' });
});
afterAll(async () => {
  await t?.close();
  await strict?.close();
});

const REFRESH = parse(`mutation($input: RefreshTokenInput) {
  refreshToken(input: $input) { __typename ... on AuthResponse { accessToken refreshToken } ... on Error { code } }
}`) as TypedDocumentNode<any, any>;

interface Refreshed {
  status: number;
  accessToken?: string;
  refreshToken?: string;
}

/** Frontegg's browser refresh: the token rides in the HttpOnly cookie (REST, /frontegg prefix). */
async function restRefresh(g: TestGatehouse, token: string): Promise<Refreshed> {
  const r = await g.rest('POST', '/frontegg/identity/resources/auth/v1/user/token/refresh', { cookie: token, body: { tenantId: null } });
  return { status: r.status, accessToken: r.body?.accessToken, refreshToken: r.status === 201 ? r.refreshCookie : undefined };
}

/** The GraphQL refreshToken mutation, with the token in the cookie as a browser sends it. */
async function gqlRefresh(g: TestGatehouse, token: string): Promise<Refreshed> {
  const r = await g.gql(REFRESH, {}, { cookie: token });
  const res = r.data?.refreshToken;
  if (res?.__typename !== 'AuthResponse') return { status: 401 };
  return { status: 201, accessToken: res.accessToken, refreshToken: res.refreshToken };
}

const sessionOf = (g: TestGatehouse, accessToken: string) =>
  g.deps.db.session.findUniqueOrThrow({ where: { id: decodeJwt(accessToken).sid as string } });
const advance = (g: TestGatehouse, seconds: number) => (g.clock as ManualClock).advance(seconds * 1000);

describe.each([
  ['REST (Frontegg cookie refresh)', restRefresh],
  ['GraphQL refreshToken mutation', gqlRefresh],
] as const)('refresh reuse interval over %s', (_name, refresh) => {
  it('ten parallel refreshes with one token all succeed with the same successor, and the session stays alive', async () => {
    const u = await signUp(t);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(t, u.refreshToken)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    // One successor for all: the family stays a single chain, so reuse detection keeps its meaning.
    const successors = new Set(results.map((r) => r.refreshToken));
    expect(successors.size).toBe(1);
    const successor = results[0]!.refreshToken!;
    expect(successor).not.toBe(u.refreshToken);
    for (const r of results) expect(decodeJwt(r.accessToken!).sid).toBe(decodeJwt(u.accessToken).sid);
    expect((await sessionOf(t, u.accessToken)).revokedAt).toBeNull();
    // The successor rotates as usual, and the access tokens work.
    const next = await refresh(t, successor);
    expect(next.status).toBe(201);
    expect(next.refreshToken).not.toBe(successor);
    expect((await t.rest('GET', '/identity/resources/users/v2/me', { token: results[9]!.accessToken })).status).toBe(200);
    expect((await refresh(t, next.refreshToken!)).status).toBe(201);
  });

  it('a token older than the previous one revokes the family, even within the interval', async () => {
    const u = await signUp(t);
    const r1 = await refresh(t, u.refreshToken);
    const r2 = await refresh(t, r1.refreshToken!);
    expect([r1.status, r2.status]).toEqual([201, 201]);
    // r1's token is now the immediately previous one: it still gets the live successor.
    const again = await refresh(t, r1.refreshToken!);
    expect(again).toMatchObject({ status: 201, refreshToken: r2.refreshToken });
    // The login token is two rotations back: that is reuse.
    expect((await refresh(t, u.refreshToken)).status).toBe(401);
    const s = await sessionOf(t, u.accessToken);
    expect(s.revokedReason).toBe('refresh_token_reuse');
    expect((await refresh(t, r2.refreshToken!)).status).toBe(401);
    expect((await refresh(t, r1.refreshToken!)).status).toBe(401);
  });

  it('after the interval the previous token revokes the family', async () => {
    const u = await signUp(t);
    const r1 = await refresh(t, u.refreshToken);
    expect(r1.status).toBe(201);
    advance(t, INTERVAL - 1);
    expect((await refresh(t, u.refreshToken)).status).toBe(201);
    advance(t, 2);
    expect((await refresh(t, u.refreshToken)).status).toBe(401);
    expect((await sessionOf(t, u.accessToken)).revokedReason).toBe('refresh_token_reuse');
    expect((await refresh(t, r1.refreshToken!)).status).toBe(401);
  });

  it('the previous token of a logged-out session gets nothing', async () => {
    const u = await signUp(t);
    const r1 = await refresh(t, u.refreshToken);
    expect((await t.rest('POST', '/identity/resources/auth/v1/logout', { cookie: r1.refreshToken!, body: {} })).status).toBeLessThan(300);
    expect((await refresh(t, u.refreshToken)).status).toBe(401);
    expect((await refresh(t, r1.refreshToken!)).status).toBe(401);
  });

  it('interval 0 keeps the strict rule: of parallel refreshes one wins and the session dies', async () => {
    const u = await signUp(strict);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(strict, u.refreshToken)));
    const ok = results.filter((r) => r.status === 201);
    expect(ok.length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(9);
    expect((await sessionOf(strict, u.accessToken)).revokedReason).toBe('refresh_token_reuse');
    for (const r of ok) expect((await refresh(strict, r.refreshToken!)).status).toBe(401);
  });

  it('interval 0: the previous token presented right away revokes the family', async () => {
    const u = await signUp(strict);
    const r1 = await refresh(strict, u.refreshToken);
    expect(r1.status).toBe(201);
    expect((await refresh(strict, u.refreshToken)).status).toBe(401);
    expect((await refresh(strict, r1.refreshToken!)).status).toBe(401);
  });
});

describe('refresh reuse interval setting', () => {
  it('defaults to a few seconds and 0 disables it', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/x' } as Record<string, string>;
    expect(loadConfig(base).refreshReuseInterval).toBe(10);
    expect(loadConfig({ ...base, GATEHOUSE_REFRESH_REUSE_INTERVAL: '0' }).refreshReuseInterval).toBe(0);
    expect(() => loadConfig({ ...base, GATEHOUSE_REFRESH_REUSE_INTERVAL: '-1' })).toThrow();
  });
});
