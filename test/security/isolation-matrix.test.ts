// Tenant isolation, table-driven over the REST route table: every non-public route is called as
// the admin of tenant B aimed at tenant A (A's ids in the path, frontegg-tenant-id and
// frontegg-user-id pointing at A, A's ids in every plausible body field). Each call must be
// refused (4xx) or answer without any of A's identifiers, and A's rows must be unchanged after
// it. New routes join the matrix by being in `routes`; a new path-parameter name needs a line in
// PARAM_IDS (unknown names get a random UUID, which still checks the headers and body).
import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../src/rest/define-route.ts';
import { SERVICE_PREFIXES } from '../../src/rest/define-route.ts';
import { routes } from '../../src/rest/routes/index.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

/**
 * Public routes: they take no bearer token (credentials, emailed codes, refresh cookies), so
 * there is no "admin of B" to speak of. Matched on the path below the service prefix.
 */
const PUBLIC_ROUTES: Array<[method: string, pattern: RegExp, why: string]> = [
  ['POST', /^\/vendor$/, 'vendor credential exchange'],
  ['POST', /^\/resources\/auth\/v\d+\/user$/, 'password login'],
  ['POST', /\/token\/refresh$/, 'refresh by cookie or refresh token'],
  ['POST', /^\/resources\/auth\/v\d+\/logout$/, 'logout by refresh cookie'],
  ['POST', /^\/resources\/users\/v\d+\/signUp(\/|$)/, 'sign-up'],
  ['POST', /^\/resources\/auth\/v\d+\/api-token$/, 'API-token client credentials exchange'],
  ['POST', /^\/resources\/auth\/v\d+\/user\/mfa\//, 'MFA step of a login (mfaToken)'],
  ['POST', /\/(prelogin|postlogin)$/, 'passwordless / SSO / WebAuthn login steps'],
  ['POST', /^\/resources\/users\/v\d+\/passwords\/reset(\/|$)/, 'password reset by emailed token'],
  ['POST', /^\/resources\/users\/v\d+\/passwords\/reset\/email$/, 'password reset request'],
  ['GET', /^\/resources\/users\/v\d+\/activate\/strategy$/, 'activation by emailed token'],
  ['POST', /^\/resources\/users\/v\d+\/activate(\/|$)/, 'activation by emailed token'],
  ['POST', /^\/resources\/users\/v\d+\/invitation\/accept$/, 'invitation by token'],
  ['POST', /^\/resources\/tenants\/invites\/v\d+\/verify$/, 'tenant invite by token'],
  ['POST', /^\/resources\/users\/v\d+\/phone\/reset(\/verify)?$/, 'phone reset by code'],
  ['GET', /(^|\/)public$/, 'public configuration'],
  ['GET', /jwks|\.well-known/, 'public keys'],
];

const isPublic = (r: RouteDefinition) => PUBLIC_ROUTES.some(([m, re]) => m === r.method && re.test(r.path));

let t: TestGatehouse;
let vendor: string;
interface Victim {
  tenantId: string;
  adminId: string;
  adminEmail: string;
  memberId: string;
  memberEmail: string;
  roleId: string;
  groupId: string;
  sessionId: string;
  tenantTokenId: string;
  userTokenId: string;
  childTenantId: string;
}
let A: Victim;

/** Path-parameter name → A's id. `{id}` is ambiguous, so it is tried with every kind of A's ids. */
const paramIds = (): Record<string, string[]> => ({
  tenantId: [A.tenantId, A.childTenantId],
  userId: [A.adminId, A.memberId],
  roleId: [A.roleId],
  groupId: [A.groupId],
  sessionId: [A.sessionId],
  deviceId: [randomUUID()],
  key: ['tier'],
  id: [A.memberId, A.adminId, A.sessionId, A.tenantTokenId, A.userTokenId, A.roleId, A.groupId, A.tenantId],
});

/** Every plausible body field names A (zod strips what a route does not read). */
const probeBody = () => ({
  tenantId: A.tenantId,
  tenantIds: [A.tenantId],
  parentTenantId: A.tenantId,
  userId: A.memberId,
  userIds: [A.memberId],
  roleId: A.roleId,
  roleIds: [A.roleId],
  groupId: A.groupId,
  groupIds: [A.groupId],
  id: A.memberId,
  ids: [A.memberId],
  // a fresh address: an existing email would legitimately add that (global) user to B
  email: uniqueEmail('probe'),
  name: 'isolation-probe',
  description: 'isolation-probe',
  metadata: '{"probe":true}',
  allowAccess: true,
  password: 'a long enough passphrase',
  newPassword: 'another long passphrase',
  enabled: true,
  token: 'x',
  code: '000000',
});

const sensitive = () => [A.tenantId, A.adminId, A.adminEmail, A.memberId, A.memberEmail, A.roleId, A.groupId, A.sessionId, A.tenantTokenId, A.userTokenId, A.childTenantId];

/** A's rows, for before/after comparison. */
async function snapshotA() {
  const db = t.deps.db;
  const userIds = [A.adminId, A.memberId];
  return JSON.stringify({
    tenants: await db.tenant.findMany({ where: { id: { in: [A.tenantId, A.childTenantId] } }, orderBy: { id: 'asc' } }),
    memberships: await db.userTenant.findMany({ where: { tenantId: A.tenantId }, include: { roles: true }, orderBy: { id: 'asc' } }),
    users: await db.user.findMany({ where: { id: { in: userIds } }, include: { password: true, mfaDevices: true }, orderBy: { id: 'asc' } }),
    roles: await db.role.findMany({ where: { tenantId: A.tenantId }, include: { permissions: true }, orderBy: { id: 'asc' } }),
    groups: await db.group.findMany({ where: { tenantId: A.tenantId }, include: { users: true, roles: true }, orderBy: { id: 'asc' } }),
    sessions: await db.session.findMany({ where: { userId: { in: userIds } }, orderBy: { id: 'asc' } }),
    apiTokens: await db.apiToken.findMany({ where: { tenantId: A.tenantId }, orderBy: { id: 'asc' } }),
    policies: await db.policy.findMany({ where: { tenantId: A.tenantId }, orderBy: { id: 'asc' } }),
  });
}

beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
  const a = await signUp(t, { companyName: 'Victim' });
  const memberEmail = uniqueEmail('victim-member');
  const member = await t.rest('POST', '/identity/resources/users/v1', { token: vendor, headers: { 'frontegg-tenant-id': a.tenantId }, body: { email: memberEmail, password: 'a long enough passphrase' } });
  expect(member.status).toBe(201);
  const adminRole = await t.deps.db.role.findFirstOrThrow({ where: { tenantId: null, key: 'Admin' } });
  const tenantToken = await t.rest('POST', '/identity/resources/tenants/api-tokens/v1', { token: a.accessToken, body: { description: 'victim token', roleIds: [adminRole.id] } });
  expect(tenantToken.status, JSON.stringify(tenantToken.body)).toBeLessThan(300);
  const userToken = await t.rest('POST', '/identity/resources/users/api-tokens/v1', { token: a.accessToken, body: { description: 'victim user token' } });
  expect(userToken.status, JSON.stringify(userToken.body)).toBeLessThan(300);
  const child = await t.rest('POST', '/tenants/resources/sub-tenants/v1', { token: a.accessToken, body: { name: 'Victim child', parentTenantId: a.tenantId } });
  expect(child.status).toBe(201);
  // Roles and groups get their routes on other branches; their rows are fixtures here so those
  // routes, once merged, are probed with real ids of A.
  const db = t.deps.db;
  const role = await db.role.create({ data: { tenantId: a.tenantId, key: 'victim-role', name: 'Victim role' } });
  const group = await db.group.create({ data: { tenantId: a.tenantId, name: 'Victim group', users: { create: [{ userId: member.body.id }] } } });
  const session = await db.session.findFirstOrThrow({ where: { userId: a.userId } });
  const tokens = await db.apiToken.findMany({ where: { tenantId: a.tenantId }, orderBy: { createdAt: 'asc' } });
  A = {
    tenantId: a.tenantId,
    adminId: a.userId,
    adminEmail: a.email,
    memberId: member.body.id,
    memberEmail,
    roleId: role.id,
    groupId: group.id,
    sessionId: session.id,
    tenantTokenId: tokens.find((x) => x.userId === null)!.id,
    userTokenId: tokens.find((x) => x.userId !== null)!.id,
    childTenantId: child.body.tenantId,
  };
  await db.tenant.update({ where: { id: A.tenantId }, data: { metadata: { tier: 'gold' } } });
}, 60_000);
afterAll(() => t?.close());

