// Relay object identification with raw ids: node(id:) / nodes(ids:) find any object by the id its
// type exposes, with exactly the visibility of the type's own queries (another tenant's objects
// answer null), and nodes(ids:) reads a fixed number of statements whatever the number of ids.
// Also: groups on Tenant (with roles and users) at a constant statement count.
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

const doc = (source: string) => parse(source) as TypedDocumentNode<any, any>;

const NODE = doc(`query($id: ID!) { node(id: $id) { __typename id } }`);
const NODES = doc(`query($ids: [ID!]!) { nodes(ids: $ids) {
  __typename id
  ... on User { email tenants { tenantId roles { key permissions { key } } } groups { id } }
  ... on Group { name roles { key } users { id } }
  ... on Role { key permissions { key } }
} }`);

/** A tenant (signed up) with a group, a tenant role, a tenant API token and the founder's session. */
async function tenantWithObjects() {
  const owner = await signUp(t);
  const group = await t.rest('POST', '/identity/resources/groups/v1', { token: owner.accessToken, body: { name: 'G' } });
  expect(group.status).toBe(201);
  const role = await t.rest('POST', '/identity/resources/roles/v1', { token: owner.accessToken, body: [{ key: 'own-role', name: 'Own' }] });
  expect(role.status, JSON.stringify(role.body)).toBe(201);
  const readOnly = await t.deps.db.role.findFirstOrThrow({ where: { key: 'ReadOnly', tenantId: null } });
  const token = await t.rest('POST', '/identity/resources/tenants/api-tokens/v1', { token: owner.accessToken, body: { description: 'CI', roleIds: [readOnly.id] } });
  expect(token.status, JSON.stringify(token.body)).toBe(201);
  const session = await t.deps.db.session.findFirstOrThrow({ where: { userId: owner.userId } });
  return {
    owner,
    ids: {
      User: owner.userId,
      Tenant: owner.tenantId,
      Group: group.body.id as string,
      Role: (role.body as Array<{ id: string }>)[0]!.id,
      ApiToken: token.body.clientId as string,
      Session: session.id,
    },
  };
}

