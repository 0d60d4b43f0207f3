// Frontegg's official Node backend SDK (@frontegg/client 5.x) against a Gatehouse on loopback, as
// a backend app would use it with only FRONTEGG_API_GATEWAY_URL pointed at us: vendor
// authentication, IdentityClient.validateToken (user token, tenant and user API tokens, tenant and
// user access tokens; refused when forged, expired or revoked), the withAuthentication()
// middleware with required roles and permissions, and management calls through its HttpClient.
// The SDK reads its base URLs from the environment when it is first loaded, so it is imported
// only once the server listens. Audits are left out: Gatehouse has no audit log yet (issue 12 §3).
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, decodeJwt } from 'jose';
import { createServerAdapter } from '@whatwg-node/server';
import type * as Sdk from '@frontegg/client';
import { signUp, startGatehouse, uniqueEmail, VENDOR, type TestGatehouse } from '../helpers/gatehouse.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

let t: TestGatehouse;
let sdk: typeof Sdk;
let gateway: http.Server;
let guarded: http.Server;
let gatewayUrl: string;
let guardedUrl: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
const authenticators: Sdk.FronteggAuthenticator[] = [];
/** The SDK's AuthHeaderType.AccessToken (an x-api-key), which its index does not export. */
const ACCESS_TOKEN = 'AccessToken' as never;

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: http.Server | undefined) =>
  new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });

/**
 * An express-less app: the SDK's middleware reads `req.header(name)` and answers through
 * `res.status(code).send(text)`; on success it sets `req.frontegg.user` and calls next().
 */
function guardedServer() {
  const policies: Record<string, { roles?: string[]; permissions?: string[] }> = {
    '/any': {},
    '/admin': { roles: ['Admin'] },
    '/read-users': { permissions: ['fe.secure.read.users'] },
    '/write-roles': { permissions: ['fe.secure.write.roles'] },
  };
  return http.createServer((req, res) => {
    const policy = policies[req.url ?? ''];
    if (!policy) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const expressReq = Object.assign(req, { header: (name: string) => req.headers[name.toLowerCase()] as string | undefined }) as never as Record<string, any>;
    const expressRes = Object.assign(res, {
      status(code: number) {
        res.statusCode = code;
        return expressRes;
      },
      send(body: string) {
        res.end(body);
        return expressRes;
      },
    });
    void sdk.withAuthentication(policy)(expressReq as never, expressRes as never, (error?: unknown) => {
      if (error) return; // the middleware already answered
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(expressReq.frontegg.user));
    });
  });
}

const guardedCall = async (path: string, headers: Record<string, string>) => {
  const r = await fetch(`${guardedUrl}${path}`, { headers });
  const text = await r.text();
  return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  t = await startGatehouse();
  const adapter = createServerAdapter<{ req: http.IncomingMessage }>((request, ctx) => t.app.fetch(request, { remoteAddress: ctx.req.socket.remoteAddress }));
  gateway = http.createServer(adapter);
  gatewayUrl = await listen(gateway);
  // All the SDK needs: where the gateway is, and the vendor credential.
  process.env.FRONTEGG_API_GATEWAY_URL = `${gatewayUrl}/`;
  process.env.FRONTEGG_CLIENT_ID = VENDOR.clientId;
  process.env.FRONTEGG_API_KEY = VENDOR.secret;
  // The SDK logs every refusal at error level through winston; a level it does not know logs nothing.
  process.env.FRONTEGG_DEBUG_LEVEL ??= 'off';
  sdk = await import('@frontegg/client');
  sdk.FronteggContext.init({ FRONTEGG_CLIENT_ID: VENDOR.clientId, FRONTEGG_API_KEY: VENDOR.secret });
  guarded = guardedServer();
  guardedUrl = await listen(guarded);
});

