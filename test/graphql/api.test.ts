// The GraphQL API directly: result unions, cookies, scopes, masking and limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { signUp, startGatehouse, uniqueEmail, VENDOR, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const doc = (source: string) => parse(source) as TypedDocumentNode<any, any>;

const LOGIN = doc(`mutation($input: LoginInput!) {
  login(input: $input) {
    __typename
    ... on AuthResponse { accessToken refreshToken expiresIn userId tenantId }
    ... on Error { code message }
  }
}`);

describe('GraphQL', () => {
  it('serves GraphiQL on GET /graphql', async () => {
    const res = await t.app.fetch(new Request('http://gatehouse.test/graphql', { headers: { accept: 'text/html' } }));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/GraphiQL/i);
  });

  it('login answers the AuthResponse member and sets the refresh cookie', async () => {
    const u = await signUp(t);
    const r = await t.gql(LOGIN, { input: { email: u.email, password: u.password } });
    expect(r.data.login).toMatchObject({ __typename: 'AuthResponse', userId: u.userId, tenantId: u.tenantId, expiresIn: 3600 });
    expect(r.refreshCookie).toBe(r.data.login.refreshToken);
  });

  it('a failure is a typed member of the result union, not a top-level error', async () => {
    const r = await t.gql(LOGIN, { input: { email: uniqueEmail(), password: 'whatever' } });
    expect(r.errors).toBeUndefined();
    expect(r.data.login).toEqual({ __typename: 'InvalidCredentialsError', code: 'auth_invalid_credentials', message: 'Invalid authentication' });
    const invalid = await t.gql(LOGIN, { input: { password: 'x' } });
    expect(invalid.data.login).toMatchObject({ __typename: 'ValidationError', code: 'validation_failed' });
  });

  it('authorization failures on mutations land in the union; on queries they are coded errors', async () => {
    const createTenant = doc(`mutation { createTenant(input: { name: "x" }) { __typename ... on Error { code } } }`);
    const anon = await t.gql(createTenant);
    expect(anon.data.createTenant).toEqual({ __typename: 'UnauthenticatedError', code: 'auth_unauthenticated' });
    const u = await signUp(t);
    const user = await t.gql(createTenant, {}, { token: u.accessToken });
    expect(user.data.createTenant).toEqual({ __typename: 'ForbiddenError', code: 'auth_forbidden' });

    const me = await t.gql(doc('{ me { id } }'));
    expect(me.data).toBeNull();
    expect(me.errors?.[0]?.extensions?.code).toBe('auth_unauthenticated');
  });

  it('me resolves memberships, roles and permissions in a constant number of SQL statements', async () => {
    const u = await signUp(t);
    const query = doc('{ me { id email tenants { tenant { id name } roles { key permissions { key } } permissions { key } } } }');
    t.queries.length = 0;
    const r = await t.gql(query, {}, { token: u.accessToken });
    expect(r.data.me.tenants[0].roles[0].key).toBe('Admin');
    const once = t.queries.length;
    // add memberships: the statement count must not grow with them
    const vendor = await t.vendorToken();
    for (let i = 0; i < 4; i++) {
      const tenant = await t.rest('POST', '/tenants/resources/tenants/v1', { token: vendor, body: { name: `T${i}` } });
      await t.rest('POST', '/identity/resources/users/v1', { token: vendor, headers: { 'frontegg-tenant-id': tenant.body.tenantId }, body: { email: u.email } });
    }
    t.queries.length = 0;
    const r5 = await t.gql(query, {}, { token: u.accessToken });
    expect(r5.data.me.tenants).toHaveLength(5);
    expect(t.queries.length).toBe(once);
  });

  it('vendor metadata is null for a user token, and no field exposes secrets', async () => {
    const u = await signUp(t);
    const r = await t.gql(doc('{ me { vendorMetadata } }'), {}, { token: u.accessToken });
    expect(r.data.me.vendorMetadata).toBeNull();
    const fields = await t.gql(doc('{ __type(name: "User") { fields { name } } }'));
    const names = fields.data.__type.fields.map((f: { name: string }) => f.name.toLowerCase());
    expect(names.filter((n: string) => /password|hash|secret/.test(n))).toEqual([]);
  });

  it('rejects queries deeper than the limit and hides field suggestions', async () => {
    const deep = doc(`{ me { activeTenant { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } } } }`);
    const r = await t.gql(deep);
    expect(r.errors?.[0]?.message).toMatch(/depth/i);
    const typo = await t.gql(doc('{ mee { id } }'));
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('authenticateVendor returns a vendor token that management fields accept', async () => {
    const r = await t.gql(doc('mutation($c: String!, $s: String!) { authenticateVendor(clientId: $c, secret: $s) { ... on VendorToken { token } } }'), { c: VENDOR.clientId, s: VENDOR.secret });
    const tenants = await t.gql(doc('{ tenants(first: 2) { edges { node { id } } pageInfo { hasNextPage } } }'), {}, { token: r.data.authenticateVendor.token });
    expect(tenants.errors).toBeUndefined();
    expect(Array.isArray(tenants.data.tenants.edges)).toBe(true);
  });
});
