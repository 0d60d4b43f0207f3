// Tenant hierarchy: metadata, sub-tenants (parent → child → grandchild), tree, parents, search,
// delete rules, user counts, and sub-tenant access (the vendor switch and the membership flag).
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

const gql = (src: string) => parse(src) as TypedDocumentNode<any, any>;
const setVendorAccess = async (allowed: boolean) => {
  const r = await t.gql(
    gql(`mutation($v: Boolean!) { updateVendorSettings(input: { subTenantAccessAllowed: $v }) { ... on VendorSettings { subTenantAccessAllowed } } }`),
    { v: allowed },
    { token: vendor },
  );
  expect(r.data.updateVendorSettings.subTenantAccessAllowed).toBe(allowed);
};

type Owner = Awaited<ReturnType<typeof signUp>>;
const sub = (o: Owner, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  t.rest(method, `/tenants/resources${path}`, { token: o.accessToken, body, headers });

/** parent (signed-up tenant) → child → grandchild, created by the parent's admin. */
async function family() {
  const owner = await signUp(t, { companyName: 'Parent' });
  const child = await sub(owner, 'POST', '/sub-tenants/v1', { name: 'Child', parentTenantId: owner.tenantId });
  expect(child.status).toBe(201);
  const grand = await sub(owner, 'POST', '/sub-tenants/v1', { name: 'Grandchild', parentTenantId: child.body.tenantId, website: 'https://g.test' });
  expect(grand.status).toBe(201);
  return { owner, child: child.body.tenantId as string, grand: grand.body.tenantId as string };
}

/** A member added by the vendor to a tenant; returns the user id. */
async function addMember(tenantId: string) {
  const r = await t.rest('POST', '/identity/resources/users/v1', { token: vendor, headers: { 'frontegg-tenant-id': tenantId }, body: { email: uniqueEmail('member') } });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

describe('tenant metadata', () => {
  it('merges keys and deletes one key (vendor only)', async () => {
    await t.rest('POST', '/tenants/resources/tenants/v1', { token: vendor, body: { tenantId: 'meta-t', name: 'Meta', metadata: '{"a":1}' } });
    const set = await t.rest('POST', '/tenants/resources/tenants/v1/meta-t/metadata', { token: vendor, body: { metadata: { b: 2, c: 'x' } } });
    expect(set.status).toBe(201);
    expect(JSON.parse(set.body.metadata)).toEqual({ a: 1, b: 2, c: 'x' });
    const del = await t.rest('DELETE', '/frontegg/tenants/resources/tenants/v1/meta-t/metadata/b', { token: vendor });
    expect(del.status).toBe(200);
    expect(JSON.parse(del.body.metadata)).toEqual({ a: 1, c: 'x' });
    expect((await t.rest('DELETE', '/tenants/resources/tenants/v1/meta-t/metadata/absent', { token: vendor })).status).toBe(200);
    expect((await t.rest('POST', '/tenants/resources/tenants/v1/nope/metadata', { token: vendor, body: { metadata: { a: 1 } } })).status).toBe(404);
    expect((await t.rest('POST', '/tenants/resources/tenants/v1/meta-t/metadata', { token: vendor, body: { metadata: 'not json' } })).status).toBe(400);
    const u = await signUp(t);
    expect((await t.rest('POST', `/tenants/resources/tenants/v1/${u.tenantId}/metadata`, { token: u.accessToken, body: { metadata: { a: 1 } } })).status).toBe(403);
    const row = await t.deps.db.tenant.findUnique({ where: { id: 'meta-t' } });
    expect(row?.metadata).toEqual({ a: 1, c: 'x' });
  });
});

describe('sub-tenants', () => {
  it('builds parent → child → grandchild: tree, flat list, parents, search', async () => {
    const { owner, child, grand } = await family();
    const tree = await sub(owner, 'GET', '/hierarchy/v1/tree');
    expect(tree.status).toBe(200);
    expect(tree.body).toMatchObject({
      tenantId: owner.tenantId,
      children: [{ tenantId: child, name: 'Child', parentTenantId: owner.tenantId, children: [{ tenantId: grand, name: 'Grandchild', children: [] }] }],
    });
    const flat = await sub(owner, 'GET', '/hierarchy/v1');
    expect(flat.body.map((x: { tenantId: string; parentTenantId: string }) => [x.tenantId, x.parentTenantId])).toEqual([
      [child, owner.tenantId],
      [grand, child],
    ]);
    // parents of the grandchild, nearest first; parents of the caller's own tenant: none
    const parents = await sub(owner, 'GET', `/hierarchy/v1/parents/${grand}`);
    expect(parents.body.map((x: { tenantId: string }) => x.tenantId)).toEqual([child, owner.tenantId]);
    expect((await sub(owner, 'GET', '/hierarchy/v1/parents')).body).toEqual([]);
    // the vendor reads the same tree through frontegg-tenant-id
    const vendorTree = await t.rest('GET', '/tenants/resources/hierarchy/v1/tree', { token: vendor, headers: { 'frontegg-tenant-id': child } });
    expect(vendorTree.body).toMatchObject({ tenantId: child, children: [{ tenantId: grand }] });
    const vendorParents = await t.rest('GET', '/tenants/resources/hierarchy/v1/parents', { token: vendor, headers: { 'frontegg-tenant-id': grand } });
    expect(vendorParents.body.map((x: { tenantId: string }) => x.tenantId)).toEqual([child, owner.tenantId]);

    const search = await sub(owner, 'GET', '/hierarchy/v2?_filter=grand&_limit=10');
    expect(search.status).toBe(200);
    expect(search.body).toMatchObject({ items: [{ tenantId: grand }], _metadata: { totalItems: 1, totalPages: 1 } });
    const page2 = await sub(owner, 'GET', '/hierarchy/v2?_limit=1&_offset=1&_sortBy=name&_order=ASC');
    expect(page2.body.items.map((x: { name: string }) => x.name)).toEqual(['Grandchild']);
    expect(page2.body._metadata).toEqual({ totalItems: 2, totalPages: 2 });
  });

  it('updates a sub-tenant and refuses to delete one with children; the caller cannot touch its own tenant or others’ trees', async () => {
    const { owner, child, grand } = await family();
    const upd = await sub(owner, 'PATCH', `/sub-tenants/v1/${child}`, { name: 'Child renamed' });
    expect(upd.status).toBe(200);
    expect(upd.body.name).toBe('Child renamed');
    expect((await sub(owner, 'PATCH', `/sub-tenants/v1/${owner.tenantId}`, { name: 'own' })).status).toBe(404);

    const del = await sub(owner, 'DELETE', `/sub-tenants/v1/${child}`);
    expect(del.status).toBe(409);
    expect(del.body.errorCode).toBe('tenant_has_sub_tenants');
    expect((await sub(owner, 'DELETE', `/sub-tenants/v1/${owner.tenantId}`)).status).toBe(404);

    // another tenant's admin sees nothing of this tree and changes nothing
    const other = await signUp(t, { companyName: 'Other' });
    expect((await sub(other, 'DELETE', `/sub-tenants/v1/${grand}`)).status).toBe(404);
    expect((await sub(other, 'PATCH', `/sub-tenants/v1/${grand}`, { name: 'hijacked' })).status).toBe(404);
    expect((await sub(other, 'POST', '/sub-tenants/v1', { name: 'Implant', parentTenantId: child })).status).toBe(404);
    expect((await sub(other, 'GET', `/hierarchy/v1/parents/${grand}`)).status).toBe(404);
    expect((await sub(other, 'GET', '/hierarchy/v1/tree', undefined, { 'frontegg-tenant-id': owner.tenantId })).body).toEqual(
      expect.objectContaining({ tenantId: other.tenantId, children: [] }),
    );
    expect((await t.deps.db.tenant.findUnique({ where: { id: grand } }))?.name).toBe('Grandchild');
    expect(await t.deps.db.tenant.count({ where: { parentId: child } })).toBe(1);

    // a member without the sub-account permissions is refused
    const memberEmail = uniqueEmail('ro');
    await t.rest('POST', '/identity/resources/users/v1', { token: vendor, headers: { 'frontegg-tenant-id': owner.tenantId }, body: { email: memberEmail, password: 'a long enough passphrase' } });
    await t.deps.db.user.update({ where: { email: memberEmail }, data: { verified: true } });
    const login = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email: memberEmail, password: 'a long enough passphrase' } });
    expect(login.status).toBe(200);
    const ro = login.body.accessToken as string;
    expect((await t.rest('GET', '/tenants/resources/hierarchy/v1/tree', { token: ro })).status).toBe(200); // ReadOnly reads
    expect((await t.rest('DELETE', `/tenants/resources/sub-tenants/v1/${grand}`, { token: ro })).status).toBe(403);
    expect((await t.rest('POST', '/tenants/resources/sub-tenants/v1', { token: ro, body: { name: 'x', parentTenantId: owner.tenantId } })).status).toBe(403);

    // leaf first, then the child
    expect((await sub(owner, 'DELETE', `/sub-tenants/v1/${grand}`)).status).toBe(200);
    expect((await sub(owner, 'DELETE', `/sub-tenants/v1/${child}`)).status).toBe(200);
    expect((await sub(owner, 'GET', '/hierarchy/v1')).body).toEqual([]);
  });

  it('counts users per tenant; a tenant admin counts only its own sub-tree', async () => {
    const { owner, child, grand } = await family();
    await addMember(child);
    await addMember(child);
    const r = await t.rest('POST', '/identity/resources/tenants/users/v1/count', { token: owner.accessToken, body: { tenantIds: [owner.tenantId, child, grand] } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      { tenantId: owner.tenantId, totalUsers: 1 },
      { tenantId: child, totalUsers: 2 },
      { tenantId: grand, totalUsers: 0 },
    ]);
    const other = await signUp(t);
    expect((await t.rest('POST', '/identity/resources/tenants/users/v1/count', { token: other.accessToken, body: { tenantIds: [child] } })).status).toBe(404);
    const v = await t.rest('POST', '/identity/resources/tenants/users/v1/count', { token: vendor, body: { tenantIds: [child, 'unknown'] } });
    expect(v.body).toEqual([{ tenantId: child, totalUsers: 2 }, { tenantId: 'unknown', totalUsers: 0 }]);
  });
});