/** Concrete paths for a route: every combination of A's ids for its parameters. */
function concretePaths(route: RouteDefinition): string[] {
  const ids = paramIds();
  let paths = [route.path];
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    const values = ids[name!] ?? [randomUUID()];
    paths = paths.flatMap((p) => values.map((v) => p.replace(`{${name}}`, encodeURIComponent(v))));
  }
  return paths;
}

const probed = routes.filter((r) => !isPublic(r));

describe('tenant isolation matrix (REST)', () => {
  it('has routes to probe and a skip list that only names public routes', () => {
    expect(probed.length).toBeGreaterThan(20);
    const skipped = routes.filter(isPublic).map((r) => `${r.method} ${r.path}`);
    // public routes answer without a token; none of the management routes may hide in the skip list
    // (verifying a tenant invite is public: it takes the invite token, not a bearer)
    for (const s of skipped) expect(s).not.toMatch(/\/(roles|groups|api-tokens|sub-tenants|hierarchy)\/|\/tenants\/(?!invites\/v\d+\/verify$)/);
  });

  it.each(probed.map((r) => [`${r.method} ${r.service} ${r.path}`, r] as const))('%s: B cannot reach A', async (_name, route) => {
    // a fresh B per route, so one route's side effects (logout, MFA) never weaken the next probe
    const b = await signUp(t, { companyName: 'Attacker' });
    const prefix = SERVICE_PREFIXES[route.service][0]!;
    const before = await snapshotA();
    for (const path of concretePaths(route)) {
      const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
      const r = await t.rest(route.method, `${prefix}${path}`, {
        token: b.accessToken,
        headers: { 'frontegg-tenant-id': A.tenantId, 'frontegg-user-id': A.memberId },
        ...(hasBody ? { body: probeBody() } : {}),
      });
      const where = `${route.method} ${prefix}${path} → ${r.status} ${JSON.stringify(r.body)?.slice(0, 300)}`;
      expect(r.status, where).toBeLessThan(500);
      if (r.status < 400) {
        const text = JSON.stringify(r.body ?? '');
        for (const secret of sensitive()) expect(text.includes(secret), `${where} leaks ${secret}`).toBe(false);
      }
    }
    expect(await snapshotA(), `${route.method} ${route.path} changed A's data`).toBe(before);
  });
});

