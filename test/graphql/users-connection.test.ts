// The users connection: Relay paging, scoping, and a statement count that does not grow with
// the page (relations load in a fixed number of statements, never one per user).
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

const doc = (source: string) => parse(source) as TypedDocumentNode<any, any>;

const USERS = doc(`query($first: Int, $after: String, $filter: UserFilter, $orderBy: UserOrderBy) {
  users(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id email name
      groups { id name }
      tenants { tenantId roles { key permissions { key } } }
    } }
  }
}`);

/** A tenant with n users, each with a role and a group, written directly (fixture only). */
async function tenantWith(n: number) {
  const db = t.deps.db;
  const tenant = await db.tenant.create({ data: { name: `T${n}` } });
  const role = await db.role.findFirstOrThrow({ where: { key: 'ReadOnly', tenantId: null } });
  const group = await db.group.create({ data: { tenantId: tenant.id, name: 'G' } });
  for (let i = 0; i < n; i++) {
    await db.user.create({
      data: {
        email: `u${i}-${tenant.id}@example.com`,
        name: `User ${String(i).padStart(3, '0')}`,
        memberships: { create: { tenantId: tenant.id, roles: { create: { roleId: role.id } } } },
        groups: { create: { groupId: group.id } },
      },
    });
  }
  return tenant.id;
}

