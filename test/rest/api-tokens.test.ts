// API tokens (client credentials) over the Frontegg REST paths: creation shows the secret once,
// the exchange signs a JWT our JWKS verifies, every refusal looks the same, and a token never
// acts outside its tenant, roles and permissions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const TENANT_TOKENS = '/identity/resources/tenants/api-tokens/v1';
const USER_TOKENS = '/identity/resources/users/api-tokens/v1';
const exchange = (clientId: string, secret: string) =>
  t.rest('POST', '/identity/resources/auth/v2/api-token', { body: { clientId, secret } });

async function createTenantToken(token: string, body: Record<string, unknown>) {
  const r = await t.rest('POST', TENANT_TOKENS, { token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { clientId: string; secret: string; tenantId: string; roleIds: string[]; permissionIds: string[] };
}

async function accessTokenFor(clientId: string, secret: string) {
  const r = await exchange(clientId, secret);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.access_token as string;
}

/** A second member of the founder's tenant with the default (read-only) role, logged in. */
async function readOnlyMember(founderToken: string) {
  const email = uniqueEmail('reader');
  const password = 'a long enough passphrase';
  const created = await t.rest('POST', '/identity/resources/users/v1', { token: founderToken, body: { email, password } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const login = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });
  expect(login.status).toBe(200);
  return { userId: created.body.id as string, accessToken: login.body.accessToken as string };
}

describe('tenant API tokens', () => {
  it('shows the secret once: the list never carries it and the database holds only a keyed hash', async () => {
    const founder = await signUp(t);
    const created = await createTenantToken(founder.accessToken, {
      description: 'CI',
      metadata: { env: 'ci' },
      permissionIds: ['fe.secure.read.users'],
      expiresInMinutes: 60,
    });
    expect(created).toMatchObject({
      clientId: expect.any(String),
      secret: expect.any(String),
      tenantId: founder.tenantId,
      description: 'CI',
      metadata: { env: 'ci' },
      createdByUserId: founder.userId,
      roleIds: [],
      expires: expect.any(String),
    });
    expect(created.permissionIds).toHaveLength(1);
    expect(created.secret.length).toBeGreaterThanOrEqual(43);

    const list = await t.rest('GET', TENANT_TOKENS, { token: founder.accessToken });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ clientId: created.clientId, description: 'CI', permissionIds: created.permissionIds });
    expect(JSON.stringify(list.body)).not.toContain(created.secret);
    expect(list.body[0]).not.toHaveProperty('secret');

    const row = await t.deps.db.apiToken.findUniqueOrThrow({ where: { clientId: created.clientId } });
    expect(row.secretHash).not.toBe(created.secret);
    expect(row.secretHash).toBe(t.deps.secrets.hashToken(created.secret));
    expect(JSON.stringify(row)).not.toContain(created.secret);
  });

  it('exchanges clientId and secret for a JWT that the JWKS verifies, with the tenant, roles and permissions', async () => {
    const founder = await signUp(t);
    const adminRole = await t.deps.db.role.findFirstOrThrow({ where: { key: 'Admin', tenantId: null } });
    const created = await createTenantToken(founder.accessToken, { roleIds: [adminRole.id], metadata: { team: 'ops' } });
    expect(created.roleIds).toEqual([adminRole.id]);

    const r = await exchange(created.clientId, created.secret);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 3600, expires: expect.any(String) });

    const jwks = await t.rest('GET', '/.well-known/jwks.json');
    const { payload } = await jwtVerify(r.body.access_token, createLocalJWKSet(jwks.body), {
      issuer: t.config.issuer,
      audience: t.vendor.clientId,
      currentDate: t.clock.now(),
    });
    expect(payload).toMatchObject({
      type: 'tenantApiToken',
      sub: created.clientId,
      tenantId: founder.tenantId,
      roles: ['Admin'],
      metadata: { team: 'ops' },
      apiTokenId: created.clientId,
      createdByUserId: founder.userId,
    });
    expect(payload.permissions).toContain('fe.secure.write.users');
    expect(payload.exp! - payload.iat!).toBe(3600);

    // The JWT works as a bearer: list the tenant's tokens needs fe.secure.read.tenantApiTokens, which Admin has.
    const list = await t.rest('GET', TENANT_TOKENS, { token: r.body.access_token });
    expect(list.status).toBe(200);
    expect(list.body.map((x: { clientId: string }) => x.clientId)).toEqual([created.clientId]);
  });

  it('refuses a wrong secret, an unknown clientId, a deleted and an expired token with the same 401', async () => {
    const founder = await signUp(t);
    const live = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.read.users'] });
    const doomed = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.read.users'] });
    const shortLived = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.read.users'], expiresInMinutes: 5 });
    expect((await exchange(shortLived.clientId, shortLived.secret)).status).toBe(200);
    expect((await exchange(doomed.clientId, doomed.secret)).status).toBe(200);

    const del = await t.rest('DELETE', `${TENANT_TOKENS}/${doomed.clientId}`, { token: founder.accessToken });
    expect(del.status).toBe(200);
    (t.clock as ManualClock).advance(5 * 60_000 + 1);

    const refusals = [
      await exchange(live.clientId, `${live.secret}x`),
      await exchange(live.clientId, doomed.secret),
      await exchange('00000000-0000-4000-8000-000000000000', live.secret),
      await exchange(doomed.clientId, doomed.secret),
      await exchange(shortLived.clientId, shortLived.secret),
    ];
    for (const r of refusals) {
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ errors: ['Invalid client credentials'], errorCode: 'api_token_invalid_credentials' });
    }
    // The live one still works.
    expect((await exchange(live.clientId, live.secret)).status).toBe(200);
  });

  it('never lets the JWT outlive its token', async () => {
    const founder = await signUp(t);
    const created = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.read.users'], expiresInMinutes: 10 });
    const r = await exchange(created.clientId, created.secret);
    expect(r.body.expires_in).toBe(600);
    const claims = decodeJwt(r.body.access_token);
    expect(claims.exp! - claims.iat!).toBe(600);
  });

  it('cannot act outside its tenant, roles and permissions', async () => {
    const founder = await signUp(t);
    const other = await signUp(t);
    const created = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.read.users'] });
    const jwt = await accessTokenFor(created.clientId, created.secret);

    // In its tenant, with the permission it has.
    const read = await t.rest('GET', `/identity/resources/users/v1/${founder.userId}`, { token: jwt });
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(founder.userId);

    // Not what it lacks.
    const write = await t.rest('POST', '/identity/resources/users/v1', { token: jwt, body: { email: uniqueEmail(), password: 'a long enough passphrase' } });
    expect(write.status).toBe(403);
    const mint = await t.rest('POST', TENANT_TOKENS, { token: jwt, body: { permissionIds: ['fe.secure.read.users'] } });
    expect(mint.status).toBe(403);
    const list = await t.rest('GET', TENANT_TOKENS, { token: jwt });
    expect(list.status).toBe(403);

    // Not another tenant: naming it is forbidden, and its users are not found from here.
    const cross = await t.rest('GET', `/identity/resources/users/v1/${other.userId}`, {
      token: jwt,
      headers: { 'frontegg-tenant-id': other.tenantId },
    });
    expect(cross.status).toBe(403);
    const foreignUser = await t.rest('GET', `/identity/resources/users/v1/${other.userId}`, { token: jwt });
    expect(foreignUser.status).toBe(404);

    // No self-service as a person: an API token is not a user session.
    expect((await t.rest('GET', '/identity/resources/users/v2/me', { token: jwt })).status).toBe(403);
  });

  it('refuses creation to a user without fe.secure.write.tenantApiTokens', async () => {
    const founder = await signUp(t);
    const reader = await readOnlyMember(founder.accessToken);
    const before = await t.deps.db.apiToken.count({ where: { tenantId: founder.tenantId } });
    const r = await t.rest('POST', TENANT_TOKENS, { token: reader.accessToken, body: { permissionIds: ['fe.secure.read.users'] } });
    expect(r.status).toBe(403);
    expect(await t.deps.db.apiToken.count({ where: { tenantId: founder.tenantId } })).toBe(before);
    // Reading is part of the read-only role.
    expect((await t.rest('GET', TENANT_TOKENS, { token: reader.accessToken })).status).toBe(200);
  });

  it('never grants more than the creator holds', async () => {
    const founder = await signUp(t);
    const minter = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.write.tenantApiTokens', 'fe.secure.read.users'] });
    const jwt = await accessTokenFor(minter.clientId, minter.secret);
    const escalate = await t.rest('POST', TENANT_TOKENS, { token: jwt, body: { permissionIds: ['fe.secure.write.users'] } });
    expect(escalate.status).toBe(403);
    expect(escalate.body.errorCode).toBe('api_token_exceeds_grantor');
    const narrower = await t.rest('POST', TENANT_TOKENS, { token: jwt, body: { permissionIds: ['fe.secure.read.users'] } });
    expect(narrower.status).toBe(201);
  });

  it('validates roles and permissions against the tenant', async () => {
    const founder = await signUp(t);
    const none = await t.rest('POST', TENANT_TOKENS, { token: founder.accessToken, body: { description: 'nothing' } });
    expect(none.status).toBe(400);
    const unknownPermission = await t.rest('POST', TENANT_TOKENS, { token: founder.accessToken, body: { permissionIds: ['no.such.permission'] } });
    expect(unknownPermission.status).toBe(400);
    expect(unknownPermission.body.errorCode).toBe('api_token_permissions_invalid');
    const unknownRole = await t.rest('POST', TENANT_TOKENS, { token: founder.accessToken, body: { roleIds: ['no-such-role'] } });
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.body.errorCode).toBe('role_ids_invalid');
  });

  it('updates description, metadata and grants (PATCH), and deletes only in its own tenant', async () => {
    const founder = await signUp(t);
    const other = await signUp(t);
    const created = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.read.users'], description: 'old' });
    const patched = await t.rest('PATCH', `${TENANT_TOKENS}/${created.clientId}`, {
      token: founder.accessToken,
      body: { description: 'new', metadata: { v: 2 }, permissionIds: ['fe.secure.read.roles'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ clientId: created.clientId, description: 'new', metadata: { v: 2 } });
    expect(patched.body).not.toHaveProperty('secret');
    const claims = decodeJwt(await accessTokenFor(created.clientId, created.secret));
    expect(claims.permissions).toEqual(['fe.secure.read.roles']);

    // Another tenant's admin neither sees, changes nor deletes it, and cannot name this tenant.
    const foreignList = await t.rest('GET', TENANT_TOKENS, { token: other.accessToken, headers: { 'frontegg-tenant-id': founder.tenantId } });
    expect(foreignList.status).toBe(403);
    expect((await t.rest('GET', TENANT_TOKENS, { token: other.accessToken })).body).toEqual([]);
    const foreignPatch = await t.rest('PATCH', `${TENANT_TOKENS}/${created.clientId}`, { token: other.accessToken, body: { description: 'mine' } });
    expect(foreignPatch.status).toBe(404);
    const foreignDelete = await t.rest('DELETE', `${TENANT_TOKENS}/${created.clientId}`, { token: other.accessToken });
    expect(foreignDelete.status).toBe(404);
    expect((await exchange(created.clientId, created.secret)).status).toBe(200);
  });

  it('lets the vendor manage any tenant through frontegg-tenant-id', async () => {
    const founder = await signUp(t);
    const vendor = await t.vendorToken();
    const headers = { 'frontegg-tenant-id': founder.tenantId };
    const created = await t.rest('POST', '/identity/resources/tenants/api-tokens/v2', {
      token: vendor,
      headers,
      body: { permissionIds: ['fe.secure.write.users'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tenantId: founder.tenantId, secret: expect.any(String) });
    expect(created.body.createdByUserId).toBeUndefined();
    const missingHeader = await t.rest('GET', TENANT_TOKENS, { token: vendor });
    expect(missingHeader.status).toBe(400);
    const list = await t.rest('GET', TENANT_TOKENS, { token: vendor, headers });
    expect(list.body.map((x: { clientId: string }) => x.clientId)).toEqual([created.body.clientId]);
  });
});

describe('API-token refresh', () => {
  const refresh = (refreshToken: string) => t.rest('POST', '/identity/resources/auth/v2/api-token/token/refresh', { body: { refreshToken } });
  const invalid = { errors: ['Invalid refresh token'], errorCode: 'auth_refresh_token_invalid' };

  it('rotates the refresh token, stores only its hash, and revokes the family on reuse', async () => {
    const founder = await signUp(t);
    const created = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.read.users'] });
    const first = await exchange(created.clientId, created.secret);
    const rt0 = first.body.refresh_token as string;
    expect(await t.deps.db.apiTokenRefreshToken.findUnique({ where: { tokenHash: t.deps.secrets.hashToken(rt0) } })).not.toBeNull();
    expect(JSON.stringify(await t.deps.db.apiTokenRefreshToken.findMany({ where: { apiTokenId: created.clientId } }))).not.toContain(rt0);

    const r1 = await refresh(rt0);
    expect(r1.status).toBe(200);
    expect(r1.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 3600, expires: expect.any(String) });
    expect(r1.body.refresh_token).not.toBe(rt0);
    expect(decodeJwt(r1.body.access_token)).toMatchObject({ type: 'tenantApiToken', sub: created.clientId, permissions: ['fe.secure.read.users'] });

    const r2 = await refresh(r1.body.refresh_token);
    expect(r2.status).toBe(200);

    // rt0 again: reuse. The whole family dies, including the newest token.
    const reuse = await refresh(rt0);
    expect(reuse.status).toBe(401);
    expect(reuse.body).toEqual(invalid);
    const afterReuse = await refresh(r2.body.refresh_token);
    expect(afterReuse.status).toBe(401);
    expect(afterReuse.body).toEqual(invalid);

    // Another exchange starts a new family that the revocation did not touch.
    const fresh = await exchange(created.clientId, created.secret);
    expect((await refresh(fresh.body.refresh_token)).status).toBe(200);
  });

  it('answers parallel refreshes with one token with the same successor within the reuse interval; later, or older, is reuse', async () => {
    const founder = await signUp(t);
    const created = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.read.users'] });
    const rt0 = (await exchange(created.clientId, created.secret)).body.refresh_token as string;
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(rt0)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body.refresh_token)).size).toBe(1);
    const rt1 = results[0]!.body.refresh_token as string;
    const r2 = await refresh(rt1);
    expect(r2.status).toBe(200);
    // rt1 is the immediately previous token: answered again; rt0 is two back: the family dies.
    expect((await refresh(rt1)).body.refresh_token).toBe(r2.body.refresh_token);
    expect((await refresh(rt0)).status).toBe(401);
    expect((await refresh(r2.body.refresh_token)).status).toBe(401);

    // After the interval the previous token is reuse too.
    const other = (await exchange(created.clientId, created.secret)).body.refresh_token as string;
    const next = await refresh(other);
    (t.clock as ManualClock).advance(t.config.refreshReuseInterval * 1000);
    expect((await refresh(other)).status).toBe(401);
    expect((await refresh(next.body.refresh_token)).status).toBe(401);
  });

  it('refuses the refresh tokens of a deleted or expired API token, and unknown ones, with the same 401', async () => {
    const founder = await signUp(t);
    const doomed = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.read.users'] });
    const shortLived = await createTenantToken(founder.accessToken, { permissionIds: ['fe.secure.read.users'], expiresInMinutes: 5 });
    const doomedRt = (await exchange(doomed.clientId, doomed.secret)).body.refresh_token as string;
    const shortRt = (await exchange(shortLived.clientId, shortLived.secret)).body.refresh_token as string;
    expect((await t.rest('DELETE', `${TENANT_TOKENS}/${doomed.clientId}`, { token: founder.accessToken })).status).toBe(200);
    (t.clock as ManualClock).advance(5 * 60_000 + 1);
    for (const token of [doomedRt, shortRt, 'not-a-refresh-token']) {
      const r = await refresh(token);
      expect(r.status).toBe(401);
      expect(r.body).toEqual(invalid);
    }
  });
});

