// The opt-in sid check (GATEHOUSE_SESSION_CHECK): a user access token outlives its session's
// revocation by up to its TTL unless each request checks the session. With the check on, a
// revoked or logged-out session's access token answers 401 on management and self-service
// calls within the cache period; a per-process cache keeps the hot path free of statements.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

const CACHE = 5;
let on: TestGatehouse;
let uncached: TestGatehouse;
let off: TestGatehouse;
beforeAll(async () => {
  on = await startGatehouse({ GATEHOUSE_SESSION_CHECK: 'true', GATEHOUSE_SESSION_CHECK_CACHE_SECONDS: String(CACHE) });
  uncached = await startGatehouse({ GATEHOUSE_SESSION_CHECK: 'true', GATEHOUSE_SESSION_CHECK_CACHE_SECONDS: '0' });
  off = await startGatehouse();
});
afterAll(async () => {
  await on?.close();
  await uncached?.close();
  await off?.close();
});

const ME = parse('{ me { id } }') as TypedDocumentNode<any, any>;
const advance = (g: TestGatehouse, seconds: number) => (g.clock as ManualClock).advance(seconds * 1000);
const sid = (accessToken: string) => decodeJwt(accessToken).sid as string;

/** Self-service over REST and GraphQL, and a management listing: the status each answers. */
async function calls(g: TestGatehouse, token: string) {
  const me = await g.rest('GET', '/identity/resources/users/v2/me', { token });
  const gqlMe = await g.gql(ME, {}, { token });
  const users = await g.rest('GET', '/identity/resources/users/v3', { token });
  const roles = await g.rest('GET', '/identity/resources/roles/v1', { token });
  return {
    me: me.status,
    gqlMe: gqlMe.data?.me ? 200 : ((gqlMe.errors?.[0]?.extensions?.http as { status?: number } | undefined)?.status ?? gqlMe.errors?.[0]?.extensions?.code),
    users: users.status,
    roles: roles.status,
    codes: [me.body?.errorCode, users.body?.errorCode, gqlMe.errors?.[0]?.extensions?.code],
  };
}
const ALL_OK = { me: 200, gqlMe: 200, users: 200, roles: 200 };

/** Logs the signed-up user in again: a second session of theirs. */
async function secondSession(g: TestGatehouse, u: { email: string; password: string }) {
  const r = await g.rest('POST', '/identity/resources/auth/v1/user', { body: { email: u.email, password: u.password } });
  expect(r.status).toBe(200);
  return { accessToken: r.body.accessToken as string, refreshToken: r.refreshCookie! };
}