afterAll(async () => {
  // The SDK keeps a refresh timer per authenticator: ours, and the one its access-token resolver owns.
  for (const a of authenticators) await a.shutdown();
  if (sdk) {
    const resolvers = createRequire(import.meta.url)('@frontegg/client/dist/src/clients/identity/token-resolvers') as {
      accessTokenHeaderResolver: { authenticator: Sdk.FronteggAuthenticator };
    };
    await resolvers.accessTokenHeaderResolver.authenticator.shutdown();
  }
  await close(guarded);
  await close(gateway);
  await t?.close();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

async function vendorAuthenticator() {
  const a = new sdk.FronteggAuthenticator();
  authenticators.push(a);
  await a.init(VENDOR.clientId, VENDOR.secret);
  return a;
}

const roleId = async (key: 'Admin' | 'ReadOnly') => (await t.deps.db.role.findFirstOrThrow({ where: { key, tenantId: null } })).id;

async function created(path: string, token: string, body: Record<string, unknown>) {
  const r = await t.rest('POST', path, { token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function apiTokenJwt(path: string, token: string, body: Record<string, unknown>) {
  const c = await created(path, token, body);
  const r = await t.rest('POST', '/identity/resources/auth/v2/api-token', { body: { clientId: c.clientId, secret: c.secret } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { clientId: c.clientId as string, jwt: r.body.access_token as string };
}

const identity = () =>
  sdk.IdentityClient.getInstance() as unknown as { validateToken(token: string, options?: object, type?: never): Promise<Record<string, any>> };
const refused = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the SDK accepted the token').not.toBeNull();
  return error as { statusCode?: number };
};

describe('vendor authentication', () => {
  it('posts clientId and secret to /auth/vendor and keeps the token until 80 % of expiresIn', async () => {
    const before = Date.now();
    const a = await vendorAuthenticator();
    expect(decodeJwt(a.accessToken)).toMatchObject({ type: 'vendor' });
    const ttl = t.config.vendorTokenTtl * 1000;
    const expiry = (a as unknown as { accessTokenExpiry: number }).accessTokenExpiry;
    expect(expiry).toBeGreaterThanOrEqual(before + ttl * 0.8);
    expect(expiry).toBeLessThanOrEqual(Date.now() + ttl * 0.8);
  });

  it('x-access-token carries the vendor token only: a user token there is refused, not honoured', async () => {
    const founder = await signUp(t);
    const config = '/identity/resources/configurations/v1';
    const asVendor = await t.rest('GET', config, { headers: { 'x-access-token': await t.vendorToken() } });
    expect(asVendor.status).toBe(200);
    expect(asVendor.body.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const asUser = await t.rest('GET', '/identity/resources/users/v2/me', { headers: { 'x-access-token': founder.accessToken } });
    expect(asUser.status).toBe(401);
    // Authorization wins when both are sent.
    const both = await t.rest('GET', '/identity/resources/users/v2/me', { token: founder.accessToken, headers: { 'x-access-token': 'garbage' } });
    expect(both.status).toBe(200);
  });

  it('refuses a wrong secret without an unhandled rejection', async () => {
    process.env.FRONTEGG_AUTHENTICATOR_NUMBER_OF_TRIES = '1';
    try {
      const a = new sdk.FronteggAuthenticator();
      authenticators.push(a);
      await expect(a.init(VENDOR.clientId, `${VENDOR.secret}x`)).rejects.toThrow('Failed to authenticate with Frontegg');
    } finally {
      delete process.env.FRONTEGG_AUTHENTICATOR_NUMBER_OF_TRIES;
    }
  });
});

describe('IdentityClient.validateToken', () => {
  it('accepts a user token: the key comes from /identity/resources/configurations/v1 as a PEM publicKey', async () => {
    const founder = await signUp(t);
    const user = await identity().validateToken(founder.accessToken);
    expect(user).toMatchObject({ type: 'userToken', sub: founder.userId, tenantId: founder.tenantId, roles: ['Admin'] });
    expect(user.permissions).toContain('fe.secure.write.users');
    // With required roles and permissions (any one of each).
    await identity().validateToken(`Bearer ${founder.accessToken}`, { roles: ['Admin', 'Nobody'], permissions: ['fe.secure.read.users'] });
    expect((await refused(identity().validateToken(founder.accessToken, { roles: ['Nobody'] }))).statusCode).toBe(403);
    expect((await refused(identity().validateToken(founder.accessToken, { permissions: ['no.such.permission'] }))).statusCode).toBe(403);
  });

  it('accepts a tenant API token and a user API token exchanged through /resources/auth/v2/api-token', async () => {
    const founder = await signUp(t);
    const tenantToken = await apiTokenJwt('/identity/resources/tenants/api-tokens/v1', founder.accessToken, { roleIds: [await roleId('ReadOnly')] });
    const tenantEntity = await identity().validateToken(tenantToken.jwt, { roles: ['ReadOnly'] });
    expect(tenantEntity).toMatchObject({ type: 'tenantApiToken', sub: tenantToken.clientId, tenantId: founder.tenantId, roles: ['ReadOnly'] });
    expect((await refused(identity().validateToken(tenantToken.jwt, { roles: ['Admin'] }))).statusCode).toBe(403);

    const userToken = await apiTokenJwt('/identity/resources/users/api-tokens/v1', founder.accessToken, {});
    const userEntity = await identity().validateToken(userToken.jwt, { permissions: ['fe.secure.write.users'] });
    expect(userEntity).toMatchObject({ type: 'userApiToken', tenantId: founder.tenantId, createdByUserId: founder.userId });
  });

  it('accepts tenant and user access tokens (x-api-key) while they are active, with their roles now', async () => {
    const founder = await signUp(t);
    const tenantAccess = await created('/identity/resources/tenants/access-tokens/v1', founder.accessToken, { roleIds: [await roleId('ReadOnly')] });
    const entity = await identity().validateToken(tenantAccess.secret, {}, ACCESS_TOKEN);
    expect(entity).toMatchObject({ type: 'tenantAccessToken', sub: tenantAccess.id, tenantId: founder.tenantId });
    const withRoles = await identity().validateToken(tenantAccess.secret, { roles: ['ReadOnly'] }, ACCESS_TOKEN);
    expect(withRoles).toMatchObject({ sub: tenantAccess.id, roles: ['ReadOnly'] });
    expect(withRoles.permissions).toContain('fe.secure.read.users');

    const userAccess = await created('/identity/resources/users/access-tokens/v1', founder.accessToken, { description: 'laptop' });
    const userEntity = await identity().validateToken(userAccess.secret, { permissions: ['fe.secure.write.users'] }, ACCESS_TOKEN);
    expect(userEntity).toMatchObject({ type: 'userAccessToken', sub: userAccess.id, userId: founder.userId, tenantId: founder.tenantId, roles: ['Admin'] });
  });

  it('refuses a revoked access token, an expired token and a forged one', async () => {
    const founder = await signUp(t);
    // Revoked before its first use, so no SDK cache (10 s) remembers it as active.
    const revoked = await created('/identity/resources/tenants/access-tokens/v1', founder.accessToken, {});
    expect((await t.rest('DELETE', `/identity/resources/tenants/access-tokens/v1/${revoked.id}`, { token: founder.accessToken })).status).toBe(200);
    expect((await refused(identity().validateToken(revoked.secret, {}, ACCESS_TOKEN))).statusCode).toBe(401);
    const revokedUser = await created('/identity/resources/users/access-tokens/v1', founder.accessToken, {});
    expect((await t.rest('DELETE', `/identity/resources/users/access-tokens/v1/${revokedUser.id}`, { token: founder.accessToken })).status).toBe(200);
    expect((await refused(identity().validateToken(revokedUser.secret, {}, ACCESS_TOKEN))).statusCode).toBe(401);
    // With required roles the SDK skips the active list and reads the token's data instead:
    // Gatehouse answers 404 for a revoked token, which the SDK passes on as its HTTP error
    // (an AxiosError without statusCode), still a refusal.
    const viaData = (await refused(identity().validateToken(revokedUser.secret, { roles: ['Admin'] }, ACCESS_TOKEN))) as { response?: { status: number } };
    expect(viaData.response?.status).toBe(404);

    // The SDK checks `exp` against the real clock: issue a session whose hour ended a minute ago.
    const clock = t.clock as ManualClock;
    const back = (t.config.accessTokenTtl + 60) * 1000;
    clock.advance(-back);
    let expired: string;
    try {
      expired = (await signUp(t)).accessToken;
    } finally {
      clock.advance(back);
    }
    expect((await refused(identity().validateToken(expired))).statusCode).toBe(401);

    // Same claims, signed by a key that is not ours.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const claims = decodeJwt(founder.accessToken);
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
    expect((await refused(identity().validateToken(forged))).statusCode).toBe(401);
    // Not a JWT at all.
    expect((await refused(identity().validateToken('not-a-token'))).statusCode).toBe(401);
  });
});

describe('withAuthentication() middleware', () => {
  it('lets a user token through with the roles and permissions it requires, 403 otherwise, 401 without a valid token', async () => {
    const founder = await signUp(t);
    const bearer = { authorization: `Bearer ${founder.accessToken}` };
    const ok = await guardedCall('/admin', bearer);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: founder.userId, sub: founder.userId, tenantId: founder.tenantId, type: 'userToken' });
    expect((await guardedCall('/read-users', bearer)).status).toBe(200);

    // A read-only member: no Admin role, no write permission on roles.
    const email = uniqueEmail('reader');
    const password = 'a long enough passphrase';
    expect((await t.rest('POST', '/identity/resources/users/v1', { token: founder.accessToken, body: { email, password } })).status).toBe(201);
    const login = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });
    const reader = { authorization: `Bearer ${login.body.accessToken}` };
    expect((await guardedCall('/read-users', reader)).status).toBe(200);
    expect((await guardedCall('/admin', reader)).status).toBe(403);
    expect((await guardedCall('/write-roles', reader)).status).toBe(403);

    expect((await guardedCall('/any', {})).status).toBe(401);
    expect((await guardedCall('/any', { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('takes access tokens as x-api-key, and API tokens as bearers', async () => {
    const founder = await signUp(t);
    const userAccess = await created('/identity/resources/users/access-tokens/v1', founder.accessToken, {});
    const r = await guardedCall('/admin', { 'x-api-key': userAccess.secret });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: founder.userId, type: 'userAccessToken' });

    const tenantAccess = await created('/identity/resources/tenants/access-tokens/v1', founder.accessToken, { roleIds: [await roleId('ReadOnly')] });
    expect((await guardedCall('/read-users', { 'x-api-key': tenantAccess.secret })).status).toBe(200);
    expect((await guardedCall('/write-roles', { 'x-api-key': tenantAccess.secret })).status).toBe(403);

    const userApi = await apiTokenJwt('/identity/resources/users/api-tokens/v1', founder.accessToken, {});
    const viaApi = await guardedCall('/admin', { authorization: `Bearer ${userApi.jwt}` });
    expect(viaApi.status).toBe(200);
    expect(viaApi.body).toMatchObject({ id: founder.userId, type: 'userApiToken' });
  });
});

describe('HttpClient (management calls with the vendor token)', () => {
  it('lists the users of a tenant and creates a role in it', async () => {
    const founder = await signUp(t);
    const a = await vendorAuthenticator();
    const client = new sdk.HttpClient(a, { baseURL: `${gatewayUrl}/identity` });
    const tenant = { 'frontegg-tenant-id': founder.tenantId };

    const users = await client.get('/resources/users/v3', tenant);
    expect(users.status).toBe(200);
    expect(users.data.items.map((u: { id: string }) => u.id)).toEqual([founder.userId]);

    const roles = await client.post('/resources/roles/v1', [{ key: 'Auditor', name: 'Auditor', description: 'reads' }], tenant);
    expect(roles.status).toBe(201);
    expect(roles.data).toEqual([expect.objectContaining({ key: 'Auditor', name: 'Auditor', tenantId: founder.tenantId })]);
    const listed = await client.get('/resources/roles/v1', tenant);
    expect(listed.data.map((r: { key: string }) => r.key)).toContain('Auditor');
  });

  it('re-authenticates once the token reaches 80 % of its lifetime, and goes on working', async () => {
    const founder = await signUp(t);
    const a = await vendorAuthenticator();
    const client = new sdk.HttpClient(a, { baseURL: `${gatewayUrl}/identity` });
    const first = a.accessToken;
    // As if 80 % of expiresIn had passed (the SDK compares with Date.now()); Gatehouse's clock moves
    // a second so the new token differs from the old.
    (a as unknown as { accessTokenExpiry: number }).accessTokenExpiry = Date.now() - 1;
    (t.clock as ManualClock).advance(1000);
    const r = await client.get(`/resources/users/v1/${founder.userId}`, { 'frontegg-tenant-id': founder.tenantId });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({ id: founder.userId, email: founder.email });
    expect(a.accessToken).not.toBe(first);
    expect(decodeJwt(a.accessToken).exp! - decodeJwt(a.accessToken).iat!).toBe(t.config.vendorTokenTtl);
  });
});

describe('audits (AuditsClient)', () => {
  it('sends an audit for a tenant and reads it back with the tenant’s stats', async () => {
    const u = await signUp(t);
    const audits = new sdk.AuditsClient();
    await audits.init(VENDOR.clientId, VENDOR.secret);
    authenticators.push((audits as unknown as { authenticator: Sdk.FronteggAuthenticator }).authenticator);
    await audits.sendAudit({ tenantId: u.tenantId, severity: 'Info', action: 'sdk.audit.sent', description: 'sent through the SDK' });
    const page = await audits.getAudits({ tenantId: u.tenantId, offset: 0, count: 20 });
    const sent = (page.data as Array<{ action?: string; description?: string; tenantId?: string }>).filter((a) => a.action === 'sdk.audit.sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.description).toBe('sent through the SDK');
    expect(sent[0]!.tenantId).toBe(u.tenantId);
    // another tenant's listing does not show it
    const other = await signUp(t);
    const foreign = await audits.getAudits({ tenantId: other.tenantId, offset: 0, count: 20 });
    expect((foreign.data as Array<{ action?: string }>).some((a) => a.action === 'sdk.audit.sent')).toBe(false);
    const stats = await audits.getAuditsStats({ tenantId: u.tenantId });
    expect(typeof stats.totalToday).toBe('number');
  });
});
