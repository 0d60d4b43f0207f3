// API resources (vendor only, GraphQL): indicator rules (absolute URI, no fragment, unique, fixed),
// token TTL bounds, at most one default even when set concurrently, scopes per resource, the
// scopes roles carry, and non-vendor callers refused.
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

const RESOURCE = 'id name indicator accessTokenTtl isDefault scopes { id name description }';
const CREATE = doc(`mutation($input: CreateApiResourceInput!) { createApiResource(input: $input) {
  __typename ... on ApiResource { ${RESOURCE} } ... on Error { code message } } }`);
const UPDATE = doc(`mutation($id: ID!, $input: UpdateApiResourceInput!) { updateApiResource(id: $id, input: $input) {
  __typename ... on ApiResource { ${RESOURCE} } ... on Error { code message } } }`);
const SET_DEFAULT = doc(`mutation($id: ID!, $on: Boolean!) { setDefaultApiResource(id: $id, isDefault: $on) {
  __typename ... on ApiResource { id isDefault } ... on Error { code } } }`);
const DELETE = doc(`mutation($id: ID!) { deleteApiResource(id: $id) { __typename ... on DeleteApiResourceSuccess { data } ... on Error { code } } }`);
const GET = doc(`query($id: ID!) { apiResource(id: $id) { ${RESOURCE} } }`);
const LIST = doc(`query($first: Int, $after: String) { apiResources(first: $first, after: $after) { edges { node { id indicator } } pageInfo { hasNextPage endCursor } } }`);
const CREATE_SCOPE = doc(`mutation($r: ID!, $input: CreateApiScopeInput!) { createApiScope(resourceId: $r, input: $input) {
  __typename ... on ApiScope { id name description resourceId resource { indicator } } ... on Error { code message } } }`);
const UPDATE_SCOPE = doc(`mutation($id: ID!, $input: UpdateApiScopeInput!) { updateApiScope(id: $id, input: $input) {
  __typename ... on ApiScope { id name description } ... on Error { code } } }`);
const DELETE_SCOPE = doc(`mutation($id: ID!) { deleteApiScope(id: $id) { __typename ... on DeleteApiScopeSuccess { data } ... on Error { code } } }`);
const ASSIGN = doc(`mutation($role: ID!, $scopes: [ID!]!) { assignRoleScopes(roleId: $role, scopeIds: $scopes) {
  __typename ... on ApiScopeList { scopes { id name } } ... on Error { code } } }`);
const REMOVE = doc(`mutation($role: ID!, $scopes: [ID!]!) { removeRoleScopes(roleId: $role, scopeIds: $scopes) {
  __typename ... on ApiScopeList { scopes { id name } } ... on Error { code } } }`);
const ROLE_SCOPES = doc(`query($role: ID!) { roleScopes(roleId: $role) { id name resourceId } }`);
const CREATE_ROLES = doc(`mutation($input: [CreateRoleInput!]!) { createRoles(input: $input) { __typename ... on RoleList { roles { id type } } ... on Error { code } } }`);

let seq = 0;
const indicator = () => `https://api-${Date.now().toString(36)}-${seq++}.example.com`;

async function createResource(input: Record<string, unknown> = {}) {
  const r = await gqlV(CREATE, { input: { name: 'API', indicator: indicator(), ...input } });
  expect(r.data?.createApiResource?.__typename, JSON.stringify(r)).toBe('ApiResource');
  return r.data.createApiResource as { id: string; indicator: string; [k: string]: unknown };
}

async function createScope(resourceId: string, name: string) {
  const r = await gqlV(CREATE_SCOPE, { r: resourceId, input: { name } });
  expect(r.data?.createApiScope?.__typename, JSON.stringify(r)).toBe('ApiScope');
  return r.data.createApiScope as { id: string; name: string };
}