describe('GraphQL', () => {
  const CREATE_USER_TOKEN = parse(`mutation($input: CreateUserApiTokenInput!) {
    createUserApiToken(input: $input) {
      __typename
      ... on CreatedApiToken { secret token { clientId kind userId permissions { key } } }
      ... on Error { code }
    }
  }`) as TypedDocumentNode<any, any>;

  it("narrows a user token to the given permissions, never beyond the user's own", async () => {
    const founder = await signUp(t);
    const r = await t.gql(CREATE_USER_TOKEN, { input: { permissionIds: ['fe.secure.read.users'] } }, { token: founder.accessToken });
    expect(r.data.createUserApiToken).toMatchObject({
      __typename: 'CreatedApiToken',
      token: { kind: 'USER', userId: founder.userId, permissions: [{ key: 'fe.secure.read.users' }] },
    });
    const { clientId } = r.data.createUserApiToken.token;
    const claims = decodeJwt(await accessTokenFor(clientId, r.data.createUserApiToken.secret));
    expect(claims.permissions).toEqual(['fe.secure.read.users']);

    const reader = await readOnlyMember(founder.accessToken);
    const beyond = await t.gql(CREATE_USER_TOKEN, { input: { permissionIds: ['fe.secure.write.users'] } }, { token: reader.accessToken });
    expect(beyond.data.createUserApiToken).toEqual({ __typename: 'ForbiddenError', code: 'api_token_exceeds_grantor' });
  });

  it('has no field that could carry a stored secret', async () => {
    const { printSortedSchema } = await import('../../src/graphql/print.ts');
    const sdl = printSortedSchema();
    const apiToken = /type ApiToken (?:implements [^{]*)?\{[^}]*\}/.exec(sdl)?.[0] ?? '';
    expect(apiToken).toContain('clientId');
    expect(apiToken).not.toMatch(/secret|hash/i);
  });
});

