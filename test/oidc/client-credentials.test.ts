// The OpenID provider's client-credentials slice, driven by openid-client (panva's certified
// relying party) over real HTTP on loopback: discovery, audience-restricted JWT access tokens for
// a resource with exactly the application's scopes, client authentication against hashed
// secrets (with the secret-guessing limit), revocation and introspection of opaque tokens, OAuth
// errors with their RFC statuses, and key rotation reaching the provider.
//
// Applications, secrets, resources, scopes and M2M roles are made through the vendor GraphQL API,
// as an operator would make them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

const RESOURCE = 'https://api.example.test/orders';
let t: TestGatehouse;
let server: Server;
let base: string;
let issuer: string;

const doc = (q: string) => parse(q) as unknown as TypedDocumentNode<any, any>;
/** A vendor GraphQL call that must answer `typename`; its payload. */
async function vendorGql(q: string, variables: Record<string, unknown>, field: string, typename: string) {
  const r = await t.gql(doc(q), variables, { token: await t.vendorToken() });
  expect(r.data?.[field]?.__typename, JSON.stringify(r)).toBe(typename);
  return r.data[field];
}
const scopeIds = new Map<string, string>();

/**
 * An application made as a vendor would make it, through the GraphQL API: the client, a secret
 * (confidential types), and for `scopes` a MACHINE_TO_MACHINE role carrying them.
 */
async function seedApplication(type: 'MACHINE_TO_MACHINE' | 'SPA' | 'TRADITIONAL', o: { scopes?: string[]; corsOrigins?: string[] } = {}) {
  const app = await vendorGql(
    `mutation($input: CreateOAuthApplicationInput!) { createOAuthApplication(input: $input) { __typename ... on Application { id } ... on Error { code } } }`,
    { input: { name: `app ${type}`, type, corsOrigins: o.corsOrigins ?? [], ...(type === 'MACHINE_TO_MACHINE' ? {} : { redirectUris: ['https://app.example.test/cb'] }) } },
    'createOAuthApplication',
    'Application',
  );
  const id = app.id as string;
  let secret = '';
  if (type !== 'SPA') {
    const created = await vendorGql(
      `mutation($id: ID!) { createApplicationSecret(applicationId: $id, input: { name: "default" }) { __typename ... on CreatedApplicationSecret { secret } ... on Error { code } } }`,
      { id },
      'createApplicationSecret',
      'CreatedApplicationSecret',
    );
    secret = created.secret as string;
  }
  if (o.scopes?.length) {
    const roles = await vendorGql(
      `mutation($input: [CreateRoleInput!]!) { createRoles(input: $input) { __typename ... on RoleList { roles { id } } ... on Error { code } } }`,
      { input: [{ key: `m2m-${id}`, name: 'm2m', type: 'MACHINE_TO_MACHINE' }] },
      'createRoles',
      'RoleList',
    );
    const roleId = roles.roles[0].id as string;
    await vendorGql(
      `mutation($role: ID!, $scopes: [ID!]!) { assignRoleScopes(roleId: $role, scopeIds: $scopes) { __typename ... on Error { code } } }`,
      { role: roleId, scopes: o.scopes.map((n) => scopeIds.get(n)!) },
      'assignRoleScopes',
      'ApiScopeList',
    );
    await vendorGql(
      `mutation($app: ID!, $roles: [ID!]!) { assignApplicationRoles(applicationId: $app, roleIds: $roles) { __typename ... on Error { code } } }`,
      { app: id, roles: [roleId] },
      'assignApplicationRoles',
      'Application',
    );
  }
  return { id, secret };
}

async function configFor(id: string, secret: string | null, auth: 'basic' | 'post' = 'basic') {
  const authentication = secret === null ? client.None() : auth === 'basic' ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret);
  return client.discovery(new URL(issuer), id, undefined, authentication, { execute: [client.allowInsecureRequests] });
}