describe('node(id:) and nodes(ids:)', () => {
  it('keeps the raw ids and finds every kind by them, for the vendor and for the owner', async () => {
    const a = await tenantWithObjects();
    const app = await t.deps.db.application.create({ data: { name: 'App' } });
    const permission = await t.deps.db.permission.findFirstOrThrow({ where: { key: 'fe.secure.read.users' } });
    const category = await t.deps.db.permissionCategory.findFirstOrThrow();
    const resource = await t.deps.db.apiResource.create({ data: { name: 'API', indicator: 'https://node-test.example.com' } });
    const all = { ...a.ids, Application: app.id, ApiResource: resource.id, Permission: permission.id, PermissionCategory: category.id };
    for (const [typename, id] of Object.entries(all)) {
      const r = await t.gql(NODE, { id }, { token: vendor, headers: { 'frontegg-user-id': a.owner.userId } });
      expect(r.errors, typename).toBeUndefined();
      expect(r.data.node, typename).toEqual({ __typename: typename, id });
    }
    // The owner sees its own objects (not the vendor-only application).
    for (const [typename, id] of Object.entries(a.ids)) {
      const r = await t.gql(NODE, { id }, { token: a.owner.accessToken });
      expect(r.data.node, typename).toEqual({ __typename: typename, id });
    }
    expect((await t.gql(NODE, { id: app.id }, { token: a.owner.accessToken })).data.node).toBeNull();
    expect((await t.gql(NODE, { id: resource.id }, { token: a.owner.accessToken })).data.node).toBeNull();
    // unknown ids (UUID or not) are null, not an error
    const unknown = await t.gql(NODES, { ids: ['00000000-0000-0000-0000-000000000000', 'not-a-uuid'] }, { token: vendor });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data.nodes).toEqual([null, null]);
    // anonymous callers are refused
    expect((await t.gql(NODE, { id: a.ids.User })).errors?.[0]?.extensions?.code).toBeDefined();
  });

  it("never returns another tenant's objects: B's admin gets null for A's user, role, group, tenant, token and session", async () => {
    const a = await tenantWithObjects();
    const b = await tenantWithObjects();
    for (const [typename, id] of Object.entries(a.ids)) {
      const one = await t.gql(NODE, { id }, { token: b.owner.accessToken });
      expect(one.errors, typename).toBeUndefined();
      expect(one.data.node, typename).toBeNull();
    }
    const many = await t.gql(NODES, { ids: [...Object.values(a.ids), b.ids.User] }, { token: b.owner.accessToken });
    expect(many.errors).toBeUndefined();
    expect(many.data.nodes.slice(0, -1)).toEqual(Object.values(a.ids).map(() => null));
    expect(many.data.nodes.at(-1)).toMatchObject({ __typename: 'User', id: b.ids.User });
    // the vendor acting for B's user with B's tenant header sees A's objects (the vendor reaches every tenant)
    const v = await t.gql(NODE, { id: a.ids.Group }, { token: vendor });
    expect(v.data.node).toEqual({ __typename: 'Group', id: a.ids.Group });
  });

  it("agrees with the type's own queries for a read-only member: its own sessions only, tokens as tenantApiTokens lists them", async () => {
    const a = await tenantWithObjects();
    const member = await addMember(t, a.owner.accessToken);
    const memberSession = await t.deps.db.session.findFirstOrThrow({ where: { userId: member.userId } });
    const own = await t.gql(
      doc(`{ tenantApiTokens { id } mySessions { id } roles { id } }`),
      {},
      { token: member.accessToken },
    );
    const listsToken = (own.data?.tenantApiTokens ?? []).some((x: { id: string }) => x.id === a.ids.ApiToken);
    const r = await t.gql(NODES, { ids: [member.userId, a.ids.ApiToken, a.ids.Session, memberSession.id, a.ids.Tenant] }, { token: member.accessToken });
    expect(r.errors).toBeUndefined();
    expect(r.data.nodes.map((n: { __typename: string } | null) => n?.__typename ?? null)).toEqual([
      'User',
      listsToken ? 'ApiToken' : null,
      null, // the founder's session: not the member's
      'Session',
      'Tenant',
    ]);
    // and without any permission (a user token whose roles were all taken): itself and its tenant only
    await t.deps.db.userTenantRole.deleteMany({ where: { membership: { userId: member.userId } } });
    const relog = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email: (await t.deps.db.user.findUniqueOrThrow({ where: { id: member.userId } })).email, password: 'a long enough passphrase' } });
    const bare = await t.gql(NODES, { ids: [member.userId, a.owner.userId, a.ids.ApiToken, a.ids.Role, a.ids.Group] }, { token: relog.body.accessToken });
    expect(bare.errors).toBeUndefined();
    expect(bare.data.nodes.map((n: { __typename: string } | null) => n?.__typename ?? null)).toEqual(['User', null, null, null, null]);
  });

  it('reads nodes(ids:) in the same number of statements for 3 and 30 ids, relations included', async () => {
    const a = await tenantWithObjects();
    const db = t.deps.db;
    const role = await db.role.findFirstOrThrow({ where: { key: 'ReadOnly', tenantId: null } });
    const userIds: string[] = [];
    const groupIds: string[] = [];
    for (let i = 0; i < 15; i++) {
      const g = await db.group.create({ data: { tenantId: a.owner.tenantId, name: `N${i}`, roles: { create: { roleId: role.id } } } });
      const u = await db.user.create({
        data: {
          email: `node${i}-${a.owner.tenantId}@example.com`,
          memberships: { create: { tenantId: a.owner.tenantId, roles: { create: { roleId: role.id } } } },
          groups: { create: { groupId: g.id } },
        },
      });
      userIds.push(u.id);
      groupIds.push(g.id);
    }
    const count = async (ids: string[]) => {
      t.queries.length = 0;
      const r = await t.gql(NODES, { ids }, { token: a.owner.accessToken });
      expect(r.errors).toBeUndefined();
      expect(r.data.nodes.every((n: unknown) => n !== null)).toBe(true);
      const user = r.data.nodes.find((n: { __typename: string; id: string }) => n.__typename === 'User' && userIds.includes(n.id));
      expect(user.tenants[0].roles[0].key).toBe('ReadOnly');
      expect(user.groups).toHaveLength(1);
      const group = r.data.nodes.find((n: { __typename: string }) => n.__typename === 'Group');
      expect(group.roles[0].key).toBe('ReadOnly');
      expect(group.users).toHaveLength(1);
      return t.queries.length;
    };
    const few = await count([userIds[0]!, groupIds[0]!, a.ids.Role]);
    const many = await count([...userIds, ...groupIds.slice(0, 14), a.ids.Role]);
    expect(many).toBe(few);
    expect(few).toBeLessThan(20);
  });
});