describe('user API tokens', () => {
  it('act for their user in the tenant with the user’s current permissions', async () => {
    const founder = await signUp(t);
    const r = await t.rest('POST', USER_TOKENS, { token: founder.accessToken, body: { description: 'laptop', metadata: { a: 1 } } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ clientId: expect.any(String), secret: expect.any(String), description: 'laptop', metadata: { a: 1 }, createdAt: expect.any(String) });

    const list = await t.rest('GET', USER_TOKENS, { token: founder.accessToken });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([{ clientId: r.body.clientId, description: 'laptop', metadata: { a: 1 }, createdAt: r.body.createdAt }]);

    const jwt = await accessTokenFor(r.body.clientId, r.body.secret);
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({ type: 'userApiToken', sub: founder.userId, userId: founder.userId, tenantId: founder.tenantId, roles: ['Admin'] });
    expect(claims.permissions).toContain('fe.secure.write.users');
    expect((await t.rest('GET', `/identity/resources/users/v1/${founder.userId}`, { token: jwt })).status).toBe(200);

    // The user loses access to the tenant: the token stops working with the same 401.
    const membership = await t.deps.db.userTenant.findFirstOrThrow({ where: { userId: founder.userId, tenantId: founder.tenantId } });
    await t.deps.db.userTenant.update({ where: { id: membership.id }, data: { disabled: true } });
    const refused = await exchange(r.body.clientId, r.body.secret);
    expect(refused.status).toBe(401);
    expect(refused.body.errorCode).toBe('api_token_invalid_credentials');
  });

  it('are deleted only by their owner', async () => {
    const founder = await signUp(t);
    const reader = await readOnlyMember(founder.accessToken);
    const mine = await t.rest('POST', USER_TOKENS, { token: reader.accessToken, body: {} });
    expect(mine.status).toBe(201);
    const claims = decodeJwt(await accessTokenFor(mine.body.clientId, mine.body.secret));
    expect(claims.permissions).not.toContain('fe.secure.write.users');

    expect((await t.rest('DELETE', `${USER_TOKENS}/${mine.body.clientId}`, { token: founder.accessToken })).status).toBe(404);
    expect((await t.rest('GET', USER_TOKENS, { token: founder.accessToken })).body).toEqual([]);
    expect((await t.rest('DELETE', `${USER_TOKENS}/${mine.body.clientId}`, { token: reader.accessToken })).status).toBe(200);
    expect((await exchange(mine.body.clientId, mine.body.secret)).status).toBe(401);
  });
});