describe('sub-tenant access', () => {
  it('a parent admin acts in a sub-tenant only when the vendor and its membership allow it', async () => {
    const { owner, child, grand } = await family();
    const childUser = await addMember(child);
    const grandUser = await addMember(grand);
    const stranger = await signUp(t, { companyName: 'Stranger' });
    const strangerUser = await addMember(stranger.tenantId);
    const readUser = (id: string, tenantId: string, token = owner.accessToken) =>
      t.rest('GET', `/identity/resources/users/v1/${id}`, { token, headers: { 'frontegg-tenant-id': tenantId } });
    const access = (allowAccess: boolean, token = owner.accessToken) =>
      t.rest('PUT', `/identity/resources/sub-tenants/users/v1/${owner.userId}/access`, { token, body: { allowAccess } });
    const hierarchy = async () => {
      const r = await t.rest('GET', '/identity/resources/users/v2/me/hierarchy', { token: owner.accessToken });
      expect(r.status).toBe(200);
      return r.body as Array<{ tenantId: string; children: Array<{ tenantId: string; children: unknown[] }> }>;
    };

    await setVendorAccess(false);
    try {
      // neither switch on
      expect((await readUser(childUser, child)).status).toBe(403);
      expect(await hierarchy()).toEqual([expect.objectContaining({ tenantId: owner.tenantId, children: [] })]);
      // the membership flag alone is not enough
      expect((await access(true)).status).toBe(200);
      expect((await t.deps.db.userTenant.findFirst({ where: { userId: owner.userId, tenantId: owner.tenantId } }))?.subTenantAccess).toBe(true);
      expect((await readUser(childUser, child)).status).toBe(403);

      // both on: child and grandchild are reachable, nothing else
      await setVendorAccess(true);
      const ok = await readUser(childUser, child);
      expect(ok.status).toBe(200);
      expect(ok.body.id).toBe(childUser);
      expect((await readUser(grandUser, grand)).status).toBe(200);
      expect((await readUser(strangerUser, stranger.tenantId)).status).toBe(403);
      // acting in the child does not reach the child's sibling data through the parent's id
      expect((await readUser(grandUser, child)).status).toBe(404);
      const h = await hierarchy();
      expect(h).toEqual([expect.objectContaining({ tenantId: owner.tenantId, children: [expect.objectContaining({ tenantId: child, children: [expect.objectContaining({ tenantId: grand })] })] })]);

      // a child's admin never reaches up into the parent
      const childAdminTree = await t.rest('GET', '/tenants/resources/hierarchy/v1/tree', { token: stranger.accessToken, headers: { 'frontegg-tenant-id': child } });
      expect(childAdminTree.body.tenantId).toBe(stranger.tenantId);

      // the flag off again: refused again
      expect((await access(false)).status).toBe(200);
      expect((await readUser(childUser, child)).status).toBe(403);

      // another tenant's admin cannot flip the owner's flag
      expect((await access(true, stranger.accessToken)).status).toBe(404);
      expect((await t.deps.db.userTenant.findFirst({ where: { userId: owner.userId, tenantId: owner.tenantId } }))?.subTenantAccess).toBe(false);
    } finally {
      await setVendorAccess(false);
    }
  });

  it('the vendor sets access through frontegg-tenant-id; unknown users are 404 and bad bodies 400', async () => {
    const owner = await signUp(t);
    const path = `/identity/resources/sub-tenants/users/v1/${owner.userId}/access`;
    expect((await t.rest('PUT', path, { token: vendor, headers: { 'frontegg-tenant-id': owner.tenantId }, body: { allowAccess: true } })).status).toBe(200);
    expect((await t.rest('PUT', path, { token: vendor, body: { allowAccess: true } })).status).toBe(400);
    expect((await t.rest('PUT', path, { token: vendor, headers: { 'frontegg-tenant-id': owner.tenantId }, body: { allowAccess: 'yes' } })).status).toBe(400);
    expect((await t.rest('PUT', '/identity/resources/sub-tenants/users/v1/nobody/access', { token: vendor, headers: { 'frontegg-tenant-id': owner.tenantId }, body: { allowAccess: true } })).status).toBe(404);
    expect((await t.rest('PUT', path, { body: { allowAccess: true } })).status).toBe(401);
  });
});

