// Applications: the vendor creates them (GraphQL) and assigns tenant members; a user reads and
// sets its active tenant per application. Bad ids are 4xx and write nothing.
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

const A = '/identity/resources/applications/v1';
const ACTIVE = '/identity/resources/applications/user-tenants/active/v1';

const CreateApplication: TypedDocumentNode<{ createApplication: { id?: string; name?: string; code?: string } }, { name: string }> = parse(`
  mutation ($name: String!) { createApplication(input: { name: $name, appUrl: "https://app.example.com" }) {
    ... on Application { id name } ... on Error { code } } }
`);
const Applications: TypedDocumentNode<{ applications: Array<{ id: string; name: string }> }, Record<string, never>> = parse(`query { applications { id name } }`);

async function createApp(name: string) {
  const r = await t.gql(CreateApplication, { name }, { token: vendor });
  expect(r.data.createApplication.id, JSON.stringify(r)).toBeTruthy();
  return r.data.createApplication.id!;
}

describe('applications', () => {
  it('lets only the vendor create and list applications', async () => {
    const a = await signUp(t);
    const id = await createApp('Dashboard');
    const list = await t.gql(Applications, {}, { token: vendor });
    expect(list.data.applications.map((x) => x.id)).toContain(id);
    const refused = await t.gql(CreateApplication, { name: 'Mine' }, { token: a.accessToken });
    expect(refused.data.createApplication.code).toBe('auth_forbidden');
    expect((await t.gql(Applications, {}, { token: a.accessToken })).errors?.[0]?.extensions?.code).toBe('auth_forbidden');
  });

  it('assigns and unassigns tenant members, lists users of an app and apps of a user', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const app = await createApp('Analytics');
    const assign = await t.rest('POST', A, { token: vendor, body: { appId: app, tenantId: a.tenantId, userIds: [a.userId] } });
    expect(assign.status, JSON.stringify(assign.body)).toBe(201);
    expect((await t.rest('POST', A, { token: vendor, body: { appId: app, tenantId: a.tenantId, userIds: [a.userId] } })).status).toBe(201);
    // A non-member, unknown app or tenant: 4xx, nothing written.
    expect((await t.rest('POST', A, { token: vendor, body: { appId: app, tenantId: a.tenantId, userIds: [b.userId] } })).status).toBe(400);
    expect((await t.rest('POST', A, { token: vendor, body: { appId: 'nope', tenantId: a.tenantId, userIds: [a.userId] } })).status).toBe(404);
    expect((await t.rest('POST', A, { token: vendor, body: { appId: app, tenantId: 'nope', userIds: [a.userId] } })).status).toBe(404);
    expect((await t.rest('POST', A, { token: vendor, body: { appId: app } })).status).toBe(400);
    expect(await t.deps.db.userApplication.count({ where: { applicationId: app } })).toBe(1);
    // Tenants cannot manage assignments.
    expect((await t.rest('POST', A, { token: a.accessToken, body: { appId: app, tenantId: a.tenantId, userIds: [a.userId] } })).status).toBe(403);

    const users = await t.rest('GET', `${A}/${app}/users`, { token: vendor });
    expect(users.status).toBe(200);
    expect(users.body).toEqual([a.userId]);
    const apps = await t.rest('GET', `${A}/${a.userId}/apps`, { token: vendor });
    expect(apps.body).toEqual([app]);
    expect((await t.rest('GET', `${A}/nope/users`, { token: vendor })).status).toBe(404);
    expect((await t.rest('GET', `${A}/${a.userId}/apps`, { token: a.accessToken })).status).toBe(403);

    const un = await t.rest('DELETE', A, { token: vendor, body: { appId: app, tenantId: a.tenantId, userIds: [a.userId] } });
    expect(un.status, JSON.stringify(un.body)).toBe(200);
    expect((await t.rest('GET', `${A}/${app}/users`, { token: vendor })).body).toEqual([]);
  });

  it('reads and switches the user’s active tenant per application', async () => {
    const a = await signUp(t);
    const other = await signUp(t);
    const app = await createApp('Portal');
    await t.rest('POST', A, { token: vendor, body: { appId: app, tenantId: a.tenantId, userIds: [a.userId] } });
    const got = await t.rest('GET', ACTIVE, { token: a.accessToken });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ applicationActiveTenants: [{ applicationId: app, tenantId: a.tenantId }] });

    // A tenant the user is not a member of, or an app they are not assigned to: 400, unchanged.
    expect((await t.rest('PUT', ACTIVE, { token: a.accessToken, body: { activeApplicationTenants: [{ applicationId: app, tenantId: other.tenantId }] } })).status).toBe(400);
    const otherApp = await createApp('Unassigned');
    expect((await t.rest('PUT', ACTIVE, { token: a.accessToken, body: { activeApplicationTenants: [{ applicationId: otherApp, tenantId: a.tenantId }] } })).status).toBe(400);
    expect((await t.rest('PUT', ACTIVE, { token: a.accessToken, body: {} })).status).toBe(400);
    const ok = await t.rest('PUT', ACTIVE, { token: a.accessToken, body: { activeApplicationTenants: [{ applicationId: app, tenantId: a.tenantId }] } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.applicationActiveTenants).toEqual([{ applicationId: app, tenantId: a.tenantId }]);
    // The vendor reads it for a user named by frontegg-user-id; another user sees only their own.
    const viaVendor = await t.rest('GET', ACTIVE, { token: vendor, headers: { 'frontegg-user-id': a.userId } });
    expect(viaVendor.body.applicationActiveTenants).toHaveLength(1);
    expect((await t.rest('GET', ACTIVE, { token: other.accessToken })).body).toEqual({ applicationActiveTenants: [] });
    expect((await t.rest('GET', ACTIVE)).status).toBe(401);
  });
});
