// Frontegg's Tenants API: /tenants/resources/tenants/v1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

const api = (method: string, path: string, body?: unknown) => t.rest(method, `/tenants/resources/tenants/v1${path}`, { token: vendor, body });

describe('tenants', () => {
  it('creates, reads (as a one-element array), lists, updates and deletes', async () => {
    const created = await api('POST', '', { tenantId: 'acme-corp', name: 'Acme', website: 'https://acme.test', metadata: '{"tier":"gold"}' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'acme-corp', tenantId: 'acme-corp', name: 'Acme', website: 'https://acme.test', metadata: '{"tier":"gold"}', deleted: false });
    const got = await api('GET', '/acme-corp');
    expect(got.status).toBe(200);
    expect(got.body).toEqual([created.body]);
    const list = await t.rest('GET', '/frontegg/tenants/resources/tenants/v1', { token: vendor });
    expect(list.body.map((x: { tenantId: string }) => x.tenantId)).toContain('acme-corp');
    const updated = await api('PUT', '/acme-corp', { name: 'Acme Inc', logo: 'https://acme.test/logo.png' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Acme Inc', logo: 'https://acme.test/logo.png', website: 'https://acme.test' });
    expect((await api('DELETE', '/acme-corp')).status).toBe(200);
    expect((await api('GET', '/acme-corp')).status).toBe(404);
  });

  it('answers clear 4xx for unknown ids, duplicates and bad input', async () => {
    expect((await api('GET', '/nope')).body).toEqual({ errors: ['Tenant not found'], errorCode: 'tenant_not_found' });
    expect((await api('PUT', '/nope', { name: 'x' })).status).toBe(404);
    expect((await api('DELETE', '/nope')).status).toBe(404);
    await api('POST', '', { tenantId: 'dup', name: 'Dup' });
    const dup = await api('POST', '', { tenantId: 'dup', name: 'Dup again' });
    expect(dup.status).toBe(409);
    expect((await api('POST', '', { website: 'no name' })).status).toBe(400);
    expect((await api('POST', '', { name: 'x', metadata: 'not json' })).status).toBe(400);
    expect((await api('POST', '', { name: 'x', parentTenantId: 'missing-parent' })).status).toBe(404);
    expect((await t.rest('GET', '/tenants/resources/tenants/v1')).status).toBe(401);
  });

  it('refuses to delete a parent with sub-tenants, and deleting a tenant removes its memberships but not its users', async () => {
    await api('POST', '', { tenantId: 'parent', name: 'Parent' });
    const child = await api('POST', '', { tenantId: 'child', name: 'Child', parentTenantId: 'parent' });
    expect(child.body.parentTenantId).toBe('parent');
    expect((await api('DELETE', '/parent')).status).toBe(409);

    const u = await signUp(t);
    const added = await t.rest('POST', '/identity/resources/users/v1', { token: vendor, headers: { 'frontegg-tenant-id': 'child' }, body: { email: u.email } });
    expect(added.status).toBe(201);
    expect((await api('DELETE', '/child')).status).toBe(200);
    const user = await t.deps.db.user.findUnique({ where: { id: u.userId }, include: { memberships: true } });
    expect(user?.memberships.map((m) => m.tenantId)).toEqual([u.tenantId]);
    expect((await api('DELETE', '/parent')).status).toBe(200);
  });
});
