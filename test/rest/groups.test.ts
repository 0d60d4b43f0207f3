// Groups over Frontegg's REST paths: tenant isolation, read-only users, grant limits, the groups
// config (literal /config over /{id}), and group roles flowing into members' next tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { addMember, signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

const G1 = '/identity/resources/groups/v1';
const G2 = '/identity/resources/groups/v2';

const createGroup = async (token: string, body: Record<string, unknown>) => {
  const r = await t.rest('POST', G1, { token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; name: string; metadata: string; roles: unknown[]; users: unknown[] };
};

describe('groups v1', () => {
  it('creates, reads, updates and deletes a group; names are unique per tenant (409)', async () => {
    const a = await signUp(t);
    const g = await createGroup(a.accessToken, { name: 'Engineering', color: '#00f', description: 'Builders', metadata: '{"floor":3}' });
    expect(g).toMatchObject({ name: 'Engineering', color: '#00f', description: 'Builders', roles: [], users: [], managedBy: 'frontegg' });
    expect(JSON.parse(g.metadata)).toEqual({ floor: 3 });
    expect((await t.rest('POST', G1, { token: a.accessToken, body: { name: 'Engineering' } })).status).toBe(409);
    expect((await t.rest('POST', G1, { token: a.accessToken, body: { name: 'x', metadata: 'not json' } })).status).toBe(400);
    expect((await t.rest('POST', G1, { token: a.accessToken, body: {} })).status).toBe(400);

    const one = await t.rest('GET', `${G1}/${g.id}`, { token: a.accessToken });
    expect(one.status).toBe(200);
    expect(one.body.roles).toBeUndefined();
    const withRelations = await t.rest('GET', `${G1}/${g.id}?_groupsRelations=rolesAndUsers`, { token: a.accessToken });
    expect(withRelations.body).toMatchObject({ roles: [], users: [] });
    const all = await t.rest('GET', G1, { token: a.accessToken });
    expect(all.body.groups.map((x: { id: string }) => x.id)).toEqual([g.id]);

    const patched = await t.rest('PATCH', `${G1}/${g.id}`, { token: a.accessToken, body: { name: 'Eng', metadata: '{"floor":4}' } });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Eng');
    expect(JSON.parse(patched.body.metadata)).toEqual({ floor: 4 });
    await createGroup(a.accessToken, { name: 'Sales' });
    expect((await t.rest('PATCH', `${G1}/${g.id}`, { token: a.accessToken, body: { name: 'Sales' } })).status).toBe(409);

    const bulk = await t.rest('POST', `${G1}/bulkGet`, { token: a.accessToken, body: { groupsIds: [g.id, 'unknown'] } });
    expect(bulk.status).toBe(201);
    expect(bulk.body.groups.map((x: { id: string }) => x.id)).toEqual([g.id]);

    expect((await t.rest('DELETE', `${G1}/${g.id}`, { token: a.accessToken })).status).toBe(200);
    expect((await t.rest('GET', `${G1}/${g.id}`, { token: a.accessToken })).status).toBe(404);
    expect((await t.rest('DELETE', `${G1}/${g.id}`, { token: a.accessToken })).status).toBe(404);
  });

  it('isolates tenants: another tenant neither sees nor changes a group, nor adds its users or roles', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const g = await createGroup(a.accessToken, { name: 'Private' });
    expect((await t.rest('GET', `${G1}/${g.id}`, { token: b.accessToken })).status).toBe(404);
    expect((await t.rest('GET', G1, { token: b.accessToken })).body.groups).toEqual([]);
    expect((await t.rest('POST', `${G1}/bulkGet`, { token: b.accessToken, body: { groupsIds: [g.id] } })).body.groups).toEqual([]);
    expect((await t.rest('PATCH', `${G1}/${g.id}`, { token: b.accessToken, body: { name: 'Mine' } })).status).toBe(404);
    expect((await t.rest('DELETE', `${G1}/${g.id}`, { token: b.accessToken })).status).toBe(404);
    expect((await t.rest('POST', `${G1}/${g.id}/users`, { token: b.accessToken, body: { userIds: [b.userId] } })).status).toBe(404);
    // A's group cannot take B's user or B's tenant role.
    expect((await t.rest('POST', `${G1}/${g.id}/users`, { token: a.accessToken, body: { userIds: [b.userId] } })).status).toBe(400);
    const bRole = (await t.rest('POST', '/identity/resources/roles/v1', { token: b.accessToken, body: [{ key: 'b-role', name: 'B' }] })).body[0];
    expect((await t.rest('POST', `${G1}/${g.id}/roles`, { token: a.accessToken, body: { roleIds: [bRole.id] } })).status).toBe(400);
    expect(await t.deps.db.groupUser.count({ where: { groupId: g.id } })).toBe(0);
    expect(await t.deps.db.groupRole.count({ where: { groupId: g.id } })).toBe(0);
    expect((await t.deps.db.group.findUniqueOrThrow({ where: { id: g.id } })).name).toBe('Private');
    // The vendor works in the tenant it names.
    const viaVendor = await t.rest('GET', G1, { token: vendor, headers: { 'frontegg-tenant-id': a.tenantId } });
    expect(viaVendor.body.groups.map((x: { id: string }) => x.id)).toEqual([g.id]);
    expect((await t.rest('GET', G1, { token: vendor })).status).toBe(400);
  });

  it('refuses writes to a read-only user and grants beyond its permissions', async () => {
    const a = await signUp(t);
    const reader = await addMember(t, a.accessToken);
    const g = await createGroup(a.accessToken, { name: 'Readers' });
    expect((await t.rest('GET', G1, { token: reader.accessToken })).status).toBe(200);
    expect((await t.rest('POST', G1, { token: reader.accessToken, body: { name: 'Nope' } })).status).toBe(403);
    expect((await t.rest('PATCH', `${G1}/${g.id}`, { token: reader.accessToken, body: { name: 'Nope' } })).status).toBe(403);
    expect((await t.rest('DELETE', `${G1}/${g.id}`, { token: reader.accessToken })).status).toBe(403);
    expect((await t.rest('POST', `${G1}/${g.id}/users`, { token: reader.accessToken, body: { userIds: [reader.userId] } })).status).toBe(403);
    expect(await t.deps.db.groupUser.count({ where: { groupId: g.id } })).toBe(0);
  });

  it('adds and removes roles and users; group roles reach the member’s next refreshed token', async () => {
    const a = await signUp(t);
    const m = await addMember(t, a.accessToken);
    expect(decodeJwt(m.accessToken).permissions).not.toContain('fe.secure.write.users');
    const admin = await t.deps.db.role.findFirstOrThrow({ where: { tenantId: null, key: 'Admin' } });
    const g = await createGroup(a.accessToken, { name: 'Admins' });

    expect((await t.rest('POST', `${G1}/${g.id}/roles`, { token: a.accessToken, body: { roleIds: [admin.id] } })).status).toBe(201);
    expect((await t.rest('POST', `${G1}/${g.id}/roles`, { token: a.accessToken, body: { roleIds: ['unknown'] } })).status).toBe(400);
    expect((await t.rest('POST', `${G1}/${g.id}/users`, { token: a.accessToken, body: { userIds: [m.userId] } })).status).toBe(201);
    expect((await t.rest('POST', `${G1}/${g.id}/users`, { token: a.accessToken, body: { userIds: [] } })).status).toBe(400);
    const full = await t.rest('GET', `${G1}/${g.id}?_groupsRelations=rolesAndUsers`, { token: a.accessToken });
    expect(full.body.roles.map((r: { key: string }) => r.key)).toEqual(['Admin']);
    expect(full.body.users.map((u: { id: string }) => u.id)).toEqual([m.userId]);

    const refreshed = await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie: m.refreshToken, body: {} });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(201);
    const claims = decodeJwt(refreshed.body.accessToken);
    expect(claims.permissions).toContain('fe.secure.write.users');
    expect(claims.roles).toContain('Admin');

    // Removed from the group: the next token loses the role again.
    const del = await t.rest('DELETE', `${G1}/${g.id}/users`, { token: a.accessToken, body: { userIds: [m.userId] } });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    const again = await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie: refreshed.refreshCookie!, body: {} });
    expect(again.status).toBe(201);
    expect(decodeJwt(again.body.accessToken).permissions).not.toContain('fe.secure.write.users');

    expect((await t.rest('DELETE', `${G1}/${g.id}/roles`, { token: a.accessToken, body: { roleIds: [admin.id] } })).status).toBe(200);
    expect(await t.deps.db.groupRole.count({ where: { groupId: g.id } })).toBe(0);
  });

  it('reads and writes the groups config (vendor only), literal /config wins over /{id}', async () => {
    const a = await signUp(t);
    const cfg = await t.rest('GET', `${G1}/config`, { token: a.accessToken });
    expect(cfg.status).toBe(200);
    expect(cfg.body).toEqual({ enabled: true, rolesEnabled: true });
    expect((await t.rest('POST', `${G1}/config`, { token: a.accessToken, body: { enabled: false } })).status).toBe(403);
    const set = await t.rest('POST', `${G1}/config`, { token: vendor, body: { rolesEnabled: false } });
    expect(set.status).toBe(201);
    expect(set.body).toEqual({ enabled: true, rolesEnabled: false });
    const g = await createGroup(a.accessToken, { name: 'No roles' });
    const admin = await t.deps.db.role.findFirstOrThrow({ where: { tenantId: null, key: 'Admin' } });
    expect((await t.rest('POST', `${G1}/${g.id}/roles`, { token: a.accessToken, body: { roleIds: [admin.id] } })).status).toBe(403);
    await t.rest('POST', `${G1}/config`, { token: vendor, body: { enabled: false } });
    expect((await t.rest('POST', G1, { token: a.accessToken, body: { name: 'Disabled' } })).status).toBe(403);
    expect((await t.rest('POST', `${G1}/config`, { token: vendor, body: { enabled: true, rolesEnabled: true } })).body).toEqual({ enabled: true, rolesEnabled: true });
  });
});

