// Applications as OAuth clients (vendor only, GraphQL): Logto's types, redirect URIs checked one by
// one (each bad form refused with a typed error and nothing written), CORS origins, secrets shown
// once and stored as a keyed hash, public clients without secrets, M2M role rules in both
// directions, Frontegg's applications as TRADITIONAL clients, and non-vendor callers refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

const doc = (source: string) => parse(source) as TypedDocumentNode<any, any>;
const gqlV = (d: TypedDocumentNode<any, any>, v: Record<string, unknown> = {}) => t.gql(d, v, { token: vendor });

const APP_FIELDS = 'id clientId name type description redirectUris postLogoutRedirectUris corsOrigins isThirdParty customData';
const CREATE = doc(`mutation($input: CreateOAuthApplicationInput!) { createOAuthApplication(input: $input) {
  __typename ... on Application { ${APP_FIELDS} } ... on Error { code message } } }`);
const UPDATE = doc(`mutation($id: ID!, $input: UpdateOAuthApplicationInput!) { updateOAuthApplication(id: $id, input: $input) {
  __typename ... on Application { ${APP_FIELDS} } ... on Error { code message } } }`);
const DELETE = doc(`mutation($id: ID!) { deleteApplication(id: $id) { __typename ... on DeleteApplicationSuccess { data } ... on Error { code } } }`);
const GET = doc(`query($id: ID!) { application(id: $id) { ${APP_FIELDS} secrets { id name createdAt expiresAt lastUsedAt } roles { id key type } } }`);
const LIST = doc(`query($types: [ApplicationType!], $first: Int, $after: String) { oauthApplications(types: $types, first: $first, after: $after) {
  edges { cursor node { id type } } pageInfo { hasNextPage endCursor } } }`);
const CREATE_SECRET = doc(`mutation($app: ID!, $input: CreateApplicationSecretInput!) { createApplicationSecret(applicationId: $app, input: $input) {
  __typename ... on CreatedApplicationSecret { secret applicationSecret { id name applicationId expiresAt } } ... on Error { code message } } }`);
const DELETE_SECRET = doc(`mutation($app: ID!, $name: String!) { deleteApplicationSecret(applicationId: $app, name: $name) {
  __typename ... on DeleteApplicationSecretSuccess { data } ... on Error { code } } }`);
const ASSIGN_ROLES = doc(`mutation($app: ID!, $roles: [ID!]!) { assignApplicationRoles(applicationId: $app, roleIds: $roles) {
  __typename ... on Application { roles { id } } ... on Error { code } } }`);
const REMOVE_ROLES = doc(`mutation($app: ID!, $roles: [ID!]!) { removeApplicationRoles(applicationId: $app, roleIds: $roles) {
  __typename ... on Application { roles { id } } ... on Error { code } } }`);
const CREATE_ROLES = doc(`mutation($input: [CreateRoleInput!]!, $tenantId: ID) { createRoles(input: $input, tenantId: $tenantId) {
  __typename ... on RoleList { roles { id key type } } ... on Error { code } } }`);

async function createApp(input: Record<string, unknown>) {
  const r = await gqlV(CREATE, { input });
  expect(r.data?.createOAuthApplication?.__typename, JSON.stringify(r)).toBe('Application');
  return r.data.createOAuthApplication as { id: string; [k: string]: unknown };
}

async function createRole(key: string, type: 'USER' | 'MACHINE_TO_MACHINE') {
  const r = await gqlV(CREATE_ROLES, { input: [{ key, name: key, type }] });
  expect(r.data?.createRoles?.__typename, JSON.stringify(r)).toBe('RoleList');
  return r.data.createRoles.roles[0] as { id: string; key: string; type: string };
}