describe('API resources', () => {
  it('creates, reads, pages, updates (indicator fixed) and deletes a resource', async () => {
    const first = await gqlV(LIST, {});
    const existing = first.data.apiResources.edges.length;
    const a = await createResource({ name: 'Orders' });
    expect(a).toMatchObject({ name: 'Orders', accessTokenTtl: 3600, isDefault: false, scopes: [] });
    const b = await createResource({ name: 'Billing', indicator: 'urn:example:billing', accessTokenTtl: 600 });
    expect(b).toMatchObject({ indicator: 'urn:example:billing', accessTokenTtl: 600 });

    expect((await gqlV(GET, { id: a.id })).data.apiResource).toMatchObject({ id: a.id, indicator: a.indicator });
    const page = await gqlV(LIST, { first: existing + 1 });
    expect(page.data.apiResources.edges.at(-1).node.id).toBe(a.id);
    const next = await gqlV(LIST, { first: 5, after: page.data.apiResources.pageInfo.endCursor });
    expect(next.data.apiResources.edges.map((e: any) => e.node.id)).toEqual([b.id]);

    const upd = await gqlV(UPDATE, { id: a.id, input: { name: 'Orders v2', accessTokenTtl: 120 } });
    expect(upd.data.updateApiResource).toMatchObject({ name: 'Orders v2', accessTokenTtl: 120, indicator: a.indicator });
    // The indicator is fixed: the update input has no such field (refused by validation, not ignored).
    const withIndicator = await gqlV(UPDATE, { id: a.id, input: { indicator: 'https://other.example.com' } });
    expect(withIndicator.errors?.[0]?.message).toMatch(/indicator/);

    expect((await gqlV(DELETE, { id: a.id })).data.deleteApiResource.data).toBe(true);
    expect((await gqlV(DELETE, { id: a.id })).data.deleteApiResource.code).toBe('api_resource_not_found');
    expect((await gqlV(UPDATE, { id: a.id, input: { name: 'x' } })).data.updateApiResource.code).toBe('api_resource_not_found');
    expect((await gqlV(GET, { id: a.id })).errors?.[0]?.extensions?.code).toBe('api_resource_not_found');
  });

  it('refuses bad and duplicate indicators and out-of-range token lifetimes', async () => {
    const before = await t.deps.db.apiResource.count();
    for (const bad of ['', 'api.example.com', '/relative', 'https://api.example.com/#frag', 'https://*.example.com', 'https://api.example.com/a b', `https://api.example.com/${'a'.repeat(2100)}`]) {
      const r = await gqlV(CREATE, { input: { name: 'Bad', indicator: bad } });
      expect(r.data.createApiResource, bad).toMatchObject({ __typename: 'ValidationError', code: 'api_resource_indicator_invalid' });
    }
    for (const ttl of [59, 86_401, 0, -1]) {
      const r = await gqlV(CREATE, { input: { name: 'Bad', indicator: indicator(), accessTokenTtl: ttl } });
      expect(r.data.createApiResource, String(ttl)).toMatchObject({ __typename: 'ValidationError', code: 'validation_failed' });
    }
    expect(await t.deps.db.apiResource.count()).toBe(before);
    await createResource({ accessTokenTtl: 60 });
    const max = await createResource({ accessTokenTtl: 86_400 });
    expect((await gqlV(UPDATE, { id: max.id, input: { accessTokenTtl: 86_401 } })).data.updateApiResource.code).toBe('validation_failed');
    const dup = await gqlV(CREATE, { input: { name: 'Dup', indicator: max.indicator } });
    expect(dup.data.createApiResource).toMatchObject({ __typename: 'ConflictError', code: 'api_resource_already_exists' });
  });

  it('keeps at most one default resource, also when several are set at once', async () => {
    const a = await createResource();
    const b = await createResource();
    expect((await gqlV(SET_DEFAULT, { id: a.id, on: true })).data.setDefaultApiResource.isDefault).toBe(true);
    expect((await gqlV(SET_DEFAULT, { id: b.id, on: true })).data.setDefaultApiResource.isDefault).toBe(true);
    expect((await gqlV(GET, { id: a.id })).data.apiResource.isDefault).toBe(false);
    expect((await t.deps.db.apiResource.findMany({ where: { isDefault: true } })).map((r) => r.id)).toEqual([b.id]);
    expect((await gqlV(SET_DEFAULT, { id: b.id, on: false })).data.setDefaultApiResource.isDefault).toBe(false);
    expect(await t.deps.db.apiResource.count({ where: { isDefault: true } })).toBe(0);
    expect((await gqlV(SET_DEFAULT, { id: 'no-such-resource', on: true })).data.setDefaultApiResource.code).toBe('api_resource_not_found');

    const many = await Promise.all(Array.from({ length: 4 }, () => createResource()));
    const results = await Promise.all(many.map((r) => gqlV(SET_DEFAULT, { id: r.id, on: true })));
    for (const r of results) expect(r.data.setDefaultApiResource.__typename, JSON.stringify(r)).toBe('ApiResource');
    expect(await t.deps.db.apiResource.count({ where: { isDefault: true } })).toBe(1);
  });

  it('manages scopes per resource: single tokens, unique per resource', async () => {
    const r = await createResource();
    const other = await createResource();
    const read = await gqlV(CREATE_SCOPE, { r: r.id, input: { name: 'read:orders', description: 'Read orders' } });
    expect(read.data.createApiScope).toMatchObject({ name: 'read:orders', description: 'Read orders', resourceId: r.id, resource: { indicator: r.indicator } });
    await createScope(r.id, 'write:orders');
    await createScope(other.id, 'read:orders'); // the same name on another resource
    for (const bad of ['read orders', '', 'a"b', 'a\\b', 'tab\there', 'x'.repeat(300)]) {
      const res = await gqlV(CREATE_SCOPE, { r: r.id, input: { name: bad } });
      expect(res.data.createApiScope, bad).toMatchObject({ __typename: 'ValidationError', code: 'validation_failed' });
    }
    expect((await gqlV(CREATE_SCOPE, { r: r.id, input: { name: 'read:orders' } })).data.createApiScope).toMatchObject({ __typename: 'ConflictError', code: 'api_scope_already_exists' });
    expect((await gqlV(CREATE_SCOPE, { r: 'no-such-resource', input: { name: 'x' } })).data.createApiScope.code).toBe('api_resource_not_found');
    expect((await gqlV(GET, { id: r.id })).data.apiResource.scopes.map((s: any) => s.name)).toEqual(['read:orders', 'write:orders']);

    const scopeId = read.data.createApiScope.id;
    expect((await gqlV(UPDATE_SCOPE, { id: scopeId, input: { name: 'write:orders' } })).data.updateApiScope.code).toBe('api_scope_already_exists');
    expect((await gqlV(UPDATE_SCOPE, { id: scopeId, input: { name: 'list:orders', description: null } })).data.updateApiScope).toMatchObject({ name: 'list:orders', description: null });
    expect((await gqlV(UPDATE_SCOPE, { id: 'no-such-scope', input: { name: 'x' } })).data.updateApiScope.code).toBe('api_scope_not_found');
    expect((await gqlV(DELETE_SCOPE, { id: scopeId })).data.deleteApiScope.data).toBe(true);
    expect((await gqlV(DELETE_SCOPE, { id: scopeId })).data.deleteApiScope.code).toBe('api_scope_not_found');
  });

  it('puts resource scopes on USER and MACHINE_TO_MACHINE roles', async () => {
    const r = await createResource();
    const read = await createScope(r.id, 'read');
    const write = await createScope(r.id, 'write');
    const roles = await gqlV(CREATE_ROLES, { input: [{ key: `u-${seq++}`, name: 'U' }, { key: `m-${seq++}`, name: 'M', type: 'MACHINE_TO_MACHINE' }] });
    const created = roles.data.createRoles.roles as Array<{ id: string; type: string }>;
    const user = created.find((x) => x.type === 'USER');
    const machine = created.find((x) => x.type === 'MACHINE_TO_MACHINE');
    expect(user && machine, JSON.stringify(created)).toBeTruthy();

    expect((await gqlV(ASSIGN, { role: user!.id, scopes: [read.id] })).data.assignRoleScopes.scopes.map((s: any) => s.name)).toEqual(['read']);
    expect((await gqlV(ASSIGN, { role: machine!.id, scopes: [read.id, write.id, write.id] })).data.assignRoleScopes.scopes.map((s: any) => s.name)).toEqual(['read', 'write']);
    expect((await gqlV(ROLE_SCOPES, { role: machine!.id })).data.roleScopes).toEqual([
      { id: read.id, name: 'read', resourceId: r.id },
      { id: write.id, name: 'write', resourceId: r.id },
    ]);
    // All or none: one unknown scope writes nothing.
    const before = await t.deps.db.roleScope.count();
    expect((await gqlV(ASSIGN, { role: user!.id, scopes: [write.id, 'no-such-scope'] })).data.assignRoleScopes.code).toBe('api_scope_not_found');
    expect(await t.deps.db.roleScope.count()).toBe(before);
    expect((await gqlV(ASSIGN, { role: 'no-such-role', scopes: [read.id] })).data.assignRoleScopes.code).toBe('role_not_found');
    expect((await gqlV(ROLE_SCOPES, { role: 'no-such-role' })).errors?.[0]?.extensions?.code).toBe('role_not_found');

    expect((await gqlV(REMOVE, { role: machine!.id, scopes: [read.id] })).data.removeRoleScopes.scopes.map((s: any) => s.name)).toEqual(['write']);
    // Deleting a scope or its resource takes it off every role.
    await gqlV(DELETE_SCOPE, { id: write.id });
    expect((await gqlV(ROLE_SCOPES, { role: machine!.id })).data.roleScopes).toEqual([]);
    await gqlV(DELETE, { id: r.id });
    expect(await t.deps.db.roleScope.count({ where: { roleId: user!.id } })).toBe(0);
  });

  it('refuses every resource field and mutation to non-vendor callers', async () => {
    const a = await signUp(t);
    const r = await createResource();
    const s = await createScope(r.id, 'private');
    const admin = await t.deps.db.role.findFirstOrThrow({ where: { key: 'Admin', tenantId: null } });
    for (const token of [a.accessToken, undefined]) {
      const expected = token ? 'auth_forbidden' : 'auth_unauthenticated';
      const o = token ? { token } : {};
      expect((await t.gql(GET, { id: r.id }, o)).errors?.[0]?.extensions?.code).toBe(expected);
      expect((await t.gql(LIST, {}, o)).errors?.[0]?.extensions?.code).toBe(expected);
      expect((await t.gql(ROLE_SCOPES, { role: admin.id }, o)).errors?.[0]?.extensions?.code).toBe(expected);
      expect((await t.gql(CREATE, { input: { name: 'x', indicator: indicator() } }, o)).data.createApiResource.code).toBe(expected);
      expect((await t.gql(UPDATE, { id: r.id, input: { name: 'x' } }, o)).data.updateApiResource.code).toBe(expected);
      expect((await t.gql(SET_DEFAULT, { id: r.id, on: true }, o)).data.setDefaultApiResource.code).toBe(expected);
      expect((await t.gql(DELETE, { id: r.id }, o)).data.deleteApiResource.code).toBe(expected);
      expect((await t.gql(CREATE_SCOPE, { r: r.id, input: { name: 'x' } }, o)).data.createApiScope.code).toBe(expected);
      expect((await t.gql(UPDATE_SCOPE, { id: s.id, input: { name: 'x' } }, o)).data.updateApiScope.code).toBe(expected);
      expect((await t.gql(DELETE_SCOPE, { id: s.id }, o)).data.deleteApiScope.code).toBe(expected);
      expect((await t.gql(ASSIGN, { role: admin.id, scopes: [s.id] }, o)).data.assignRoleScopes.code).toBe(expected);
      expect((await t.gql(REMOVE, { role: admin.id, scopes: [s.id] }, o)).data.removeRoleScopes.code).toBe(expected);
    }
    // A tenant admin reading roles sees the type, never the scopes (there is no such field on Role).
    const roles = await t.gql(doc('{ roles { key type } }'), {}, { token: a.accessToken });
    expect(roles.data.roles.find((x: any) => x.key === 'Admin').type).toBe('USER');
    expect(await t.deps.db.apiResource.findUnique({ where: { id: r.id } })).not.toBeNull();
    expect(await t.deps.db.roleScope.count({ where: { roleId: admin.id } })).toBe(0);
  });
});
