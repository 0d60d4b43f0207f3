// Roles over Frontegg's REST paths: tenant roles are the tenant's own (another tenant neither sees
// nor touches them), vendor-wide roles are read-only to tenants, a read-only user cannot write, a
// user cannot grant permissions it lacks, and a refused request writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const R1 = '/identity/resources/roles/v1';
const R2 = '/identity/resources/roles/v2';

async function permissionId(key: string) {
  return (await t.deps.db.permission.findUniqueOrThrow({ where: { key } })).id;
}

describe('roles v1', () => {
  it('creates tenant roles from an array, lists them with the vendor-wide roles, and isolates tenants', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const readUsers = await permissionId('fe.secure.read.users');
    const created = await t.rest('POST', R1, {
      token: a.accessToken,
      body: [
        { key: 'support', name: 'Support', permissionIds: [readUsers] },
        { key: 'billing', name: 'Billing', description: 'Pays', level: 3 },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toHaveLength(2);
    const support = created.body.find((r: { key: string }) => r.key === 'support');
    expect(support).toMatchObject({ name: 'Support', tenantId: a.tenantId, permissions: [readUsers], isDefault: false });

    const listA = await t.rest('GET', R1, { token: a.accessToken });
    expect(listA.status).toBe(200);
    const keysA = listA.body.map((r: { key: string }) => r.key);
    expect(keysA).toEqual(expect.arrayContaining(['Admin', 'ReadOnly', 'support', 'billing']));

    // Tenant B sees the vendor-wide roles but not A's, and cannot touch A's role.
    const listB = await t.rest('GET', R1, { token: b.accessToken });
    expect(listB.body.map((r: { key: string }) => r.key)).not.toContain('support');
    expect((await t.rest('PATCH', `${R1}/${support.id}`, { token: b.accessToken, body: { name: 'Hijack' } })).status).toBe(404);
    expect((await t.rest('DELETE', `${R1}/${support.id}`, { token: b.accessToken })).status).toBe(404);
    expect((await t.rest('PUT', `${R1}/${support.id}/permissions`, { token: b.accessToken, body: { permissionIds: [] } })).status).toBe(404);
    // Same key in another tenant is fine; tenant roles are per tenant.
    expect((await t.rest('POST', R1, { token: b.accessToken, body: [{ key: 'support', name: 'Support B' }] })).status).toBe(201);
    expect((await t.deps.db.role.findUniqueOrThrow({ where: { id: support.id } })).name).toBe('Support');
  });

  it('answers 409 for a duplicate key (in the tenant, against vendor-wide keys, or within the array) and writes nothing', async () => {
    const a = await signUp(t);
    expect((await t.rest('POST', R1, { token: a.accessToken, body: [{ key: 'ops', name: 'Ops' }] })).status).toBe(201);
    const before = await t.deps.db.role.count({ where: { tenantId: a.tenantId } });
    const dup = await t.rest('POST', R1, { token: a.accessToken, body: [{ key: 'fresh', name: 'Fresh' }, { key: 'ops', name: 'Ops again' }] });
    expect(dup.status).toBe(409);
    expect((await t.rest('POST', R1, { token: a.accessToken, body: [{ key: 'Admin', name: 'Shadow admin' }] })).status).toBe(409);
    expect((await t.rest('POST', R1, { token: a.accessToken, body: [{ key: 'x', name: 'X' }, { key: 'x', name: 'X2' }] })).status).toBe(409);
    expect(await t.deps.db.role.count({ where: { tenantId: a.tenantId } })).toBe(before);
    // Unknown permission ids: 400, nothing written.
    const bad = await t.rest('POST', R1, { token: a.accessToken, body: [{ key: 'y', name: 'Y', permissionIds: ['nope'] }] });
    expect(bad.status).toBe(400);
    expect(await t.deps.db.role.count({ where: { tenantId: a.tenantId } })).toBe(before);
    // Not an array / missing fields: 400.
    expect((await t.rest('POST', R1, { token: a.accessToken, body: { key: 'z', name: 'Z' } })).status).toBe(400);
    expect((await t.rest('POST', R1, { token: a.accessToken, body: [{ name: 'no key' }] })).status).toBe(400);
  });

  it('updates, sets permissions and deletes a tenant role; vendor-wide roles are read-only to tenants', async () => {
    const a = await signUp(t);
    const created = await t.rest('POST', R1, { token: a.accessToken, body: [{ key: 'ed', name: 'Editor' }] });
    const id = created.body[0].id as string;
    const patched = await t.rest('PATCH', `${R1}/${id}`, { token: a.accessToken, body: { name: 'Editors', level: 2, isDefault: true } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ id, name: 'Editors', level: 2, isDefault: true });

    const p1 = await permissionId('fe.secure.read.users');
    const p2 = await permissionId('fe.secure.write.users');
    const set = await t.rest('PUT', `${R1}/${id}/permissions`, { token: a.accessToken, body: { permissionIds: [p1, p2] } });
    expect(set.status).toBe(200);
    expect(set.body.permissions.sort()).toEqual([p1, p2].sort());
    const replaced = await t.rest('PUT', `${R1}/${id}/permissions`, { token: a.accessToken, body: { permissionIds: [p2] } });
    expect(replaced.body.permissions).toEqual([p2]);

    const admin = await t.deps.db.role.findFirstOrThrow({ where: { tenantId: null, key: 'Admin' } });
    expect((await t.rest('PATCH', `${R1}/${admin.id}`, { token: a.accessToken, body: { name: 'Mine' } })).status).toBe(403);
    expect((await t.rest('DELETE', `${R1}/${admin.id}`, { token: a.accessToken })).status).toBe(403);
    expect((await t.rest('PUT', `${R1}/${admin.id}/permissions`, { token: a.accessToken, body: { permissionIds: [] } })).status).toBe(403);
    expect((await t.deps.db.rolePermission.count({ where: { roleId: admin.id } })) > 0).toBe(true);

    expect((await t.rest('DELETE', `${R1}/${id}`, { token: a.accessToken })).status).toBe(204);
    expect(await t.deps.db.role.findUnique({ where: { id } })).toBeNull();
    expect((await t.rest('DELETE', `${R1}/${id}`, { token: a.accessToken })).status).toBe(404);
  });

  it('refuses writes to a read-only user and grants beyond the caller’s own permissions', async () => {
    const a = await signUp(t);
    const reader = await addMember(t, a.accessToken, 'reader');
    const list = await t.rest('GET', R1, { token: reader.accessToken });
    expect(list.status).toBe(200);
    expect((await t.rest('POST', R1, { token: reader.accessToken, body: [{ key: 'r', name: 'R' }] })).status).toBe(403);
    const role = (await t.rest('POST', R1, { token: a.accessToken, body: [{ key: 'limited', name: 'Limited' }] })).body[0];
    expect((await t.rest('PATCH', `${R1}/${role.id}`, { token: reader.accessToken, body: { name: 'x' } })).status).toBe(403);
    expect((await t.rest('DELETE', `${R1}/${role.id}`, { token: reader.accessToken })).status).toBe(403);
    expect((await t.rest('GET', R1)).status).toBe(401);

    // A custom permission the founder's Admin role does not hold cannot be granted by the founder.
    const custom = await t.rest('POST', '/identity/resources/permissions/v1', { token: vendor, body: [{ key: 'reports.read', name: 'Read reports' }] });
    expect(custom.status).toBe(201);
    const grant = await t.rest('PUT', `${R1}/${role.id}/permissions`, { token: a.accessToken, body: { permissionIds: [custom.body[0].id] } });
    expect(grant.status).toBe(403);
    expect(await t.deps.db.rolePermission.count({ where: { roleId: role.id } })).toBe(0);
    // The vendor can.
    const vendorGrant = await t.rest('PUT', `${R1}/${role.id}/permissions`, { token: vendor, body: { permissionIds: [custom.body[0].id] } });
    expect(vendorGrant.status).toBe(200);
  });

  it('lets the vendor manage vendor-wide roles (no tenant header) and move a role to a tenant', async () => {
    const a = await signUp(t);
    const created = await t.rest('POST', R1, { token: vendor, body: [{ key: `global-${Date.now()}`, name: 'Global' }] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body[0].tenantId).toBeUndefined();
    const id = created.body[0].id as string;
    const seenByTenant = await t.rest('GET', R1, { token: a.accessToken });
    expect(seenByTenant.body.map((r: { id: string }) => r.id)).toContain(id);

    const inTenant = await t.rest('POST', R1, { token: vendor, headers: { 'frontegg-tenant-id': a.tenantId }, body: [{ key: 'vendor-made', name: 'Vendor made' }] });
    expect(inTenant.body[0].tenantId).toBe(a.tenantId);

    expect((await t.rest('PUT', `${R1}/${id}/tenant`, { token: a.accessToken, body: { tenantId: a.tenantId } })).status).toBe(403);
    expect((await t.rest('PUT', `${R1}/${id}/tenant`, { token: vendor, body: { tenantId: 'no-such-tenant' } })).status).toBe(404);
    const moved = await t.rest('PUT', `${R1}/${id}/tenant`, { token: vendor, body: { tenantId: a.tenantId } });
    expect(moved.status).toBe(200);
    expect(moved.body.tenantId).toBe(a.tenantId);
    expect((await t.rest('PATCH', `${R1}/${id}`, { token: a.accessToken, body: { name: 'Now ours' } })).status).toBe(200);
  });
});

describe('roles v2', () => {
  it('creates a role based on another’s level, pages with filters, and rejects invalid paging', async () => {
    const a = await signUp(t);
    const base = (await t.rest('POST', R1, { token: a.accessToken, body: [{ key: 'base', name: 'Base', level: 7 }] })).body[0];
    const v2 = await t.rest('POST', R2, { token: a.accessToken, body: { key: 'derived', name: 'Derived', baseRoleId: base.id, permissionIds: [] } });
    expect(v2.status, JSON.stringify(v2.body)).toBe(200);
    expect(v2.body).toMatchObject({ key: 'derived', level: 7, tenantId: a.tenantId });
    for (let i = 0; i < 5; i++) await t.rest('POST', R2, { token: a.accessToken, body: { key: `paged-${i}`, name: `Paged ${i}`, baseRoleId: base.id, permissionIds: [] } });

    const page0 = await t.rest('GET', `${R2}?_limit=2&_offset=0&_sortBy=key&_order=ASC&_filter=paged`, { token: a.accessToken });
    expect(page0.status, JSON.stringify(page0.body)).toBe(200);
    expect(page0.body.items.map((r: { key: string }) => r.key)).toEqual(['paged-0', 'paged-1']);
    expect(page0.body._metadata).toEqual({ totalItems: 5, totalPages: 3 });
    const page2 = await t.rest('GET', `${R2}?_limit=2&_offset=2&_sortBy=key&_order=ASC&_filter=paged`, { token: a.accessToken });
    expect(page2.body.items.map((r: { key: string }) => r.key)).toEqual(['paged-4']);
    const levels = await t.rest('GET', `${R2}?_levels=7&_sortBy=key`, { token: a.accessToken });
    expect(levels.body.items.every((r: { level: number }) => r.level === 7)).toBe(true);
    expect(levels.body._metadata.totalItems).toBe(7);

    expect((await t.rest('GET', `${R2}?_limit=0`, { token: a.accessToken })).status).toBe(400);
    expect((await t.rest('GET', `${R2}?_limit=abc`, { token: a.accessToken })).status).toBe(400);
    expect((await t.rest('GET', `${R2}?_offset=-1`, { token: a.accessToken })).status).toBe(400);
    expect((await t.rest('GET', `${R2}?_sortBy=password`, { token: a.accessToken })).status).toBe(400);

    // Another tenant pages none of these, even asking for A's tenant id.
    const b = await signUp(t);
    const foreign = await t.rest('GET', `${R2}?_tenantIds=${a.tenantId}&_sortBy=key`, { token: b.accessToken });
    expect(foreign.status).toBe(200);
    expect(foreign.body.items).toEqual([]);
    const bFilter = await t.rest('GET', `${R2}?_filter=paged&_sortBy=key`, { token: b.accessToken });
    expect(bFilter.body._metadata.totalItems).toBe(0);

    const distinctLevels = await t.rest('GET', `${R2}/distinct-levels`, { token: a.accessToken });
    expect(distinctLevels.body.levels).toEqual(expect.arrayContaining([0, 1, 7]));
    const distinctTenants = await t.rest('GET', `${R2}/distinct-tenants`, { token: a.accessToken });
    expect(distinctTenants.body.tenantIds).toEqual([a.tenantId]);
    const vendorTenants = await t.rest('GET', `${R2}/distinct-tenants`, { token: vendor });
    expect(vendorTenants.body.tenantIds).toContain(a.tenantId);
  });
});

const RolesListing: TypedDocumentNode<{ roles: Array<{ id: string; permissions: Array<{ key: string }> }> }, Record<string, never>> = parse(`
  query { roles { id key permissions { id key roleIds } } }
`);

describe('GraphQL roles listing', () => {
  it('costs the same statements for 10 and 50 roles with their permissions (no N+1)', async () => {
    const a = await signUp(t);
    const pid = await permissionId('fe.secure.read.users');
    const addRoles = async (n: number, from: number) => {
      const body = Array.from({ length: n }, (_, i) => ({ key: `bulk-${from + i}`, name: `Bulk ${from + i}`, permissionIds: [pid] }));
      expect((await t.rest('POST', R1, { token: a.accessToken, body })).status).toBe(201);
    };
    const count = async (expected: number) => {
      t.queries.length = 0;
      const r = await t.gql(RolesListing, {}, { token: a.accessToken });
      expect(r.errors).toBeUndefined();
      expect(r.data.roles.length).toBe(expected);
      return t.queries.length;
    };
    await addRoles(10, 0);
    const at10 = await count(12);
    await addRoles(40, 10);
    const at50 = await count(52);
    expect(at50).toBe(at10);
  }, 120_000);
});