describe('deleting a tenant', () => {
  it('removes its own rows and nothing of another tenant', async () => {
    const doomed = await signUp(t, { companyName: 'Doomed' });
    const keeper = await signUp(t, { companyName: 'Keeper' });
    const shared = await addMember(doomed.tenantId);
    await t.rest('POST', '/identity/resources/users/v1', { token: vendor, headers: { 'frontegg-tenant-id': keeper.tenantId }, body: { email: (await t.deps.db.user.findUnique({ where: { id: shared } }))!.email } });
    // Roles and groups have no routes on this branch: rows are made directly as fixtures.
    const db = t.deps.db;
    for (const tenantId of [doomed.tenantId, keeper.tenantId]) {
      await db.role.create({ data: { tenantId, key: 'custom', name: 'Custom' } });
      await db.group.create({ data: { tenantId, name: 'Team', users: { create: [{ userId: shared }] } } });
    }
    const snapshot = async (tenantId: string) => ({
      memberships: await db.userTenant.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
      roles: await db.role.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
      groups: await db.group.findMany({ where: { tenantId }, include: { users: true }, orderBy: { id: 'asc' } }),
    });
    const before = await snapshot(keeper.tenantId);
    expect(before.memberships).toHaveLength(2);

    expect((await t.rest('DELETE', `/tenants/resources/tenants/v1/${doomed.tenantId}`, { token: vendor })).status).toBe(200);
    expect(await snapshot(keeper.tenantId)).toEqual(before);
    expect(await snapshot(doomed.tenantId)).toEqual({ memberships: [], roles: [], groups: [] });
    // users survive (they are global), keeper's still logs in
    expect(await db.user.count({ where: { id: { in: [doomed.userId, shared, keeper.userId] } } })).toBe(3);
    expect((await t.rest('GET', '/identity/resources/users/v2/me', { token: keeper.accessToken })).status).toBe(200);
  });
});

