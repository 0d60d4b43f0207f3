// Sub-tenant users (client-only paths of @frontegg/rest-api subTenants.*): a tenant admin lists,
// adds, removes and re-roles users across its tenant and the tenants below it; never above it or
// beside it; each write is all or nothing; a user token grants only permissions it holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
let vendor: string;
let adminRole: string;
let readOnlyRole: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
  adminRole = (await t.deps.db.role.findFirstOrThrow({ where: { tenantId: null, key: 'Admin' } })).id;
  readOnlyRole = (await t.deps.db.role.findFirstOrThrow({ where: { tenantId: null, key: 'ReadOnly' } })).id;
});
afterAll(() => t?.close());

const V1 = '/identity/resources/sub-tenants/users/v1';
const V2 = '/frontegg/identity/resources/sub-tenants/users/v2/';
const password = 'a long enough passphrase';

type Owner = Awaited<ReturnType<typeof signUp>>;

/** parent (signed-up tenant) → child → grandchild, created by the parent's admin. */
async function family() {
  const owner = await signUp(t, { companyName: 'Parent' });
  const mk = async (name: string, parentTenantId: string) => {
    const r = await t.rest('POST', '/tenants/resources/sub-tenants/v1', { token: owner.accessToken, body: { name, parentTenantId } });
    expect(r.status).toBe(201);
    return r.body.tenantId as string;
  };
  const child = await mk('Child', owner.tenantId);
  const grand = await mk('Grandchild', child);
  return { owner, child, grand };
}

/** The user's memberships as tenantId → sorted role keys. */
async function rolesByTenant(userId: string) {
  const ms = await t.deps.db.userTenant.findMany({ where: { userId }, include: { roles: { include: { role: true } } } });
  return Object.fromEntries(ms.map((m) => [m.tenantId, m.roles.map((r) => r.role.key).sort()]));
}

/** A user created by the vendor in `tenantId` with the given roles, logged in. */
async function loggedInUser(tenantId: string, roleIds: string[]) {
  const email = uniqueEmail('sub');
  const c = await t.rest('POST', '/identity/resources/users/v1', { token: vendor, headers: { 'frontegg-tenant-id': tenantId }, body: { email, password, roleIds } });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  const login = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });
  expect(login.status).toBe(200);
  return { userId: c.body.id as string, email, accessToken: login.body.accessToken as string };
}

const addUser = (o: Owner | { accessToken: string }, body: unknown) => t.rest('POST', V1, { token: o.accessToken, body });

