// Applications: the vendor creates them (GraphQL) and assigns tenant members; a user reads and
// sets its active tenant per application. Bad ids are 4xx and write nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

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

  it('assigns one user to several applications (admin portal paths), within the caller’s sub-tree only', async () => {
    const owner = await signUp(t, { companyName: 'Apps parent' });
    const child = await t.rest('POST', '/tenants/resources/sub-tenants/v1', { token: owner.accessToken, body: { name: 'Apps child', parentTenantId: owner.tenantId } });
    expect(child.status).toBe(201);
    const childId = child.body.tenantId as string;
    const member = await t.rest('POST', '/identity/resources/sub-tenants/users/v1', {
      token: owner.accessToken,
      body: { email: uniqueEmail('apps'), subTenants: [{ tenantId: childId }] },
    });
    expect(member.status).toBe(201);
    const userId = member.body.userId as string;
    const [app1, app2] = [await createApp('Billing'), await createApp('Reports')];

    // a user of the child, assigned by the parent's admin, to two apps at once
    const assign = await t.rest('POST', `${A}/apps-user`, { token: owner.accessToken, body: { userId, tenantId: childId, appIds: [app1, app2] } });
    expect(assign.status, JSON.stringify(assign.body)).toBe(201);
    const rows = await t.deps.db.userApplication.findMany({ where: { userId }, orderBy: { applicationId: 'asc' } });
    expect(rows.map((r) => [r.applicationId, r.tenantId])).toEqual([app1, app2].sort().map((a) => [a, childId]));

    const usersApps = await t.rest('GET', `${A}/users-apps?userIds=${userId},${owner.userId}`, { token: owner.accessToken });
    expect(usersApps.status, JSON.stringify(usersApps.body)).toBe(200);
    expect(usersApps.body).toEqual([{ userId, appIds: [app1, app2] }, { userId: owner.userId, appIds: [] }]);
    const appsUsers = await t.rest('GET', `${A}/apps-users?appIds=${app1}`, { token: owner.accessToken });
    expect(appsUsers.body).toEqual([{ appId: app1, userIds: [userId] }]);

    // one unknown app: nothing assigned; a non-member: 404
    const third = await createApp('Third');
    expect((await t.rest('POST', `${A}/apps-user`, { token: owner.accessToken, body: { userId, tenantId: childId, appIds: [third, 'no-such-app'] } })).status).toBe(404);
    expect((await t.rest('POST', `${A}/apps-user`, { token: owner.accessToken, body: { userId, tenantId: owner.tenantId, appIds: [third] } })).status).toBe(404);
    expect(await t.deps.db.userApplication.count({ where: { applicationId: third } })).toBe(0);

    // an unrelated tenant's admin: refused on writes, sees nothing of the owner's users
    const stranger = await signUp(t, { companyName: 'Apps stranger' });
    expect((await t.rest('POST', `${A}/apps-user`, { token: stranger.accessToken, body: { userId, tenantId: childId, appIds: [third] } })).status).toBe(404);
    expect((await t.rest('DELETE', `${A}/user-apps`, { token: stranger.accessToken, body: { userId, tenantId: childId, appIds: [app1] } })).status).toBe(404);
    expect((await t.rest('GET', `${A}/users-apps?userIds=${userId}`, { token: stranger.accessToken })).body).toEqual([]);
    expect((await t.rest('GET', `${A}/apps-users?appIds=${app1}`, { token: stranger.accessToken })).body).toEqual([{ appId: app1, userIds: [] }]);
    expect(await t.deps.db.userApplication.count({ where: { userId } })).toBe(2);
    // the vendor sees everyone
    expect((await t.rest('GET', `${A}/apps-users?appIds=${app1}`, { token: vendor })).body).toEqual([{ appId: app1, userIds: [userId] }]);

    const un = await t.rest('DELETE', `${A}/user-apps`, { token: owner.accessToken, body: { userId, tenantId: childId, appIds: [app1] } });
    expect(un.status, JSON.stringify(un.body)).toBe(200);
    expect((await t.rest('GET', `${A}/users-apps?userIds=${userId}`, { token: owner.accessToken })).body).toEqual([{ userId, appIds: [app2] }]);
    expect((await t.rest('GET', `${A}/users-apps`, { token: owner.accessToken })).status).toBe(400);
  });
});