describe('session check on', () => {
  it('the access tokens carry the session id the check reads', async () => {
    const u = await signUp(on);
    expect(typeof sid(u.accessToken)).toBe('string');
    expect(await on.deps.db.session.findUnique({ where: { id: sid(u.accessToken) } })).not.toBeNull();
  });

  it('after logout the old access token is refused with 401 on self-service and management calls', async () => {
    const u = await signUp(on);
    expect(await calls(on, u.accessToken)).toMatchObject(ALL_OK);
    const out = await on.rest('POST', '/identity/resources/auth/v1/logout', { cookie: u.refreshToken, body: {} });
    expect(out.status).toBeLessThan(300);
    advance(on, CACHE);
    const after = await calls(on, u.accessToken);
    expect(after).toMatchObject({ me: 401, users: 401, roles: 401 });
    expect(after.codes).toEqual(['auth_session_revoked', 'auth_session_revoked', 'auth_session_revoked']);
  });

  it('a session revoked through the session APIs ends its access token; the caller\'s own session goes on', async () => {
    const u = await signUp(on);
    const other = await secondSession(on, u);
    expect(await calls(on, other.accessToken)).toMatchObject(ALL_OK);
    const revoked = await on.rest('DELETE', `/identity/resources/users/sessions/v1/me/${sid(other.accessToken)}`, { token: u.accessToken });
    expect(revoked.status).toBeLessThan(300);
    advance(on, CACHE);
    expect(await calls(on, other.accessToken)).toMatchObject({ me: 401, users: 401, roles: 401 });
    expect(await calls(on, u.accessToken)).toMatchObject(ALL_OK);
    // "sign out all other sessions", then an administrator ending all of the user's sessions.
    const third = await secondSession(on, u);
    expect((await on.rest('DELETE', '/identity/resources/users/sessions/v1/me/all', { token: u.accessToken })).status).toBeLessThan(300);
    advance(on, CACHE);
    expect((await on.rest('GET', '/identity/resources/users/v2/me', { token: third.accessToken })).status).toBe(401);
    expect((await on.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken })).status).toBe(200);
    await on.deps.db.session.updateMany({ where: { userId: u.userId, revokedAt: null }, data: { revokedAt: on.clock.now(), revokedReason: 'admin_revoked' } });
    advance(on, CACHE);
    expect((await on.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken })).status).toBe(401);
  });

  it('a revocation elsewhere (another instance) shows after the cache period, not before', async () => {
    const u = await signUp(on);
    expect((await on.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken })).status).toBe(200);
    // Straight in the database, as another instance would: this process's cache does not know.
    await on.deps.db.session.update({ where: { id: sid(u.accessToken) }, data: { revokedAt: on.clock.now(), revokedReason: 'logout' } });
    advance(on, CACHE - 1);
    expect((await on.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken })).status).toBe(200);
    advance(on, 1);
    expect((await on.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken })).status).toBe(401);
  });

  it('a deleted or expired session refuses its token too', async () => {
    const u = await signUp(on);
    await on.deps.db.session.update({ where: { id: sid(u.accessToken) }, data: { expiresAt: on.clock.now() } });
    advance(on, CACHE);
    expect((await on.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken })).status).toBe(401);
  });

  it('the cached hot path sends no statement for the check; an uncached one reads the session per request', async () => {
    const sessionReads = (g: TestGatehouse) => g.queries.filter((q) => /FROM\s+"public"\."Session"|FROM\s+"Session"/i.test(q)).length;
    const u = await signUp(on);
    on.queries.length = 0;
    await on.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken });
    expect(sessionReads(on)).toBe(1);
    for (let i = 0; i < 5; i++) expect((await on.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken })).status).toBe(200);
    expect(sessionReads(on)).toBe(1);
    advance(on, CACHE);
    await on.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken });
    expect(sessionReads(on)).toBe(2);

    const v = await signUp(uncached);
    uncached.queries.length = 0;
    for (let i = 0; i < 3; i++) await uncached.rest('GET', '/identity/resources/users/v2/me', { token: v.accessToken });
    expect(sessionReads(uncached)).toBe(3);
  });

  it('tokens without a session (vendor, API tokens) are not checked', async () => {
    on.queries.length = 0;
    const vendor = await on.vendorToken();
    on.queries.length = 0;
    expect((await on.rest('GET', '/identity/resources/roles/v1', { token: vendor })).status).toBe(200);
    expect(on.queries.filter((q) => /"Session"/.test(q))).toEqual([]);
  });
});

describe('uncached session check', () => {
  it('refuses a logged-out session\'s token at the next request', async () => {
    const u = await signUp(uncached);
    expect((await uncached.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken })).status).toBe(200);
    await uncached.deps.db.session.update({ where: { id: sid(u.accessToken) }, data: { revokedAt: uncached.clock.now() } });
    expect((await uncached.rest('GET', '/identity/resources/users/v2/me', { token: u.accessToken })).status).toBe(401);
  });
});

describe('session check off (default)', () => {
  it('is off by default, and then a logged-out session\'s access token works until it expires, with no session read', async () => {
    expect(off.config.sessionCheck.enabled).toBe(false);
    const u = await signUp(off);
    await off.rest('POST', '/identity/resources/auth/v1/logout', { cookie: u.refreshToken, body: {} });
    expect((await off.deps.db.session.findUniqueOrThrow({ where: { id: sid(u.accessToken) } })).revokedAt).not.toBeNull();
    advance(off, 60);
    off.queries.length = 0;
    expect(await calls(off, u.accessToken)).toMatchObject(ALL_OK);
    expect(off.queries.filter((q) => /"Session"/.test(q))).toEqual([]);
  });
});