describe('sub-tenant users', () => {
  it('adds a new user to the parent and its sub-tenants with roles per tenant, lists and removes them', async () => {
    const { owner, child, grand } = await family();
    const email = uniqueEmail('multi');
    const add = await addUser(owner, {
      email,
      name: 'Multi Tenant',
      subTenants: [{ tenantId: owner.tenantId, roleIds: [readOnlyRole] }, { tenantId: child, roleIds: [adminRole] }, { tenantId: grand }],
    });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    expect(add.body).toMatchObject({ email, invited: false });
    const userId = add.body.userId as string;
    // grand got the tenant's default role (ReadOnly is the default)
    expect(await rolesByTenant(userId)).toEqual({ [owner.tenantId]: ['ReadOnly'], [child]: ['Admin'], [grand]: ['ReadOnly'] });

    // The user also belongs to an unrelated tenant: the listing never shows that membership.
    const other = await signUp(t, { companyName: 'Elsewhere' });
    expect((await t.rest('POST', '/identity/resources/users/v1', { token: vendor, headers: { 'frontegg-tenant-id': other.tenantId }, body: { email } })).status).toBe(201);

    const list = await t.rest('GET', `${V1}?_limit=50`, { token: owner.accessToken });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body._metadata.totalItems).toBe(2);
    const listed = list.body.items.find((u: { id: string }) => u.id === userId);
    expect(listed).toMatchObject({ email, name: 'Multi Tenant' });
    expect(listed.tenants.map((m: { tenantId: string }) => m.tenantId).sort()).toEqual([owner.tenantId, child, grand].sort());
    expect(listed.tenants.find((m: { tenantId: string }) => m.tenantId === child).roles.map((r: { key: string }) => r.key)).toEqual(['Admin']);
    expect(JSON.stringify(list.body)).not.toContain(other.tenantId);
    // paged: one per page, the page index in _offset
    const page = await t.rest('GET', `${V1}?_limit=1&_offset=1&_sortBy=email&_order=ASC`, { token: owner.accessToken });
    expect(page.body.items).toHaveLength(1);
    expect(page.body._metadata).toEqual({ totalItems: 2, totalPages: 2 });
    expect((await t.rest('GET', `${V1}?_filter=${encodeURIComponent('multi tenant')}`, { token: owner.accessToken })).body.items.map((u: { id: string }) => u.id)).toEqual([userId]);
    expect((await t.rest('GET', `${V1}?_limit=1000`, { token: owner.accessToken })).status).toBe(400);

    const removed = await t.rest('DELETE', V1, { token: owner.accessToken, body: { userId, subTenants: [{ tenantId: child }, { tenantId: grand }] } });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(await rolesByTenant(userId)).toEqual({ [owner.tenantId]: ['ReadOnly'], [other.tenantId]: ['ReadOnly'] });
    // not a member any more: 404, nothing changes
    expect((await t.rest('DELETE', V1, { token: owner.accessToken, body: { userId, subTenants: [{ tenantId: child }] } })).status).toBe(404);
  });

  it('writes nothing when one target is invalid (unknown or outside the sub-tree, bad role, already a member)', async () => {
    const { owner, child, grand } = await family();
    const other = await signUp(t, { companyName: 'Beside' });
    const foreignRole = await t.deps.db.role.create({ data: { tenantId: other.tenantId, key: 'foreign', name: 'Foreign' } });
    const email = uniqueEmail('partial');
    const tries: Array<[unknown, number]> = [
      [{ email, subTenants: [{ tenantId: child }, { tenantId: other.tenantId }] }, 404],
      [{ email, subTenants: [{ tenantId: child }, { tenantId: 'no-such-tenant' }] }, 404],
      [{ email, subTenants: [{ tenantId: child }, { tenantId: grand, roleIds: [foreignRole.id] }] }, 400],
      [{ email, subTenants: [{ tenantId: child }, { tenantId: child }] }, 400],
      [{ email, subTenants: [] }, 400],
      [{ email: 'not-an-email', subTenants: [{ tenantId: child }] }, 400],
    ];
    for (const [body, status] of tries) expect((await addUser(owner, body)).status, JSON.stringify(body)).toBe(status);
    expect(await t.deps.db.user.count({ where: { email } })).toBe(0);

    // already a member of the second target: the first membership is rolled back too
    const first = await addUser(owner, { email, subTenants: [{ tenantId: grand }] });
    expect(first.status).toBe(201);
    const again = await addUser(owner, { email, subTenants: [{ tenantId: child }, { tenantId: grand }] });
    expect(again.status).toBe(409);
    expect(Object.keys(await rolesByTenant(first.body.userId))).toEqual([grand]);

    // removal: one foreign target keeps every membership
    const userId = (await addUser(owner, { email: uniqueEmail('stay'), subTenants: [{ tenantId: child }, { tenantId: grand }] })).body.userId as string;
    const bad = await t.rest('DELETE', V1, { token: owner.accessToken, body: { userId, subTenants: [{ tenantId: child }, { tenantId: other.tenantId }] } });
    expect(bad.status).toBe(404);
    expect(Object.keys(await rolesByTenant(userId)).sort()).toEqual([child, grand].sort());
  });

  it('adds, sets and removes roles across sub-tenants, all or nothing', async () => {
    const { owner, child, grand } = await family();
    const userId = (await addUser(owner, { email: uniqueEmail('roles'), subTenants: [{ tenantId: child }, { tenantId: grand }] })).body.userId as string;
    const R = `${V1}/${userId}/roles`;

    const add = await t.rest('POST', R, { token: owner.accessToken, body: { subTenants: [{ tenantId: child, roleIds: [adminRole] }, { tenantId: grand, roleIds: [adminRole] }] } });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    expect(await rolesByTenant(userId)).toEqual({ [child]: ['Admin', 'ReadOnly'], [grand]: ['Admin', 'ReadOnly'] });

    const set = await t.rest('PATCH', R, { token: owner.accessToken, body: { subTenantsRoles: [{ tenantId: child, roleIds: [readOnlyRole] }, { tenantId: grand, roleIds: [] }] } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(await rolesByTenant(userId)).toEqual({ [child]: ['ReadOnly'], [grand]: [] });

    // a tenant the user is not a member of (the parent) or a role of another tenant: nothing changes
    const other = await signUp(t);
    const foreignRole = await t.deps.db.role.create({ data: { tenantId: other.tenantId, key: 'foreign-r', name: 'Foreign' } });
    expect((await t.rest('POST', R, { token: owner.accessToken, body: { subTenants: [{ tenantId: child, roleIds: [adminRole] }, { tenantId: owner.tenantId, roleIds: [adminRole] }] } })).status).toBe(404);
    expect((await t.rest('PATCH', R, { token: owner.accessToken, body: { subTenants: [{ tenantId: grand, roleIds: [adminRole] }, { tenantId: child, roleIds: [foreignRole.id] }] } })).status).toBe(400);
    expect(await rolesByTenant(userId)).toEqual({ [child]: ['ReadOnly'], [grand]: [] });

    const del = await t.rest('DELETE', R, { token: owner.accessToken, body: { subTenants: [{ tenantId: child, roleIds: [readOnlyRole] }] } });
    expect(del.status).toBe(200);
    expect(await rolesByTenant(userId)).toEqual({ [child]: [], [grand]: [] });
    expect((await t.rest('POST', R, { token: owner.accessToken, body: { subTenants: [{ tenantId: child, roleIds: [] }] } })).status).toBe(400);
  });

  it('refuses a user of an unrelated tenant, and a sub-tenant admin above its own tenant', async () => {
    const { owner, child, grand } = await family();
    const member = await addUser(owner, { email: uniqueEmail('victim'), subTenants: [{ tenantId: owner.tenantId }, { tenantId: child }] });
    const memberId = member.body.userId as string;
    const before = await rolesByTenant(memberId);

    const stranger = await signUp(t, { companyName: 'Stranger' });
    const email = uniqueEmail('intruder');
    expect((await addUser(stranger, { email, subTenants: [{ tenantId: child }] })).status).toBe(404);
    expect((await t.rest('DELETE', V1, { token: stranger.accessToken, body: { userId: memberId, subTenants: [{ tenantId: child }] } })).status).toBe(404);
    expect((await t.rest('POST', `${V1}/${memberId}/roles`, { token: stranger.accessToken, body: { subTenants: [{ tenantId: child, roleIds: [adminRole] }] } })).status).toBe(404);
    expect((await t.rest('PATCH', `${V1}/${memberId}/roles`, { token: stranger.accessToken, body: { subTenants: [{ tenantId: child, roleIds: [] }] } })).status).toBe(404);
    // frontegg-tenant-id naming the victim is ignored for a user token: it still lists its own tenant
    const list = await t.rest('GET', V1, { token: stranger.accessToken, headers: { 'frontegg-tenant-id': owner.tenantId } });
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { id: string }) => u.id)).toEqual([stranger.userId]);
    expect(await t.deps.db.user.count({ where: { email } })).toBe(0);
    expect(await rolesByTenant(memberId)).toEqual(before);

    // an admin of the child manages the child and below, never the parent
    const childAdmin = await loggedInUser(child, [adminRole]);
    expect((await addUser(childAdmin, { email: uniqueEmail('up'), subTenants: [{ tenantId: owner.tenantId }] })).status).toBe(404);
    expect((await t.rest('DELETE', V1, { token: childAdmin.accessToken, body: { userId: memberId, subTenants: [{ tenantId: owner.tenantId }] } })).status).toBe(404);
    const down = await addUser(childAdmin, { email: uniqueEmail('down'), subTenants: [{ tenantId: child }, { tenantId: grand }] });
    expect(down.status, JSON.stringify(down.body)).toBe(201);
    const childList = await t.rest('GET', V1, { token: childAdmin.accessToken });
    expect(childList.body.items.map((u: { id: string }) => u.id)).not.toContain(owner.userId);
    expect(childList.body.items.find((u: { id: string }) => u.id === memberId).tenants.map((m: { tenantId: string }) => m.tenantId)).toEqual([child]);
    expect((await t.rest('GET', V1)).status).toBe(401);
  });

  it('never grants roles carrying permissions the caller lacks; read-only users cannot write', async () => {
    const { owner, child } = await family();
    const perms = await t.rest('GET', '/identity/resources/permissions/v1', { token: owner.accessToken });
    const permId = (key: string) => perms.body.find((p: { key: string }) => p.key === key).id as string;
    const mgr = await t.rest('POST', '/identity/resources/roles/v1', {
      token: owner.accessToken,
      body: [{ key: 'user-manager', name: 'User manager', permissionIds: [permId('fe.secure.read.users'), permId('fe.secure.write.users')] }],
    });
    expect(mgr.status, JSON.stringify(mgr.body)).toBe(201);
    const manager = await loggedInUser(owner.tenantId, [mgr.body[0].id]);
    const target = (await addUser(owner, { email: uniqueEmail('target'), subTenants: [{ tenantId: child }] })).body.userId as string;

    const escalate = await t.rest('POST', `${V1}/${target}/roles`, { token: manager.accessToken, body: { subTenants: [{ tenantId: child, roleIds: [adminRole] }] } });
    expect(escalate.status).toBe(403);
    expect(escalate.body.errorCode ?? escalate.body.errors?.join()).toBeTruthy();
    expect((await addUser(manager, { email: uniqueEmail('esc'), subTenants: [{ tenantId: child, roleIds: [adminRole] }] })).status).toBe(403);
    expect(await rolesByTenant(target)).toEqual({ [child]: ['ReadOnly'] });
    // the parent's own role is no role of the child
    expect((await t.rest('PATCH', `${V1}/${target}/roles`, { token: manager.accessToken, body: { subTenants: [{ tenantId: child, roleIds: [mgr.body[0].id] }] } })).status).toBe(400);
    // taking roles away is within its rights
    expect((await t.rest('DELETE', `${V1}/${target}/roles`, { token: manager.accessToken, body: { subTenants: [{ tenantId: child, roleIds: [readOnlyRole] }] } })).status).toBe(200);
    expect(await rolesByTenant(target)).toEqual({ [child]: [] });

    const reader = await loggedInUser(owner.tenantId, [readOnlyRole]);
    expect((await addUser(reader, { email: uniqueEmail('ro'), subTenants: [{ tenantId: child }] })).status).toBe(403);
    expect((await t.rest('GET', V1, { token: reader.accessToken })).status).toBe(200);
  });

  it('invites (pending memberships) a registered user added by a tenant admin; the vendor places directly', async () => {
    const { owner, child, grand } = await family();
    const someone = await signUp(t, { companyName: 'Own' });
    const r = await addUser(owner, { email: someone.email, subTenants: [{ tenantId: child }, { tenantId: grand }], skipInviteEmail: true });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ userId: someone.userId, invited: true });
    const ms = await t.deps.db.userTenant.findMany({ where: { userId: someone.userId, tenantId: { in: [child, grand] } } });
    expect(ms.map((m) => m.activatedForTenant)).toEqual([false, false]);
    expect(await t.deps.db.oneTimeToken.count({ where: { userId: someone.userId, type: 'INVITATION', tenantId: { in: [child, grand] } } })).toBe(2);

    const placed = await t.rest('POST', V1, { token: vendor, headers: { 'frontegg-tenant-id': owner.tenantId }, body: { email: someone.email, subTenants: [{ tenantId: owner.tenantId }] } });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.invited).toBe(false);
    expect((await t.deps.db.userTenant.findUniqueOrThrow({ where: { userId_tenantId: { userId: someone.userId, tenantId: owner.tenantId } } })).activatedForTenant).toBe(true);
    // the vendor naming a tenant is held to its sub-tree as well
    expect((await t.rest('POST', V1, { token: vendor, headers: { 'frontegg-tenant-id': child }, body: { email: uniqueEmail('v'), subTenants: [{ tenantId: owner.tenantId }] } })).status).toBe(404);
  });

  it('v2 adds several users to one sub-tenant, all or nothing', async () => {
    const { owner, child } = await family();
    const [a, b] = [uniqueEmail('v2a'), uniqueEmail('v2b')];
    const r = await t.rest('POST', V2, { token: owner.accessToken, body: { tenantId: child, users: [{ email: a, name: 'A' }, { email: b, roleIds: [adminRole] }] } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.users.map((u: { email: string }) => u.email)).toEqual([a, b]);
    expect(await rolesByTenant(r.body.users[1].userId)).toEqual({ [child]: ['Admin'] });

    const other = await signUp(t);
    const foreignRole = await t.deps.db.role.create({ data: { tenantId: other.tenantId, key: 'foreign-v2', name: 'Foreign' } });
    const c = uniqueEmail('v2c');
    expect((await t.rest('POST', V2, { token: owner.accessToken, body: { tenantId: child, users: [{ email: c }, { email: uniqueEmail('v2d'), roleIds: [foreignRole.id] }] } })).status).toBe(400);
    expect((await t.rest('POST', V2, { token: owner.accessToken, body: { tenantId: other.tenantId, users: [{ email: c }] } })).status).toBe(404);
    expect((await t.rest('POST', V2, { token: owner.accessToken, body: { tenantId: child, users: [{ email: c }, { email: c }] } })).status).toBe(400);
    expect(await t.deps.db.user.count({ where: { email: c } })).toBe(0);
  });
});