/** The OAuth error a call failed with (openid-client's ResponseBodyError). */
async function oauthError(p: Promise<unknown>): Promise<{ error: string; status: number }> {
  try {
    await p;
  } catch (e) {
    // a 401 with WWW-Authenticate arrives as a challenge error carrying the parsed challenges
    const err = e as { error?: string; status?: number; response?: Response; cause?: Array<{ parameters?: { error?: string } }> };
    const challenge = Array.isArray(err.cause) ? err.cause[0]?.parameters?.error : undefined;
    return { error: err.error ?? challenge ?? String(e), status: err.status ?? err.response?.status ?? 0 };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  let handler: (req: never, res: never) => void = () => {};
  server = createServer((req, res) => handler(req as never, res as never));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${base}/oidc`;
  t = await startGatehouse({ GATEHOUSE_ISSUER: base, GATEHOUSE_RATE_LIMIT_SECRETS_PER_CLIENT: '3/15m', GATEHOUSE_CORS_ORIGINS: 'https://console.example.test' });
  handler = t.nodeHandler as never;
  const resource = await vendorGql(
    `mutation($input: CreateApiResourceInput!) { createApiResource(input: $input) { __typename ... on ApiResource { id } ... on Error { code } } }`,
    { input: { name: 'Orders', indicator: RESOURCE, accessTokenTtl: 900 } },
    'createApiResource',
    'ApiResource',
  );
  for (const name of ['orders:read', 'orders:write', 'orders:admin']) {
    const scope = await vendorGql(
      `mutation($id: ID!, $input: CreateApiScopeInput!) { createApiScope(resourceId: $id, input: $input) { __typename ... on ApiScope { id } ... on Error { code } } }`,
      { id: resource.id, input: { name } },
      'createApiScope',
      'ApiScope',
    );
    scopeIds.set(name, scope.id as string);
  }
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await t?.close();
});

describe('discovery', () => {
  it('describes the provider at /oidc and at the root, with only this slice enabled', async () => {
    const doc = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    expect(doc.issuer).toBe(issuer);
    expect(doc.token_endpoint).toBe(`${issuer}/token`);
    expect(doc.jwks_uri).toBe(`${issuer}/jwks`);
    expect(doc.introspection_endpoint).toBe(`${issuer}/token/introspection`);
    expect(doc.revocation_endpoint).toBe(`${issuer}/token/revocation`);
    expect(doc.grant_types_supported).toEqual(['client_credentials']);
    expect(doc.response_types_supported).toEqual([]);
    expect(doc.authorization_endpoint).toBeUndefined();
    expect(doc.userinfo_endpoint).toBeUndefined();
    expect(doc.token_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_basic', 'client_secret_post']);
    const root = await fetch(`${base}/.well-known/openid-configuration`);
    expect(root.status).toBe(200);
    expect(await root.json()).toEqual(doc);
    // in-process callers of app.fetch (no provider there) are sent to the document
    const inProcess = await t.app.fetch(new Request(`${base}/.well-known/openid-configuration`));
    expect(inProcess.status).toBe(307);
    expect(inProcess.headers.get('location')).toBe(`${issuer}/.well-known/openid-configuration`);
  });

  it('publishes the same JWKS as /.well-known/jwks.json and answers other /oidc paths 404', async () => {
    const oidc = await (await fetch(`${issuer}/jwks`)).json();
    const root = await (await fetch(`${base}/.well-known/jwks.json`)).json();
    expect(oidc).toEqual(root);
    expect(oidc.keys[0].d).toBeUndefined();
    const auth = await fetch(`${issuer}/auth?client_id=x&response_type=code`);
    expect(auth.status).toBe(404);
  });

  it('applies the security headers and the CORS policy to /oidc', async () => {
    const allowed = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { origin: 'https://console.example.test' } });
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(allowed.headers.get('x-frame-options')).toBe('DENY');
    expect(allowed.headers.get('x-request-id')).toBeTruthy();
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.test');
    const other = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const { id, secret } = await seedApplication('MACHINE_TO_MACHINE', { corsOrigins: ['https://m2m.example.test'] });
    const preflight = await fetch(`${issuer}/token`, { method: 'OPTIONS', headers: { origin: 'https://m2m.example.test', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://m2m.example.test');
    // an application's origin is allowed for that application only
    const other2 = await seedApplication('MACHINE_TO_MACHINE');
    const body = new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE });
    const basic = (cid: string, s: string) => `Basic ${Buffer.from(`${cid}:${s}`).toString('base64')}`;
    const own = await fetch(`${issuer}/token`, { method: 'POST', body, headers: { origin: 'https://m2m.example.test', authorization: basic(id, secret) } });
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBe('https://m2m.example.test');
    const foreign = await fetch(`${issuer}/token`, { method: 'POST', body, headers: { origin: 'https://m2m.example.test', authorization: basic(other2.id, other2.secret) } });
    expect(foreign.status).toBe(400);
    expect((await foreign.json()).error).toBe('invalid_request');
  });
});

describe('client_credentials with a resource indicator', () => {
  it('issues an audience-restricted JWT carrying exactly the scopes the application holds', async () => {
    const { id, secret } = await seedApplication('MACHINE_TO_MACHINE', { scopes: ['orders:read', 'orders:write'] });
    const config = await configFor(id, secret);
    const tokens = await client.clientCredentialsGrant(config, { resource: RESOURCE });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(900);
    expect(tokens.scope).toBe('orders:read orders:write');
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`), { [Symbol.for('jose.allowInsecure')]: true } as never);
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer, audience: RESOURCE, typ: 'at+jwt' });
    expect(protectedHeader.kid).toBe(t.deps.keys.current.signingKey.kid);
    expect(payload.scope).toBe('orders:read orders:write');
    expect(payload.client_id).toBe(id);
    expect(payload.sub).toBe(id);
    expect(payload.exp! - payload.iat!).toBe(900);
    // the secret is kept hashed; its use is recorded
    const row = await t.deps.db.applicationSecret.findFirst({ where: { applicationId: id } });
    expect(row!.secretHash).not.toContain(secret);
    expect(row!.lastUsedAt).not.toBeNull();
  });

  it('drops requested scopes the application does not hold (client_secret_post)', async () => {
    const { id, secret } = await seedApplication('MACHINE_TO_MACHINE', { scopes: ['orders:read'] });
    const config = await configFor(id, secret, 'post');
    const tokens = await client.clientCredentialsGrant(config, { resource: RESOURCE, scope: 'orders:read orders:admin nonsense' });
    expect(tokens.scope).toBe('orders:read');
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.scope).toBe('orders:read');
  });

  it('answers unsupported_grant_type (400) for a grant type the provider does not offer', async () => {
    const { id, secret } = await seedApplication('MACHINE_TO_MACHINE');
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: 'a', password: 'b' }),
      headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('unsupported_grant_type');
  });

  it('answers invalid_target (400) for an unknown resource', async () => {
    const { id, secret } = await seedApplication('MACHINE_TO_MACHINE', { scopes: ['orders:read'] });
    const config = await configFor(id, secret);
    expect(await oauthError(client.clientCredentialsGrant(config, { resource: 'https://unknown.example.test' }))).toEqual({ error: 'invalid_target', status: 400 });
  });

  it('answers invalid_client (401) for a wrong secret, an unknown client and an expired secret', async () => {
    const { id } = await seedApplication('MACHINE_TO_MACHINE', { scopes: ['orders:read'] });
    expect(await oauthError(client.clientCredentialsGrant(await configFor(id, 'wrong-secret'), { resource: RESOURCE }))).toEqual({ error: 'invalid_client', status: 401 });
    expect(await oauthError(client.clientCredentialsGrant(await configFor(randomUUID(), 'whatever'), { resource: RESOURCE }))).toEqual({ error: 'invalid_client', status: 401 });
    const expired = await seedApplication('MACHINE_TO_MACHINE', { scopes: ['orders:read'] });
    await t.deps.db.applicationSecret.updateMany({ where: { applicationId: expired.id }, data: { expiresAt: new Date(t.clock.now().getTime() - 1000) } });
    expect(await oauthError(client.clientCredentialsGrant(await configFor(expired.id, expired.secret), { resource: RESOURCE }))).toEqual({ error: 'invalid_client', status: 401 });
  });

  it('refuses client_credentials to public and non-M2M clients (unauthorized_client)', async () => {
    const spa = await seedApplication('SPA');
    expect(await oauthError(client.clientCredentialsGrant(await configFor(spa.id, null), { resource: RESOURCE }))).toEqual({ error: 'unauthorized_client', status: 400 });
    const web = await seedApplication('TRADITIONAL');
    expect(await oauthError(client.clientCredentialsGrant(await configFor(web.id, web.secret), { resource: RESOURCE }))).toEqual({ error: 'unauthorized_client', status: 400 });
  });

  it('rate-limits secret guessing per client (429 with Retry-After), even for the right secret afterwards', async () => {
    const { id, secret } = await seedApplication('MACHINE_TO_MACHINE', { scopes: ['orders:read'] });
    const wrong = await configFor(id, 'guess');
    for (let i = 0; i < 3; i++) expect((await oauthError(client.clientCredentialsGrant(wrong, { resource: RESOURCE }))).status).toBe(401);
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE }),
      headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await res.json()).error).toBe('rate_limited');
  });
});