describe('GraphQL', () => {
  it('reads tenant { parent subTenants ancestors users userCount roles } without a query per tenant', async () => {
    const { owner, child, grand } = await family();
    await addMember(child);
    // enough tenants, half of them with parents, for a page of 60 to dwarf a page of 3
    let parent: string | undefined;
    for (let i = 0; i < 16; i++) {
      const r = await t.rest('POST', '/tenants/resources/tenants/v1', { token: vendor, body: { name: `Bulk ${i}`, parentTenantId: i % 2 ? parent : undefined } });
      parent = r.body.tenantId;
    }
    const doc = gql(`query($first: Int) { tenants(first: $first) { edges { node {
      id parent { id } ancestors { id } userCount roles { id }
      subTenants(first: 5) { totalCount edges { node { id } } }
      users(first: 5) { totalCount edges { node { user { id email } } } } } } } }`);
    const run = async (first: number) => {
      t.queries.length = 0;
      const r = await t.gql(doc, { first }, { token: vendor });
      expect(r.errors).toBeUndefined();
      return { r, queries: t.queries.length };
    };
    const small = await run(3);
    const large = await run(60);
    expect(large.r.data.tenants.edges.length).toBeGreaterThanOrEqual(5 * small.r.data.tenants.edges.length);
    // the statement count does not grow with the number of tenants listed: one per relation,
    // two for all ancestor chains (the small page may skip the second when no tenant has a parent)
    expect(large.queries).toBeLessThanOrEqual(small.queries + 1);
    expect(large.queries).toBeLessThan(12);

    const one = await t.gql(
      gql(`query($id: ID!) { tenant(id: $id) { id ancestors { id } parent { id } userCount users(first: 1) { edges { node { user { id } } } } } }`),
      { id: grand },
      { token: vendor },
    );
    expect(one.data.tenant.ancestors.map((a: { id: string }) => a.id)).toEqual([child, owner.tenantId]);
    expect(one.data.tenant.parent.id).toBe(child);

    const tree = await t.gql(gql(`{ tenantTree { root { id } descendants { id parentId } } }`), {}, { token: owner.accessToken });
    expect(tree.data.tenantTree).toEqual({ root: { id: owner.tenantId }, descendants: [{ id: child, parentId: owner.tenantId }, { id: grand, parentId: child }] });
  });

  it("a tenant admin reads its own tenant's users but not a sub-tenant's users through subTenants", async () => {
    const { owner, child } = await family();
    const childUser = await addMember(child);
    const r = await t.gql(
      gql(`query($id: ID!) { tenant(id: $id) { id userCount users(first: 10) { edges { node { user { id } } } } subTenants(first: 5) { edges { node { id users(first: 5) { edges { node { user { id } } } } } } } } }`),
      { id: owner.tenantId },
      { token: owner.accessToken },
    );
    expect(r.data.tenant.userCount).toBe(1);
    expect(r.data.tenant.subTenants.edges[0].node.id).toBe(child);
    expect(r.data.tenant.subTenants.edges[0].node.users).toBeNull();
    expect(JSON.stringify(r.data)).not.toContain(childUser);
    expect(r.errors?.[0]?.extensions?.code).toBe('auth_forbidden');
    const other = await signUp(t);
    const foreign = await t.gql(gql(`query($id: ID!) { tenant(id: $id) { id } }`), { id: owner.tenantId }, { token: other.accessToken });
    expect(foreign.data.tenant).toBeNull();
  });
});