describe('OAuth applications', () => {
  it('creates, reads, lists by type, updates and deletes a client', async () => {
    const spa = await createApp({
      name: 'Web',
      type: 'SPA',
      description: 'The dashboard',
      redirectUris: ['https://app.example.com/callback', 'http://localhost:5173/callback', 'https://app.example.com/callback'],
      postLogoutRedirectUris: ['https://app.example.com/'],
      corsOrigins: ['https://app.example.com'],
      isThirdParty: true,
      customData: { plan: 'pro' },
    });
    expect(spa).toMatchObject({
      clientId: spa.id,
      type: 'SPA',
      description: 'The dashboard',
      // exact strings, deduplicated, in order
      redirectUris: ['https://app.example.com/callback', 'http://localhost:5173/callback'],
      postLogoutRedirectUris: ['https://app.example.com/'],
      corsOrigins: ['https://app.example.com'],
      isThirdParty: true,
      customData: { plan: 'pro' },
    });
    const m2m = await createApp({ name: 'Worker', type: 'MACHINE_TO_MACHINE' });
    const native = await createApp({ name: 'Phone', type: 'NATIVE', redirectUris: ['com.example.app:/oauth2redirect', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb'] });
    expect(native.redirectUris).toHaveLength(3);

    const got = await gqlV(GET, { id: spa.id });
    expect(got.data.application).toMatchObject({ id: spa.id, name: 'Web', secrets: [], roles: [] });

    const onlyM2m = await gqlV(LIST, { types: ['MACHINE_TO_MACHINE'] });
    expect(onlyM2m.data.oauthApplications.edges.map((e: any) => e.node.id)).toEqual([m2m.id]);
    const unimplemented = await gqlV(LIST, { types: ['SAML'] });
    expect(unimplemented.data.oauthApplications.edges).toEqual([]);
    // Relay paging over all applications, oldest first.
    const page1 = await gqlV(LIST, { first: 2 });
    expect(page1.data.oauthApplications.edges.map((e: any) => e.node.id)).toEqual([spa.id, m2m.id]);
    expect(page1.data.oauthApplications.pageInfo.hasNextPage).toBe(true);
    const page2 = await gqlV(LIST, { first: 2, after: page1.data.oauthApplications.pageInfo.endCursor });
    expect(page2.data.oauthApplications.edges.map((e: any) => e.node.id)).toEqual([native.id]);

    const upd = await gqlV(UPDATE, { id: spa.id, input: { name: 'Web 2', redirectUris: ['https://app2.example.com/cb'], description: null, customData: { plan: 'free' } } });
    expect(upd.data.updateOAuthApplication).toMatchObject({
      name: 'Web 2',
      type: 'SPA',
      description: null,
      redirectUris: ['https://app2.example.com/cb'],
      postLogoutRedirectUris: ['https://app.example.com/'],
      corsOrigins: ['https://app.example.com'],
      customData: { plan: 'free' },
    });

    expect((await gqlV(DELETE, { id: spa.id })).data.deleteApplication.data).toBe(true);
    expect(await t.deps.db.application.findUnique({ where: { id: spa.id } })).toBeNull();
    expect((await gqlV(DELETE, { id: spa.id })).data.deleteApplication.code).toBe('application_not_found');
    expect((await gqlV(UPDATE, { id: spa.id, input: { name: 'x' } })).data.updateOAuthApplication.code).toBe('application_not_found');
    expect((await gqlV(GET, { id: spa.id })).errors?.[0]?.extensions?.code).toBe('application_not_found');
  });

  it('refuses each bad redirect URI with a typed error and writes nothing', async () => {
    const before = await t.deps.db.application.count();
    const bad: Array<[string, string]> = [
      ['SPA', 'http://app.example.com/cb'], // http off loopback
      ['SPA', 'http://localhost.evil.example/cb'], // not a loopback host
      ['SPA', 'https://app.example.com/cb#frag'], // fragment
      ['SPA', 'https://app.example.com/cb#'], // empty fragment
      ['SPA', 'https://*.example.com/cb'], // wildcard host
      ['TRADITIONAL', 'https://app.example.com/*'], // wildcard path
      ['SPA', '/callback'], // relative
      ['SPA', 'app.example.com/cb'], // no scheme
      ['SPA', 'https://user:pw@app.example.com/cb'], // userinfo
      ['SPA', 'https://app.example.com/c b'], // whitespace
      ['SPA', ''],
      ['SPA', `https://app.example.com/${'a'.repeat(2100)}`], // too long
      ['SPA', 'com.example.app:/cb'], // custom scheme: native only
      ['TRADITIONAL', 'com.example.app:/cb'],
      ['NATIVE', 'javascript:alert(1)'],
      ['NATIVE', 'data:text/html,hi'],
      ['NATIVE', 'file:///etc/passwd'],
      ['NATIVE', 'myapp:/cb'], // private-use schemes are reverse domain names (RFC 8252 §7.1)
      ['NATIVE', 'http://example.com/cb'],
      ['MACHINE_TO_MACHINE', 'https://worker.example.com/cb'], // M2M never redirects
    ];
    for (const [type, uri] of bad) {
      for (const field of ['redirectUris', 'postLogoutRedirectUris']) {
        const r = await gqlV(CREATE, { input: { name: 'Bad', type, [field]: ['https://ok.example.com/cb', uri].slice(type === 'MACHINE_TO_MACHINE' ? 1 : 0) } });
        expect(r.data?.createOAuthApplication, `${type} ${field} ${uri}`).toMatchObject({ __typename: 'ValidationError', code: 'application_redirect_uri_invalid' });
      }
    }
    const tooMany = await gqlV(CREATE, { input: { name: 'Bad', type: 'SPA', redirectUris: Array.from({ length: 51 }, (_, i) => `https://app.example.com/${i}`) } });
    expect(tooMany.data.createOAuthApplication.code).toBe('application_redirect_uri_invalid');
    expect(await t.deps.db.application.count()).toBe(before);

    // The same rules on update, against the stored type.
    const app = await createApp({ name: 'Good', type: 'SPA', redirectUris: ['https://app.example.com/cb'] });
    const r = await gqlV(UPDATE, { id: app.id, input: { redirectUris: ['https://app.example.com/cb#x'] } });
    expect(r.data.updateOAuthApplication.code).toBe('application_redirect_uri_invalid');
    const row = await t.deps.db.application.findUniqueOrThrow({ where: { id: app.id } });
    expect(row.redirectUris).toEqual(['https://app.example.com/cb']);
  });

  it('accepts CORS origins in origin form only', async () => {
    for (const origin of ['https://app.example.com/', 'https://app.example.com/path', 'http://app.example.com', '*', 'https://*.example.com', 'https://APP.example.com', 'null', 'https://u@app.example.com']) {
      const r = await gqlV(CREATE, { input: { name: 'Cors', type: 'SPA', corsOrigins: [origin] } });
      expect(r.data.createOAuthApplication, origin).toMatchObject({ __typename: 'ValidationError', code: 'application_cors_origin_invalid' });
    }
    const ok = await createApp({ name: 'Cors', type: 'SPA', corsOrigins: ['https://app.example.com', 'https://app.example.com:8443', 'http://localhost:3000'] });
    expect(ok.corsOrigins).toEqual(['https://app.example.com', 'https://app.example.com:8443', 'http://localhost:3000']);
  });

  it('bounds customData and answers not_implemented for Protected and SAML applications', async () => {
    const big = await gqlV(CREATE, { input: { name: 'Big', type: 'SPA', customData: { blob: 'x'.repeat(17 * 1024) } } });
    expect(big.data.createOAuthApplication).toMatchObject({ __typename: 'ValidationError', code: 'validation_failed' });
    for (const type of ['PROTECTED', 'SAML']) {
      const r = await gqlV(CREATE, { input: { name: 'Later', type } });
      expect(r.data.createOAuthApplication).toMatchObject({ __typename: 'NotImplementedError', code: 'not_implemented' });
    }
  });

  it('shows a secret once and stores only its keyed hash; public clients have none', async () => {
    const web = await createApp({ name: 'Server', type: 'TRADITIONAL', redirectUris: ['https://server.example.com/cb'] });
    const r = await gqlV(CREATE_SECRET, { app: web.id, input: { name: 'default' } });
    const created = r.data.createApplicationSecret;
    expect(created.__typename, JSON.stringify(r)).toBe('CreatedApplicationSecret');
    const secret = created.secret as string;
    expect(secret.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    expect(created.applicationSecret).toMatchObject({ name: 'default', applicationId: web.id, expiresAt: null });

    const row = await t.deps.db.applicationSecret.findUniqueOrThrow({ where: { id: created.applicationSecret.id } });
    expect(row.secretHash).not.toBe(secret);
    expect(row.secretHash).toBe(t.deps.secrets.hashToken(secret));
    expect(JSON.stringify(row)).not.toContain(secret);

    const expiresAt = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
    const second = await gqlV(CREATE_SECRET, { app: web.id, input: { name: 'rotation', expiresAt } });
    expect(second.data.createApplicationSecret.applicationSecret.expiresAt).toBe(expiresAt);
    expect(second.data.createApplicationSecret.secret).not.toBe(secret);

    // Listed by name and dates; the value never again (the raw response carries neither value nor hash).
    const res = await t.rest('POST', '/graphql', { token: vendor, body: { query: `{ application(id: "${web.id}") { secrets { id name createdAt expiresAt lastUsedAt } } }` } });
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(second.data.createApplicationSecret.secret);
    expect(text).not.toContain(row.secretHash);
    expect((res.body as any).data.application.secrets.map((s: any) => s.name)).toEqual(['rotation', 'default']);

    expect((await gqlV(CREATE_SECRET, { app: web.id, input: { name: 'default' } })).data.createApplicationSecret.code).toBe('application_secret_already_exists');
    const past = new Date(t.clock.now().getTime() - 1000).toISOString();
    expect((await gqlV(CREATE_SECRET, { app: web.id, input: { name: 'old', expiresAt: past } })).data.createApplicationSecret.code).toBe('validation_failed');
    expect((await gqlV(CREATE_SECRET, { app: 'no-such-app', input: { name: 'x' } })).data.createApplicationSecret.code).toBe('application_not_found');

    expect((await gqlV(DELETE_SECRET, { app: web.id, name: 'default' })).data.deleteApplicationSecret.data).toBe(true);
    expect(await t.deps.db.applicationSecret.findUnique({ where: { id: row.id } })).toBeNull();
    expect((await gqlV(DELETE_SECRET, { app: web.id, name: 'default' })).data.deleteApplicationSecret.code).toBe('application_secret_not_found');
    expect((await gqlV(DELETE_SECRET, { app: 'no-such-app', name: 'default' })).data.deleteApplicationSecret.code).toBe('application_not_found');

    // Public clients (PKCE, auth method none) refuse secrets.
    for (const type of ['SPA', 'NATIVE']) {
      const pub = await createApp({ name: `Public ${type}`, type });
      const refused = await gqlV(CREATE_SECRET, { app: pub.id, input: { name: 'default' } });
      expect(refused.data.createApplicationSecret).toMatchObject({ __typename: 'ValidationError', code: 'application_secret_not_allowed' });
      expect(await t.deps.db.applicationSecret.count({ where: { applicationId: pub.id } })).toBe(0);
    }
    // M2M clients are confidential too.
    const m2m = await createApp({ name: 'Job', type: 'MACHINE_TO_MACHINE' });
    expect((await gqlV(CREATE_SECRET, { app: m2m.id, input: { name: 'default' } })).data.createApplicationSecret.__typename).toBe('CreatedApplicationSecret');
    // Deleting the application deletes its secrets.
    await gqlV(DELETE, { id: m2m.id });
    expect(await t.deps.db.applicationSecret.count({ where: { applicationId: m2m.id } })).toBe(0);
  });

  it("makes Frontegg's applications TRADITIONAL clients that can be configured here", async () => {
    const fe = await gqlV(doc(`mutation { createApplication(input: { name: "Frontegg app", appUrl: "https://fe.example.com" }) { ... on Application { id type redirectUris appUrl } } }`));
    const app = fe.data.createApplication;
    expect(app).toMatchObject({ type: 'TRADITIONAL', redirectUris: [], appUrl: 'https://fe.example.com' });
    const upd = await gqlV(UPDATE, { id: app.id, input: { redirectUris: ['https://fe.example.com/oauth/callback'] } });
    expect(upd.data.updateOAuthApplication.redirectUris).toEqual(['https://fe.example.com/oauth/callback']);
    expect((await gqlV(CREATE_SECRET, { app: app.id, input: { name: 'default' } })).data.createApplicationSecret.__typename).toBe('CreatedApplicationSecret');
  });

  it('gives machine roles to M2M applications only, and never to users, groups or API tokens', async () => {
    const machine = await createRole('m2m-reader', 'MACHINE_TO_MACHINE');
    expect(machine.type).toBe('MACHINE_TO_MACHINE');
    const person = await createRole('person-role', 'USER');
    const m2m = await createApp({ name: 'Sync', type: 'MACHINE_TO_MACHINE' });
    const web = await createApp({ name: 'Site', type: 'TRADITIONAL' });

    const ok = await gqlV(ASSIGN_ROLES, { app: m2m.id, roles: [machine.id, machine.id] });
    expect(ok.data.assignApplicationRoles.roles).toEqual([{ id: machine.id }]);
    expect((await gqlV(ASSIGN_ROLES, { app: m2m.id, roles: [machine.id] })).data.assignApplicationRoles.roles).toHaveLength(1);
    expect((await gqlV(ASSIGN_ROLES, { app: m2m.id, roles: [person.id] })).data.assignApplicationRoles).toMatchObject({ __typename: 'ValidationError', code: 'role_not_for_applications' });
    expect((await gqlV(ASSIGN_ROLES, { app: m2m.id, roles: ['no-such-role'] })).data.assignApplicationRoles.code).toBe('role_ids_invalid');
    expect((await gqlV(ASSIGN_ROLES, { app: web.id, roles: [machine.id] })).data.assignApplicationRoles).toMatchObject({ code: 'application_roles_not_allowed' });
    expect((await gqlV(ASSIGN_ROLES, { app: 'no-such-app', roles: [machine.id] })).data.assignApplicationRoles.code).toBe('application_not_found');
    expect((await gqlV(GET, { id: m2m.id })).data.application.roles).toEqual([{ id: machine.id, key: 'm2m-reader', type: 'MACHINE_TO_MACHINE' }]);
    expect((await gqlV(REMOVE_ROLES, { app: m2m.id, roles: [machine.id] })).data.removeApplicationRoles.roles).toEqual([]);

    // Machine roles: vendor-wide, not default, not first-user, type fixed.
    const a = await signUp(t);
    expect((await t.gql(CREATE_ROLES, { input: [{ key: 'tenant-m2m', name: 'x', type: 'MACHINE_TO_MACHINE' }] }, { token: a.accessToken })).data.createRoles.code).toBe('role_type_invalid');
    expect((await gqlV(CREATE_ROLES, { input: [{ key: 'tenant-m2m', name: 'x', type: 'MACHINE_TO_MACHINE' }], tenantId: a.tenantId })).data.createRoles.code).toBe('role_type_invalid');
    expect((await gqlV(CREATE_ROLES, { input: [{ key: 'default-m2m', name: 'x', type: 'MACHINE_TO_MACHINE', isDefault: true }] })).data.createRoles.code).toBe('role_type_invalid');
    const updDefault = await gqlV(doc(`mutation($id: ID!) { updateRole(id: $id, input: { isDefault: true }) { __typename ... on Error { code } } }`), { id: machine.id });
    expect(updDefault.data.updateRole.code).toBe('role_type_invalid');
    // Frontegg's REST roles stay USER roles.
    const fe = await t.rest('POST', '/identity/resources/roles/v1', { token: a.accessToken, body: [{ key: 'fe-role', name: 'FE' }] });
    expect(fe.status, JSON.stringify(fe.body)).toBe(201);
    expect((await t.deps.db.role.findFirstOrThrow({ where: { key: 'fe-role', tenantId: a.tenantId } })).type).toBe('USER');

    // A machine role cannot go to a user, a group, a new user or an API token.
    const onUser = await t.rest('POST', `/identity/resources/users/v1/${a.userId}/roles`, { token: a.accessToken, body: { roleIds: [machine.id] } });
    expect(onUser.status).toBe(400);
    expect((onUser.body as any).errorCode).toBe('role_not_for_users');
    const group = await t.rest('POST', '/identity/resources/groups/v1', { token: a.accessToken, body: { name: 'G' } });
    const onGroup = await t.rest('POST', `/identity/resources/groups/v1/${(group.body as any).id}/roles`, { token: a.accessToken, body: { roleIds: [machine.id] } });
    expect((onGroup.body as any).errorCode).toBe('role_not_for_users');
    const onToken = await t.rest('POST', '/identity/resources/tenants/api-tokens/v1', { token: a.accessToken, body: { description: 'x', roleIds: [machine.id] } });
    expect((onToken.body as any).errorCode).toBe('role_not_for_users');
    const onInvite = await t.rest('POST', '/identity/resources/users/v2', { token: a.accessToken, body: { email: `m2m-${Date.now()}@example.com`, roleIds: [machine.id] } });
    expect(onInvite.status).toBeGreaterThanOrEqual(400);
    expect(onInvite.status).toBeLessThan(500);
    const memberships = await t.deps.db.userTenantRole.count({ where: { roleId: machine.id } });
    expect(memberships).toBe(0);
    expect(await t.deps.db.groupRole.count({ where: { roleId: machine.id } })).toBe(0);
  });

  it('refuses every application field and mutation to non-vendor callers', async () => {
    const a = await signUp(t);
    const app = await createApp({ name: 'Private', type: 'TRADITIONAL' });
    for (const token of [a.accessToken, undefined]) {
      const expected = token ? 'auth_forbidden' : 'auth_unauthenticated';
      const o = token ? { token } : {};
      expect((await t.gql(GET, { id: app.id }, o)).errors?.[0]?.extensions?.code).toBe(expected);
      expect((await t.gql(LIST, {}, o)).errors?.[0]?.extensions?.code).toBe(expected);
      expect((await t.gql(CREATE, { input: { name: 'x', type: 'SPA' } }, o)).data.createOAuthApplication.code).toBe(expected);
      expect((await t.gql(UPDATE, { id: app.id, input: { name: 'x' } }, o)).data.updateOAuthApplication.code).toBe(expected);
      expect((await t.gql(DELETE, { id: app.id }, o)).data.deleteApplication.code).toBe(expected);
      expect((await t.gql(CREATE_SECRET, { app: app.id, input: { name: 'x' } }, o)).data.createApplicationSecret.code).toBe(expected);
      expect((await t.gql(DELETE_SECRET, { app: app.id, name: 'x' }, o)).data.deleteApplicationSecret.code).toBe(expected);
      expect((await t.gql(ASSIGN_ROLES, { app: app.id, roles: ['x'] }, o)).data.assignApplicationRoles.code).toBe(expected);
      expect((await t.gql(REMOVE_ROLES, { app: app.id, roles: ['x'] }, o)).data.removeApplicationRoles.code).toBe(expected);
    }
    // node(id) answers null for a tenant caller, like an unknown id.
    expect((await t.gql(doc(`query($id: ID!) { node(id: $id) { id } }`), { id: app.id }, { token: a.accessToken })).data.node).toBeNull();
    expect(await t.deps.db.application.findUnique({ where: { id: app.id } })).not.toBeNull();
    expect(await t.deps.db.applicationSecret.count({ where: { applicationId: app.id } })).toBe(0);
  });
});
