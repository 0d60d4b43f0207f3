// POST /resources/users/v1/{userId}/verify: a tenant admin or the vendor marks a user's email
// verified, within one tenant (another tenant's user is not found and stays unverified).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const verify = (userId: string, o: { token: string; tenantId?: string }) =>
  t.rest('POST', `/identity/resources/users/v1/${userId}/verify`, {
    token: o.token,
    headers: o.tenantId ? { 'frontegg-tenant-id': o.tenantId } : {},
  });

/** A user added by the admin of `admin`'s tenant: starts unverified. */
async function memberOf(admin: { accessToken: string }) {
  const r = await t.rest('POST', '/identity/resources/users/v1', { token: admin.accessToken, body: { email: uniqueEmail('member'), name: 'Member' } });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const verifiedOf = async (userId: string) =>
  t.deps.db.user.findUniqueOrThrow({ where: { id: userId }, select: { verified: true, verifiedAt: true } });

describe('verify user', () => {
  it('lets a tenant admin verify a user of their tenant, once (the first time is kept)', async () => {
    const admin = await signUp(t);
    const userId = await memberOf(admin);
    expect(await verifiedOf(userId)).toEqual({ verified: false, verifiedAt: null });

    const r = await verify(userId, { token: admin.accessToken });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    const first = await verifiedOf(userId);
    expect(first.verified).toBe(true);
    expect(first.verifiedAt).toEqual(t.clock.now());

    (t.clock as ManualClock).advance(60_000);
    expect((await verify(userId, { token: admin.accessToken })).status).toBe(200);
    expect(await verifiedOf(userId)).toEqual(first);
  });

  it("answers 404 for another tenant's user and leaves them unverified", async () => {
    const admin = await signUp(t);
    const otherAdmin = await signUp(t);
    const outsider = await memberOf(otherAdmin);

    const r = await verify(outsider, { token: admin.accessToken });
    expect(r.status).toBe(404);
    expect(r.body.errorCode).toBe('user_not_found');
    expect((await verifiedOf(outsider)).verified).toBe(false);
    expect((await verify('no-such-user', { token: admin.accessToken })).status).toBe(404);
  });

  it('lets the vendor verify within the tenant it names, and nowhere else', async () => {
    const admin = await signUp(t);
    const other = await signUp(t);
    const userId = await memberOf(admin);
    const vendor = await t.vendorToken();

    const wrong = await verify(userId, { token: vendor, tenantId: other.tenantId });
    expect(wrong.status).toBe(404);
    expect((await verifiedOf(userId)).verified).toBe(false);

    const r = await verify(userId, { token: vendor, tenantId: admin.tenantId });
    expect(r.status).toBe(200);
    expect((await verifiedOf(userId)).verified).toBe(true);
  });

  it('refuses anonymous callers', async () => {
    const admin = await signUp(t);
    const userId = await memberOf(admin);
    expect((await t.rest('POST', `/identity/resources/users/v1/${userId}/verify`)).status).toBe(401);
    expect((await verifiedOf(userId)).verified).toBe(false);
  });
});