describe('groups v2', () => {
  it('pages the tenant’s groups and rejects invalid paging', async () => {
    const a = await signUp(t);
    for (const name of ['c', 'a', 'b']) await createGroup(a.accessToken, { name });
    const p0 = await t.rest('GET', `${G2}?_limit=2&_offset=0&_sortBy=name&_order=DESC`, { token: a.accessToken });
    expect(p0.status, JSON.stringify(p0.body)).toBe(200);
    expect(p0.body.groups.map((g: { name: string }) => g.name)).toEqual(['c', 'b']);
    expect(p0.body._metadata).toEqual({ totalItems: 3, totalPages: 2 });
    const p1 = await t.rest('GET', `${G2}?_limit=2&_offset=1&_sortBy=name&_order=DESC`, { token: a.accessToken });
    expect(p1.body.groups.map((g: { name: string }) => g.name)).toEqual(['a']);
    expect((await t.rest('GET', `${G2}?_limit=-5`, { token: a.accessToken })).status).toBe(400);
    expect((await t.rest('GET', `${G2}?_sortBy=secret`, { token: a.accessToken })).status).toBe(400);
    const b = await signUp(t);
    expect((await t.rest('GET', G2, { token: b.accessToken })).body._metadata.totalItems).toBe(0);
  });
});