describe('revocation and introspection', () => {
  it('introspects an opaque token (no resource), and reports it inactive once revoked', async () => {
    const { id, secret } = await seedApplication('MACHINE_TO_MACHINE', { scopes: ['orders:read'] });
    const config = await configFor(id, secret);
    const { access_token: token } = await client.clientCredentialsGrant(config);
    expect(token.split('.')).toHaveLength(1);
    const active = await client.tokenIntrospection(config, token);
    expect(active.active).toBe(true);
    expect(active.client_id).toBe(id);
    expect(active.aud).toBeUndefined();
    expect(await t.deps.db.oidcArtifact.count({ where: { kind: 'ClientCredentials' } })).toBeGreaterThan(0);
    await client.tokenRevocation(config, token);
    expect((await client.tokenIntrospection(config, token)).active).toBe(false);
  });

  it('does not let public clients introspect; JWT access tokens are self-contained (unsupported_token_type)', async () => {
    const m2m = await seedApplication('MACHINE_TO_MACHINE', { scopes: ['orders:read'] });
    const config = await configFor(m2m.id, m2m.secret);
    const { access_token: opaque } = await client.clientCredentialsGrant(config);
    const spa = await seedApplication('SPA');
    expect(await oauthError(client.tokenIntrospection(await configFor(spa.id, null), opaque))).toEqual({ error: 'invalid_client', status: 401 });
    const { access_token: jwt } = await client.clientCredentialsGrant(config, { resource: RESOURCE });
    expect(await oauthError(client.tokenIntrospection(config, jwt))).toEqual({ error: 'unsupported_token_type', status: 400 });
    expect(await oauthError(client.tokenIntrospection(await configFor(m2m.id, 'wrong'), opaque))).toEqual({ error: 'invalid_client', status: 401 });
  });

  it('purges expired artifacts', async () => {
    await t.deps.db.oidcArtifact.create({ data: { kind: 'ClientCredentials', id: 'old', payload: {}, expiresAt: new Date(t.clock.now().getTime() - 1000) } });
    expect(await t.services.oidcArtifacts.find('ClientCredentials', 'old')).toBeUndefined();
    expect(await t.services.oidcArtifacts.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await t.deps.db.oidcArtifact.count({ where: { id: 'old' } })).toBe(0);
  });
});

