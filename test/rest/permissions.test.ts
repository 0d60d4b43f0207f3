// Permissions and categories: vendor-managed, fe.* built-ins protected, all-or-none array creation,
// tenants read only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

const P = '/identity/resources/permissions/v1';
const C = `${P}/categories`;

describe('permissions', () => {
  it('creates from an array (all or none), lists, updates, sets roles, classifies and deletes', async () => {
    const cat = await t.rest('POST', C, { token: vendor, body: { name: 'Reports', description: 'Reporting' } });
    expect(cat.status, JSON.stringify(cat.body)).toBe(201);
    expect(cat.body).toMatchObject({ name: 'Reports', feCategory: false, permissionIds: [] });

    const created = await t.rest('POST', P, { token: vendor, body: [{ key: 'reports.read', name: 'Read', categoryId: cat.body.id }, { key: 'reports.write', name: 'Write' }] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.map((p: { key: string }) => p.key).sort()).toEqual(['reports.read', 'reports.write']);
    const read = created.body.find((p: { key: string }) => p.key === 'reports.read');
    expect(read).toMatchObject({ categoryId: cat.body.id, fePermission: false, roleIds: [] });

    // Duplicate (existing or within the array) → 409, nothing written; fe.* keys reserved → 400; unknown category → 404.
    const before = await t.deps.db.permission.count();
    expect((await t.rest('POST', P, { token: vendor, body: [{ key: 'reports.new', name: 'N' }, { key: 'reports.read', name: 'Again' }] })).status).toBe(409);
    expect((await t.rest('POST', P, { token: vendor, body: [{ key: 'dup.x', name: 'N' }, { key: 'dup.x', name: 'N' }] })).status).toBe(409);
    expect((await t.rest('POST', P, { token: vendor, body: [{ key: 'fe.secure.fake', name: 'Fake' }] })).status).toBe(400);
    expect((await t.rest('POST', P, { token: vendor, body: [{ key: 'reports.z', name: 'Z', categoryId: 'nope' }] })).status).toBe(404);
    expect(await t.deps.db.permission.count()).toBe(before);

    const list = await t.rest('GET', P, { token: vendor });
    expect(list.status).toBe(200);
    expect(list.body.map((p: { key: string }) => p.key)).toEqual(expect.arrayContaining(['reports.read', 'fe.secure.read.users']));

    const patched = await t.rest('PATCH', `${P}/${read.id}`, { token: vendor, body: { name: 'Read reports', description: 'All of them' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Read reports', description: 'All of them', key: 'reports.read' });
    expect((await t.rest('PATCH', `${P}/${read.id}`, { token: vendor, body: { key: 'reports.write' } })).status).toBe(409);

    const admin = await t.deps.db.role.findFirstOrThrow({ where: { tenantId: null, key: 'Admin' } });
    const roles = await t.rest('PUT', `${P}/${read.id}/roles`, { token: vendor, body: { roleIds: [admin.id] } });
    expect(roles.status, JSON.stringify(roles.body)).toBe(200);
    expect(roles.body.roleIds).toEqual([admin.id]);
    expect((await t.rest('PUT', `${P}/${read.id}/roles`, { token: vendor, body: { roleIds: ['nope'] } })).status).toBe(400);
    expect(await t.deps.db.rolePermission.count({ where: { permissionId: read.id } })).toBe(1);

    const classified = await t.rest('PUT', `${P}/classification`, { token: vendor, body: { permissionIds: [read.id], type: 'NEVER' } });
    expect(classified.status, JSON.stringify(classified.body)).toBe(200);
    expect(classified.body[0]).toMatchObject({ assignmentType: 'NEVER', roleIds: [] });
    expect((await t.rest('PUT', `${P}/classification`, { token: vendor, body: { permissionIds: [read.id], type: 'SOMETIMES' } })).status).toBe(400);

    expect((await t.rest('DELETE', `${P}/${read.id}`, { token: vendor })).status).toBe(204);
    expect((await t.rest('DELETE', `${P}/${read.id}`, { token: vendor })).status).toBe(404);
  });

  it('protects the built-in fe.* permissions and categories', async () => {
    const fe = await t.deps.db.permission.findUniqueOrThrow({ where: { key: 'fe.secure.read.users' } });
    expect((await t.rest('PATCH', `${P}/${fe.id}`, { token: vendor, body: { name: 'Renamed' } })).status).toBe(403);
    expect((await t.rest('DELETE', `${P}/${fe.id}`, { token: vendor })).status).toBe(403);
    expect((await t.rest('PUT', `${P}/classification`, { token: vendor, body: { permissionIds: [fe.id], type: 'NEVER' } })).status).toBe(403);
    expect((await t.deps.db.permission.findUniqueOrThrow({ where: { id: fe.id } })).name).toBe(fe.name);
    const feCat = await t.deps.db.permissionCategory.findFirstOrThrow({ where: { feCategory: true } });
    expect((await t.rest('PATCH', `${C}/${feCat.id}`, { token: vendor, body: { name: 'Mine' } })).status).toBe(403);
    expect((await t.rest('DELETE', `${C}/${feCat.id}`, { token: vendor })).status).toBe(403);
  });

  it('lets tenants read permissions and categories but never write them', async () => {
    const a = await signUp(t);
    expect((await t.rest('GET', P, { token: a.accessToken })).status).toBe(200);
    expect((await t.rest('GET', C, { token: a.accessToken })).status).toBe(200);
    expect((await t.rest('POST', P, { token: a.accessToken, body: [{ key: 'tenant.perm', name: 'T' }] })).status).toBe(403);
    expect((await t.rest('POST', C, { token: a.accessToken, body: { name: 'Tenant cat' } })).status).toBe(403);
    const custom = (await t.rest('POST', P, { token: vendor, body: [{ key: 'tenant.visible', name: 'V' }] })).body[0];
    expect((await t.rest('DELETE', `${P}/${custom.id}`, { token: a.accessToken })).status).toBe(403);
    expect((await t.rest('PUT', `${P}/${custom.id}/roles`, { token: a.accessToken, body: { roleIds: [] } })).status).toBe(403);
    expect(await t.deps.db.permission.count({ where: { key: 'tenant.perm' } })).toBe(0);
  });

  it('manages categories: duplicate names 409, update, delete leaves permissions uncategorised', async () => {
    const cat = await t.rest('POST', C, { token: vendor, body: { id: 'custom-cat-id', name: 'Billing' } });
    expect(cat.status).toBe(201);
    expect(cat.body.id).toBe('custom-cat-id');
    expect((await t.rest('POST', C, { token: vendor, body: { name: 'Billing' } })).status).toBe(409);
    expect((await t.rest('POST', C, { token: vendor, body: { id: 'custom-cat-id', name: 'Other' } })).status).toBe(409);
    const perm = (await t.rest('POST', P, { token: vendor, body: [{ key: 'billing.read', name: 'B', categoryId: 'custom-cat-id' }] })).body[0];
    const patched = await t.rest('PATCH', `${C}/custom-cat-id`, { token: vendor, body: { description: 'Money' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ description: 'Money', permissionIds: [perm.id] });
    expect((await t.rest('DELETE', `${C}/custom-cat-id`, { token: vendor })).status).toBe(200);
    expect((await t.deps.db.permission.findUniqueOrThrow({ where: { id: perm.id } })).categoryId).toBeNull();
    expect((await t.rest('PATCH', `${C}/custom-cat-id`, { token: vendor, body: { name: 'x' } })).status).toBe(404);
  });
});