const GroupsListing: TypedDocumentNode<{ groups: Array<{ id: string }> }, Record<string, never>> = parse(`
  query { groups { id name roles { id key permissions { id key } } users { id email } } }
`);

describe('GraphQL groups listing', () => {
  it('costs the same statements for 10 and 50 groups with roles, permissions and users (no N+1)', async () => {
    const a = await signUp(t);
    const admin = await t.deps.db.role.findFirstOrThrow({ where: { tenantId: null, key: 'Admin' } });
    const add = async (from: number, n: number) => {
      for (let i = from; i < from + n; i++) {
        const g = await createGroup(a.accessToken, { name: `g-${i}` });
        await t.rest('POST', `${G1}/${g.id}/roles`, { token: a.accessToken, body: { roleIds: [admin.id] } });
        await t.rest('POST', `${G1}/${g.id}/users`, { token: a.accessToken, body: { userIds: [a.userId] } });
      }
    };
    const count = async (expected: number) => {
      t.queries.length = 0;
      const r = await t.gql(GroupsListing, {}, { token: a.accessToken });
      expect(r.errors).toBeUndefined();
      expect(r.data.groups.length).toBe(expected);
      return t.queries.length;
    };
    await add(0, 10);
    const at10 = await count(10);
    await add(10, 40);
    expect(await count(50)).toBe(at10);
  }, 240_000);
});