describe('signing keys', () => {
  it('signs with the new key after a rotation; tokens of the old key keep verifying', async () => {
    const { id, secret } = await seedApplication('MACHINE_TO_MACHINE', { scopes: ['orders:read'] });
    const config = await configFor(id, secret);
    const before = (await client.clientCredentialsGrant(config, { resource: RESOURCE })).access_token;
    const oldKid = decodeProtectedHeader(before).kid;
    const rotated = await t.services.signingKeys.rotate();
    expect(rotated.kid).not.toBe(oldKid);
    const after = (await client.clientCredentialsGrant(config, { resource: RESOURCE })).access_token;
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid);
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`), { cacheMaxAge: 0 } as never);
    await jwtVerify(after, jwks, { issuer, audience: RESOURCE });
    await jwtVerify(before, jwks, { issuer, audience: RESOURCE });
  });

  // Last: a default resource changes what a request without `resource` gets.
  it('uses the default API resource when the request names none', async () => {
    const { id, secret } = await seedApplication('MACHINE_TO_MACHINE', { scopes: ['orders:read'] });
    await t.deps.db.apiResource.update({ where: { indicator: RESOURCE }, data: { isDefault: true } });
    try {
      const tokens = await client.clientCredentialsGrant(await configFor(id, secret));
      const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString());
      expect(claims.aud).toBe(RESOURCE);
      expect(claims.scope).toBe('orders:read');
    } finally {
      await t.deps.db.apiResource.update({ where: { indicator: RESOURCE }, data: { isDefault: false } });
    }
  });
});