describe('groups on Tenant', () => {
  const TENANT = doc(`query($id: ID!) { tenant(id: $id) {
    id
    subTenants(first: 5) { totalCount edges { node { id } } }
    users(first: 5) { totalCount edges { node { user { id } } } }
    roles { key }
    groups { id name roles { key permissions { key } } users { id email } }
  } }`);

  it('resolves groups with roles and users in the same number of statements for 3 and 30 groups', async () => {
    const db = t.deps.db;
    const role = await db.role.findFirstOrThrow({ where: { key: 'ReadOnly', tenantId: null } });
    const tenantWith = async (n: number) => {
      const owner = await signUp(t);
      for (let i = 0; i < n; i++) {
        await db.group.create({
          data: {
            tenantId: owner.tenantId,
            name: `G${i}`,
            roles: { create: { roleId: role.id } },
            users: { create: { userId: owner.userId } },
          },
        });
      }
      return owner;
    };
    const small = await tenantWith(3);
    const large = await tenantWith(30);
    const run = async (o: { tenantId: string; accessToken: string }, n: number) => {
      t.queries.length = 0;
      const r = await t.gql(TENANT, { id: o.tenantId }, { token: o.accessToken });
      expect(r.errors).toBeUndefined();
      expect(r.data.tenant.groups).toHaveLength(n);
      expect(r.data.tenant.groups[0].roles[0]).toMatchObject({ key: 'ReadOnly' });
      expect(r.data.tenant.groups[0].roles[0].permissions.length).toBeGreaterThan(0);
      expect(r.data.tenant.groups[0].users).toHaveLength(1);
      expect(r.data.tenant.users.totalCount).toBe(1);
      expect(r.data.tenant.subTenants.totalCount).toBe(0);
      return t.queries.length;
    };
    expect(await run(large, 30)).toBe(await run(small, 3));

    // another tenant's admin sees no groups through the tenant type (null, like users and roles)
    const other = await signUp(t);
    const foreign = await t.gql(doc(`query($id: ID!) { node(id: $id) { ... on Tenant { groups { id } } } }`), { id: small.tenantId }, { token: other.accessToken });
    expect(foreign.data.node).toBeNull();
    const viaVendor = await t.gql(doc(`query($id: ID!) { tenant(id: $id) { groups { id } } }`), { id: small.tenantId }, { token: vendor });
    expect(viaVendor.data.tenant.groups).toHaveLength(3);
  });

  it('resolves user { tenants { roles { permissions } } groups }', async () => {
    const owner = await signUp(t);
    const g = await t.rest('POST', '/identity/resources/groups/v1', { token: owner.accessToken, body: { name: 'Mine' } });
    await t.deps.db.groupUser.create({ data: { groupId: g.body.id, userId: owner.userId } });
    const r = await t.gql(
      doc(`query($id: ID!) { user(id: $id) { id tenants { tenantId roles { key permissions { key } } } groups { id name } } }`),
      { id: owner.userId },
      { token: owner.accessToken },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.user.tenants[0].roles[0].permissions.length).toBeGreaterThan(0);
    expect(r.data.user.groups).toEqual([{ id: g.body.id, name: 'Mine' }]);
  });
});