const gql = (src: string) => parse(src) as TypedDocumentNode<any, any>;

/** Queries and mutations that name a tenant or its objects, aimed at A. */
const SENSITIVE_GRAPHQL: Array<[name: string, doc: string, vars: () => Record<string, unknown>]> = [
  ['user', 'query($id: ID!, $t: ID) { user(id: $id, tenantId: $t) { id email } }', () => ({ id: A.memberId, t: A.tenantId })],
  ['user (no tenant)', 'query($id: ID!) { user(id: $id) { id email } }', () => ({ id: A.memberId })],
  ['vendorUser', 'query($id: ID!) { vendorUser(id: $id) { id email } }', () => ({ id: A.memberId })],
  ['tenant', 'query($id: ID!) { tenant(id: $id) { id name metadata users(first: 10) { edges { node { user { id email } } } } roles { id } userCount } }', () => ({ id: A.tenantId })],
  ['tenants', '{ tenants(first: 1000) { edges { node { id name } } } }', () => ({})],
  ['tenantTree', 'query($id: ID) { tenantTree(rootId: $id) { root { id } descendants { id } } }', () => ({ id: A.tenantId })],
  ['subTenants', 'query($id: ID) { subTenants(tenantId: $id) { id } }', () => ({ id: A.tenantId })],
  ['searchSubTenants', 'query($id: ID) { searchSubTenants(tenantId: $id) { items { id } total } }', () => ({ id: A.tenantId })],
  ['tenantAncestors', 'query($id: ID) { tenantAncestors(tenantId: $id) { id } }', () => ({ id: A.childTenantId })],
  ['tenantUserCounts', 'query($ids: [ID!]!) { tenantUserCounts(tenantIds: $ids) { tenantId totalUsers } }', () => ({ ids: [A.tenantId] })],
  ['me (header A)', '{ me { id email tenants { tenantId } } }', () => ({})],
  ['myTenantHierarchy', '{ myTenantHierarchy { root { id } descendants { id } } }', () => ({})],
  [
    'updateSubTenant',
    'mutation($id: ID!) { updateSubTenant(id: $id, input: { name: "pwned" }) { __typename } }',
    () => ({ id: A.childTenantId }),
  ],
  ['deleteSubTenant', 'mutation($id: ID!) { deleteSubTenant(id: $id) { __typename } }', () => ({ id: A.childTenantId })],
  [
    'createSubTenant',
    'mutation($p: ID!) { createSubTenant(input: { name: "implant", parentTenantId: $p }) { __typename } }',
    () => ({ p: A.tenantId }),
  ],
  ['setTenantMetadata', 'mutation($id: ID!) { setTenantMetadata(id: $id, metadata: { pwned: true }) { __typename } }', () => ({ id: A.tenantId })],
  [
    'setSubTenantAccess',
    'mutation($u: ID!, $t: ID) { setSubTenantAccess(userId: $u, allowAccess: true, tenantId: $t) { __typename ... on Error { code } } }',
    () => ({ u: A.adminId, t: A.tenantId }),
  ],
  ['deleteTenant', 'mutation($id: ID!) { deleteTenant(id: $id) { __typename } }', () => ({ id: A.tenantId })],
];

describe('tenant isolation matrix (GraphQL)', () => {
  it.each(SENSITIVE_GRAPHQL)('%s: B cannot reach A', async (_name, doc, vars) => {
    const b = await signUp(t, { companyName: 'Attacker' });
    const before = await snapshotA();
    const r = await t.gql(gql(doc), vars(), { token: b.accessToken, headers: { 'frontegg-tenant-id': A.tenantId, 'frontegg-user-id': A.memberId } });
    expect(r.status).toBeLessThan(500);
    const text = JSON.stringify(r.data ?? null);
    for (const secret of sensitive()) expect(text.includes(secret), `${doc} leaks ${secret}: ${text.slice(0, 300)}`).toBe(false);
    expect(await snapshotA()).toBe(before);
  });
});