describe('users connection', () => {
  it('runs the same number of statements for 10 and 100 users with roles, tenants and groups', async () => {
    const small = await tenantWith(10);
    const large = await tenantWith(100);
    const count = async (tenantId: string, expected: number) => {
      t.queries.length = 0;
      const r = await t.gql(USERS, { first: 200, filter: { tenantId } }, { token: vendor });
      expect(r.errors).toBeUndefined();
      expect(r.data.users.edges).toHaveLength(expected);
      expect(r.data.users.totalCount).toBe(expected);
      const node = r.data.users.edges[0].node;
      expect(node.groups).toEqual([expect.objectContaining({ name: 'G' })]);
      expect(node.tenants[0].roles[0].key).toBe('ReadOnly');
      return t.queries.length;
    };
    const ten = await count(small, 10);
    const hundred = await count(large, 100);
    expect(hundred).toBe(ten);
    expect(ten).toBeLessThan(15);
  });

  it('counts only when the page does not prove the total (a short page from an offset is the end)', async () => {
    const tenantId = await tenantWith(5);
    const counts = () => t.queries.filter((q) => /\bCOUNT\(/i.test(q)).length;
    t.queries.length = 0;
    const short = await t.gql(USERS, { first: 10, filter: { tenantId } }, { token: vendor });
    expect([short.data.users.edges.length, short.data.users.totalCount, short.data.users.pageInfo.hasNextPage]).toEqual([5, 5, false]);
    expect(counts()).toBe(0);
    t.queries.length = 0;
    const full = await t.gql(USERS, { first: 2, filter: { tenantId } }, { token: vendor });
    expect([full.data.users.edges.length, full.data.users.totalCount]).toEqual([2, 5]);
    expect(counts()).toBe(1);
    // a cursor page does not know its position: it counts
    t.queries.length = 0;
    const after = await t.gql(USERS, { first: 10, after: full.data.users.pageInfo.endCursor, filter: { tenantId } }, { token: vendor });
    expect([after.data.users.edges.length, after.data.users.totalCount]).toEqual([3, 5]);
    expect(counts()).toBe(1);
  });

  it('pages with cursors, sorts, refuses a page over the limit, and keeps a tenant token in its tenant', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const tenantId = await tenantWith(5);
    const first = await t.gql(USERS, { first: 2, filter: { tenantId }, orderBy: { field: 'name', direction: 'DESC' } }, { token: vendor });
    expect(first.data.users.edges.map((e: any) => e.node.name)).toEqual(['User 004', 'User 003']);
    expect(first.data.users.pageInfo.hasNextPage).toBe(true);
    const next = await t.gql(
      USERS,
      { first: 2, after: first.data.users.pageInfo.endCursor, filter: { tenantId }, orderBy: { field: 'name', direction: 'DESC' } },
      { token: vendor },
    );
    expect(next.data.users.edges.map((e: any) => e.node.name)).toEqual(['User 002', 'User 001']);

    const tooMany = await t.gql(USERS, { first: 201 }, { token: vendor });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('validation_failed');

    const own = await t.gql(USERS, { first: 50 }, { token: a.accessToken });
    expect(own.data.users.edges.map((e: any) => e.node.id)).toEqual([a.userId]);
    const foreign = await t.gql(USERS, { first: 50, filter: { tenantId: b.tenantId } }, { token: a.accessToken });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('auth_forbidden');
    expect(JSON.stringify(foreign)).not.toContain(b.email);
  });

  it('walks every page forwards and backwards in each order, nulls last, inside a tenant and across all users', async () => {
    const tenantId = await tenantWith(7);
    const db = t.deps.db;
    const members = await db.user.findMany({ where: { memberships: { some: { tenantId } } }, orderBy: { id: 'asc' }, select: { id: true } });
    // Nulls and ties in the sort column: two users without a name, three sharing one.
    await db.user.updateMany({ where: { id: { in: members.slice(0, 2).map((m) => m.id) } }, data: { name: null } });
    await db.user.updateMany({ where: { id: { in: members.slice(2, 5).map((m) => m.id) } }, data: { name: 'Same' } });
    const PAGE = doc(`query($first: Int, $after: String, $last: Int, $before: String, $filter: UserFilter, $orderBy: UserOrderBy) {
      users(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { id name } }
      }
    }`);
    // One tenant (driven by its memberships), and the same users found by id across all users.
    for (const filter of [{ tenantId }, { ids: members.map((m) => m.id) }]) {
      for (const field of ['name', 'createdAt', 'email']) {
        for (const direction of ['ASC', 'DESC']) {
          const orderBy = { field, direction };
          const all = await t.gql(PAGE, { first: 50, filter, orderBy }, { token: vendor });
          const expected = all.data.users.edges.map((e: any) => e.node.id);
          expect(expected).toHaveLength(7);
          if (field === 'name') {
            // Nulls last whatever the direction.
            expect(all.data.users.edges.slice(-2).map((e: any) => e.node.name)).toEqual([null, null]);
          }
          const forward: string[] = [];
          let after: string | null = null;
          for (;;) {
            const r: any = await t.gql(PAGE, { first: 2, after, filter, orderBy }, { token: vendor });
            forward.push(...r.data.users.edges.map((e: any) => e.node.id));
            if (!r.data.users.pageInfo.hasNextPage) break;
            after = r.data.users.pageInfo.endCursor;
          }
          expect(forward, `forward ${field} ${direction}`).toEqual(expected);
          const backward: string[] = [];
          let before: string | null = null;
          for (;;) {
            const r: any = await t.gql(PAGE, { last: 2, before, filter, orderBy }, { token: vendor });
            backward.unshift(...r.data.users.edges.map((e: any) => e.node.id));
            if (!r.data.users.pageInfo.hasPreviousPage) break;
            before = r.data.users.pageInfo.startCursor;
          }
          expect(backward, `backward ${field} ${direction}`).toEqual(expected);
        }
      }
    }
  });

  it("finds a tenant's users by their current email and name (copies on the membership follow changes)", async () => {
    const tenantId = await tenantWith(3);
    const db = t.deps.db;
    const [u] = await db.user.findMany({ where: { memberships: { some: { tenantId } } }, orderBy: { id: 'asc' }, take: 1 });
    const search = async (q: string) =>
      (await t.gql(USERS, { first: 10, filter: { tenantId, searchContains: [q] } }, { token: vendor })).data.users.edges.map((e: any) => e.node.id);
    const marker = `zq${Date.now().toString(36)}`;
    expect(await search(marker)).toEqual([]);
    await db.user.update({ where: { id: u!.id }, data: { name: `Renamed ${marker.toUpperCase()}` } });
    expect(await search(marker)).toEqual([u!.id]);
    await db.user.update({ where: { id: u!.id }, data: { name: 'Plain', email: `${marker}@example.org` } });
    expect(await search(marker)).toEqual([u!.id]);
    expect(await search('renamed')).not.toContain(u!.id);
    // A membership added later carries the user's fields too.
    const other = await db.tenant.create({ data: { name: 'Other' } });
    await db.userTenant.create({ data: { userId: u!.id, tenantId: other.id } });
    const inOther = await t.gql(USERS, { first: 10, filter: { tenantId: other.id, searchContains: [marker] } }, { token: vendor });
    expect(inOther.data.users.edges.map((e: any) => e.node.id)).toEqual([u!.id]);
  });

  it('searches across all tenants: exact totals for rare terms, capped totals and the right first page for common ones', async () => {
    const db = t.deps.db;
    const marker = `cs${Date.now().toString(36)}`;
    const base = Date.now() - 1e9;
    // 1,005 users whose emails share the marker (more than the search count cap) and 3 whose names carry a rarer one.
    await db.user.createMany({
      data: Array.from({ length: 1005 }, (_, i) => ({ email: `${marker}-${i}@example.net`, createdAt: new Date(base + ((i * 7919) % 1005) * 1000) })),
    });
    await db.user.createMany({ data: [0, 1, 2].map((i) => ({ email: `rare${i}-${marker}@example.org`, name: `Rare ${marker}X${i}`, createdAt: new Date(base + i) })) });
    const SEARCH = doc(`query($first: Int, $filter: UserFilter, $orderBy: UserOrderBy) {
      users(first: $first, filter: $filter, orderBy: $orderBy) { totalCount edges { node { id email } } }
    }`);
    const rare = await t.gql(SEARCH, { first: 2, filter: { searchContains: [`${marker}x`] } }, { token: vendor });
    expect(rare.errors).toBeUndefined();
    expect(rare.data.users.totalCount).toBe(3);
    expect(rare.data.users.edges.map((e: any) => e.node.email)).toEqual([0, 1].map((i) => `rare${i}-${marker}@example.org`));

    const common = await t.gql(SEARCH, { first: 20, filter: { searchContains: [marker] }, orderBy: { field: 'createdAt', direction: 'ASC' } }, { token: vendor });
    expect(common.errors).toBeUndefined();
    expect(common.data.users.totalCount).toBe(1000);
    const expected = await db.user.findMany({ where: { email: { contains: marker } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 20, select: { id: true } });
    expect(common.data.users.edges.map((e: any) => e.node.id)).toEqual(expected.map((u) => u.id));
    // Excluding a term keeps users without a name (NULL is not a match).
    const kept = await t.gql(SEARCH, { first: 1, filter: { searchContains: [`${marker}-1`], searchExcludes: ['no-such-term'] } }, { token: vendor });
    expect(kept.data.users.totalCount).toBe(116); // -1, -10…-19, -100…-199, -1000…-1004
  });
});
