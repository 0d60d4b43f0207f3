// Uniqueness the database guarantees, not only the services: vendor-wide role keys (a partial
// unique index: the (tenantId, key) index does not cover tenantId NULL) and an email address
// belonging to one user across User.email and UserEmail.email (a trigger with an advisory lock).
// Each rule is shown twice: parallel requests (exactly one wins, the other is a 409), and direct
// writes that skip the service checks (the database alone refuses them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
let vendor: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
});
afterAll(() => t?.close());

const ROLES = '/identity/resources/roles/v1';
const EMAILS = '/identity/resources/users/emails/v1';
const uniqueViolation = { code: 'P2002' };

describe('vendor-wide role keys', () => {
  it('two parallel creations of one vendor-wide key: one 201, one 409', async () => {
    const key = `race-${Date.now().toString(36)}`;
    const create = () => t.rest('POST', ROLES, { token: vendor, body: [{ key, name: 'Race' }] });
    const results = await Promise.all([create(), create(), create()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await t.deps.db.role.count({ where: { key, tenantId: null } })).toBe(1);
  });

  it('the database refuses a second vendor-wide row with one key; tenants keep their own keys', async () => {
    const db = t.deps.db;
    const key = `direct-${Date.now().toString(36)}`;
    await db.role.create({ data: { key, name: 'One' } });
    await expect(db.role.create({ data: { key, name: 'Two' } })).rejects.toMatchObject(uniqueViolation);
    // the same key in a tenant, and in another tenant, is still fine (and still unique per tenant)
    const a = await signUp(t);
    const b = await signUp(t);
    await db.role.create({ data: { key, name: 'A', tenantId: a.tenantId } });
    await db.role.create({ data: { key, name: 'B', tenantId: b.tenantId } });
    await expect(db.role.create({ data: { key, name: 'A2', tenantId: a.tenantId } })).rejects.toMatchObject(uniqueViolation);
    // moving a vendor-wide role's key onto a taken vendor-wide key is refused as well
    const other = await db.role.create({ data: { key: `${key}-other`, name: 'Other' } });
    await expect(db.role.update({ where: { id: other.id }, data: { key } })).rejects.toMatchObject(uniqueViolation);
  });

  it('renaming a vendor-wide role onto a taken key answers 409', async () => {
    const key = `rename-${Date.now().toString(36)}`;
    const created = await t.rest('POST', ROLES, { token: vendor, body: [{ key, name: 'A' }, { key: `${key}-b`, name: 'B' }] });
    expect(created.status).toBe(201);
    const b = (created.body as Array<{ id: string; key: string }>).find((r) => r.key === `${key}-b`)!;
    expect((await t.rest('PATCH', `${ROLES}/${b.id}`, { token: vendor, body: { key } })).status).toBe(409);
  });
});

describe('one owner per email address (User.email and UserEmail.email)', () => {
  it('a sign-up and an additional address of another user racing for one address: exactly one wins', async () => {
    const owner = await signUp(t);
    for (let i = 0; i < 3; i++) {
      const email = uniqueEmail('race');
      const [added, signedUp] = await Promise.all([
        t.rest('POST', `${EMAILS}/vendor/${owner.userId}`, { token: vendor, body: { email, isVerified: true } }),
        t.rest('POST', '/identity/resources/users/v1/signUp', { body: { email, password: 'a long enough passphrase', companyName: 'Race', provider: 'local' } }),
      ]);
      expect([added.status, signedUp.status].filter((s) => s === 201), JSON.stringify([added.body, signedUp.body])).toHaveLength(1);
      expect([added.status, signedUp.status].filter((s) => s === 409)).toHaveLength(1);
      const owners = (await t.deps.db.user.count({ where: { email } })) + (await t.deps.db.userEmail.count({ where: { email } }));
      expect(owners).toBe(1);
    }
  });

  it('the database refuses an address held by another user, in either table, and allows the same user', async () => {
    const db = t.deps.db;
    const a = await signUp(t);
    const b = await signUp(t);
    // A's primary as B's additional address
    await expect(db.userEmail.create({ data: { userId: b.userId, email: a.email } })).rejects.toMatchObject(uniqueViolation);
    // B's additional address as a new user's primary, or as A's new primary
    const extra = uniqueEmail('extra');
    await db.userEmail.create({ data: { userId: b.userId, email: extra } });
    await expect(db.user.create({ data: { email: extra } })).rejects.toMatchObject(uniqueViolation);
    await expect(db.user.update({ where: { id: a.userId }, data: { email: extra } })).rejects.toMatchObject(uniqueViolation);
    // B's primary as A's additional address
    await expect(db.userEmail.create({ data: { userId: a.userId, email: b.email } })).rejects.toMatchObject(uniqueViolation);
    // the same user may hold it in both tables for a moment (the primary swap moves addresses within one user)
    await db.user.update({ where: { id: b.userId }, data: { email: extra } });
    expect((await db.user.findUniqueOrThrow({ where: { id: b.userId } })).email).toBe(extra);
  });

  it('creating a user with another user’s additional address answers 409, not 500', async () => {
    const owner = await signUp(t);
    const extra = uniqueEmail('taken');
    expect((await t.rest('POST', `${EMAILS}/vendor/${owner.userId}`, { token: vendor, body: { email: extra, isVerified: true } })).status).toBe(201);
    const r = await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { email: extra, password: 'a long enough passphrase', companyName: 'X', provider: 'local' } });
    expect(r.status).toBe(409);
    const created = await t.rest('POST', '/identity/resources/users/v1', { token: owner.accessToken, body: { email: extra, password: 'a long enough passphrase' } });
    expect(created.status).toBe(409);
  });
});
