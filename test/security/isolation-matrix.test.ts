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
import { schema } from '../../src/graphql/schema.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { documentFor, rootFields, type Pick, type RootField } from '../helpers/schema-probe.ts';

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
  /** Something of A in every listing, so a listing that reads the wrong tenant shows it. */
  username: string;
  secondEmailId: string;
  secondEmail: string;
  phoneId: string;
  phoneNumber: string;
  jobId: string;
  inviteId: string;
  ipRestrictionId: string;
  ipRestriction: string;
  domainRestrictionId: string;
  domainRestriction: string;
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
  username: [A.username],
  emailId: [A.secondEmailId],
  phoneId: [A.phoneId],
  migrationId: [A.jobId],
  id: [
    A.memberId, A.adminId, A.sessionId, A.tenantTokenId, A.userTokenId, A.roleId, A.groupId, A.tenantId,
    A.jobId, A.inviteId, A.phoneId, A.secondEmailId, A.ipRestrictionId, A.domainRestrictionId,
  ],
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

const sensitive = () => [
  A.tenantId, A.adminId, A.adminEmail, A.memberId, A.memberEmail, A.roleId, A.groupId, A.sessionId, A.tenantTokenId, A.userTokenId, A.childTenantId,
  A.username, A.secondEmailId, A.secondEmail, A.phoneId, A.phoneNumber, A.jobId, A.inviteId,
  A.ipRestrictionId, A.ipRestriction, A.domainRestrictionId, A.domainRestriction,
];

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
    emails: await db.userEmail.findMany({ where: { userId: { in: userIds } }, orderBy: { id: 'asc' } }),
    phones: await db.userPhoneNumber.findMany({ where: { userId: { in: userIds } }, orderBy: { id: 'asc' } }),
    jobs: await db.job.findMany({ where: { tenantId: A.tenantId }, orderBy: { id: 'asc' } }),
    invites: await db.invitation.findMany({ where: { tenantId: A.tenantId }, orderBy: { id: 'asc' } }),
    restrictions: await db.restrictionEntry.findMany({ where: { tenantId: A.tenantId }, orderBy: { id: 'asc' } }),
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
  const tag = randomUUID().slice(0, 8);
  const username = `victim-${tag}`;
  await db.user.update({ where: { id: member.body.id }, data: { username } });
  const secondEmail = `victim-second-${tag}@example.test`;
  const email2 = await db.userEmail.create({ data: { userId: member.body.id, email: secondEmail, verifiedAt: new Date() } });
  const phoneNumber = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const phone = await db.userPhoneNumber.create({ data: { userId: member.body.id, phoneNumber, verifiedAt: new Date() } });
  const job = await db.job.create({ data: { kind: 'users.bulk-invite', tenantId: a.tenantId, status: 'COMPLETED', input: { probe: tag } } });
  const invite = await db.invitation.create({
    data: { tenantId: a.tenantId, inviterUserId: a.userId, tokenHash: `victim-${randomUUID()}`, expiresAt: new Date(Date.now() + 86_400_000) },
  });
  const ipRestriction = `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
  const ip = await db.restrictionEntry.create({ data: { kind: 'IP', tenantId: a.tenantId, value: ipRestriction, strategy: 'ALLOW' } });
  const domainRestriction = `victim-${tag}.example`;
  const domain = await db.restrictionEntry.create({ data: { kind: 'EMAIL_DOMAIN', tenantId: a.tenantId, value: domainRestriction, strategy: 'BLOCK' } });
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
    username,
    secondEmailId: email2.id,
    secondEmail,
    phoneId: phone.id,
    phoneNumber,
    jobId: job.id,
    inviteId: invite.id,
    ipRestrictionId: ip.id,
    ipRestriction,
    domainRestrictionId: domain.id,
    domainRestriction,
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

/**
 * A's id for an argument, by its name (and the field's, for a bare `id`). Queries get A's real
 * email and username (a lookup by them must not find A's user); mutations a fresh address, as
 * an existing one may legitimately join that (global) user to B.
 */
function pickFor(fieldName: string, operation: 'query' | 'mutation'): Pick {
  const idOf = (name: string): string => {
    if (/^(tenantId|rootId|parentTenantId|parentId)$/.test(name)) return A.tenantId;
    if (/group/i.test(name)) return A.groupId;
    if (/role/i.test(name)) return A.roleId;
    if (/session/i.test(name)) return A.sessionId;
    if (/user/i.test(name)) return A.memberId;
    if (/job|migration/i.test(name)) return A.jobId;
    if (name !== 'id' && name !== 'ids') return randomUUID();
    const f = fieldName;
    if (/group/i.test(f)) return A.groupId;
    if (/role/i.test(f)) return A.roleId;
    if (/session/i.test(f)) return A.sessionId;
    if (/userApiToken|userAccessToken/i.test(f)) return A.userTokenId;
    if (/token/i.test(f)) return A.tenantTokenId;
    if (/invite|invitation/i.test(f)) return A.inviteId;
    if (/domain/i.test(f)) return A.domainRestrictionId;
    if (/restriction|ip/i.test(f)) return A.ipRestrictionId;
    if (/email/i.test(f)) return A.secondEmailId;
    if (/phone/i.test(f)) return A.phoneId;
    if (/job|bulk|migration/i.test(f)) return A.jobId;
    if (/tenant/i.test(f)) return A.tenantId;
    return A.memberId;
  };
  return (name, scalar) => {
    if (name === 'tenantIds') return [A.tenantId, A.childTenantId];
    switch (scalar) {
      case 'ID':
        return idOf(name);
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return true;
      case 'DateTime':
        return new Date(Date.now() + 86_400_000).toISOString();
      case 'JSONObject':
        return { probe: true };
      default:
        if (/email/i.test(name)) return operation === 'query' ? A.memberEmail : uniqueEmail('probe');
        if (/username/i.test(name)) return A.username;
        if (/userId|tenantId/.test(name)) return idOf(name);
        return 'isolation-probe';
    }
  };
}

const FORGED = () => ({ 'frontegg-tenant-id': A.tenantId, 'frontegg-user-id': A.memberId });
const tenantFields = rootFields(schema).filter((r) => r.tenantArgs);
// Every query, tenant argument or not, also runs with the forged Frontegg headers: a user token
// must act in its own tenant whatever frontegg-tenant-id says (listings included).
const queryFields = rootFields(schema).filter((r) => r.operation === 'query');

/** Runs the generated document, shrinking the selection until graphql-armor's limits accept it. */
async function probe(root: RootField, token: string, headers: Record<string, string> = {}) {
  for (let depth = 2; ; depth--) {
    const { source, variables } = documentFor(root, pickFor(root.field.name, root.operation), depth);
    const r = await t.gql(gql(source), variables, { token, headers });
    const invalid = r.errors?.find((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
    if (invalid && depth > 0) continue;
    expect(invalid, `${source}: ${invalid?.message}`).toBeUndefined();
    return { source, ...r };
  }
}

describe('tenant isolation matrix (generated from the schema)', () => {
  it('finds the tenant-selecting fields', () => {
    const names = tenantFields.map((r) => r.field.name);
    expect(names).toEqual(expect.arrayContaining(['groups', 'roles', 'users', 'tenantApiTokens', 'createGroup', 'subTenants']));
    expect(names.length).toBeGreaterThan(60);
  });

  const rows = [
    ...tenantFields.map((r) => [`${r.operation} ${r.field.name}(tenantId: A)`, r, false] as const),
    ...tenantFields.map((r) => [`${r.operation} ${r.field.name}(tenantId: A) + forged headers`, r, true] as const),
    ...queryFields.filter((r) => !r.tenantArgs).map((r) => [`query ${r.field.name} + forged headers`, r, true] as const),
  ];
  it.each(rows)('%s: refused or nothing of A', async (_name, root, forged) => {
    const b = await signUp(t, { companyName: 'Attacker' });
    const before = await snapshotA();
    const r = await probe(root, b.accessToken, forged ? FORGED() : {});
    expect(r.status).toBeLessThan(500);
    const text = JSON.stringify(r.data ?? null);
    for (const secret of sensitive()) expect(text.includes(secret), `${r.source} leaks ${secret}: ${text.slice(0, 300)}`).toBe(false);
    expect(await snapshotA(), `${root.field.name} changed A's data`).toBe(before);
  });
});
