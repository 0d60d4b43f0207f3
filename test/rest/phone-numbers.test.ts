// Users' phone numbers over the Frontegg REST paths: codes are read from the development outbox
// through the vendor-only smsOutbox query, as a developer would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';
import { codeIn, nextSms, otherCode, smsTo, uniquePhone } from '../helpers/sms.ts';

const P = '/identity/resources/users/phone-numbers';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(async () => {
  await t?.close();
});

const advance = (ms: number) => (t.clock as ManualClock).advance(ms);

/** Adds a number for the user and returns the otcToken and the code that arrives. */
async function addPhone(token: string, phoneNumber: string) {
  const seen = (await smsTo(t, phoneNumber)).length;
  const r = await t.rest('POST', `${P}/v1`, { token, body: { phoneNumber } });
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ id: expect.any(String), phoneNumber, isVerified: false, otcToken: expect.any(String) });
  const sms = await nextSms(t, phoneNumber, seen);
  expect(sms.body).toContain('verification code');
  return { id: r.body.id as string, otcToken: r.body.otcToken as string, code: codeIn(sms) };
}

describe('self-service phone numbers', () => {
  it('adds a number, sends a code, and verifies it once', async () => {
    const u = await signUp(t);
    const phone = uniquePhone();
    const { id, otcToken, code } = await addPhone(u.accessToken, phone);
    // The code is stored hashed, never in clear.
    const rows = await t.deps.db.oneTimeToken.findMany({ where: { userId: u.userId, type: 'PHONE_VERIFICATION' } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(code);
    expect(rows[0]!.target).toBe(phone);

    const v = await t.rest('POST', `${P}/v1/verify`, { token: u.accessToken, body: { otcToken, code } });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ id, phoneNumber: phone, isVerified: true });
    const again = await t.rest('POST', `${P}/v1/verify`, { token: u.accessToken, body: { otcToken, code } });
    expect(again.status).toBe(400);
    expect(again.body.errorCode).toBe('sms_code_invalid');

    const me = await t.rest('GET', `${P}/v1/me`, { token: u.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual([expect.objectContaining({ id, phoneNumber: phone, isVerified: true, userId: u.userId })]);
    // A verified number cannot be added again.
    const dup = await t.rest('POST', `${P}/v1`, { token: u.accessToken, body: { phoneNumber: phone } });
    expect(dup.status).toBe(409);
  });

  it('normalizes numbers to E.164 and refuses invalid ones', async () => {
    const u = await signUp(t);
    const r = await t.rest('POST', `${P}/v1`, { token: u.accessToken, body: { phoneNumber: '+1 (201) 555-0100', verify: false } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ phoneNumber: '+12015550100', isVerified: false });
    expect(r.body.otcToken).toBeUndefined();
    for (const phoneNumber of ['2015550100', '+1 000', 'not a number', '+999999999999999']) {
      const bad = await t.rest('POST', `${P}/v1`, { token: u.accessToken, body: { phoneNumber } });
      expect(bad.status, phoneNumber).toBe(400);
    }
  });

  it('kills a code after 5 tries, even when the 6th is right', async () => {
    const u = await signUp(t);
    const { otcToken, code } = await addPhone(u.accessToken, uniquePhone());
    for (let i = 0; i < 5; i++) {
      const r = await t.rest('POST', `${P}/v1/verify`, { token: u.accessToken, body: { otcToken, code: otherCode(code) } });
      expect(r.status).toBe(400);
    }
    const r = await t.rest('POST', `${P}/v1/verify`, { token: u.accessToken, body: { otcToken, code } });
    expect(r.status).toBe(400);
    const me = await t.rest('GET', `${P}/v1/me`, { token: u.accessToken });
    expect(me.body[0].isVerified).toBe(false);
  });

  it('expires a code after 10 minutes, and only the latest code works', async () => {
    const u = await signUp(t);
    const phone = uniquePhone();
    const first = await addPhone(u.accessToken, phone);
    const second = await addPhone(u.accessToken, phone);
    expect((await t.rest('POST', `${P}/v1/verify`, { token: u.accessToken, body: first })).status).toBe(400);
    advance(10 * 60 * 1000 + 1000);
    expect((await t.rest('POST', `${P}/v1/verify`, { token: u.accessToken, body: second })).status).toBe(400);
    const third = await addPhone(u.accessToken, phone);
    expect((await t.rest('POST', `${P}/v1/verify`, { token: u.accessToken, body: third })).status).toBe(200);
  });

  it("does not accept another user's code", async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const { otcToken, code } = await addPhone(a.accessToken, uniquePhone());
    const r = await t.rest('POST', `${P}/v1/verify`, { token: b.accessToken, body: { otcToken, code } });
    expect(r.status).toBe(400);
    expect(await t.deps.db.userPhoneNumber.count({ where: { userId: b.userId } })).toBe(0);
  });

  it('deletes an unverified number at once and a verified one with a code sent to it', async () => {
    const u = await signUp(t);
    const other = await signUp(t);
    const pending = await t.rest('POST', `${P}/v1`, { token: u.accessToken, body: { phoneNumber: uniquePhone(), verify: false } });
    expect((await t.rest('DELETE', `${P}/v1/${pending.body.id}`, { token: u.accessToken })).body).toEqual({});
    expect(await t.deps.db.userPhoneNumber.count({ where: { id: pending.body.id } })).toBe(0);

    const phone = uniquePhone();
    const added = await addPhone(u.accessToken, phone);
    await t.rest('POST', `${P}/v1/verify`, { token: u.accessToken, body: { otcToken: added.otcToken, code: added.code } });
    // Another user cannot even start deleting it.
    expect((await t.rest('DELETE', `${P}/v1/${added.id}`, { token: other.accessToken })).status).toBe(404);

    const seen = (await smsTo(t, phone)).length;
    const del = await t.rest('DELETE', `${P}/v1/${added.id}`, { token: u.accessToken });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ otcToken: expect.any(String) });
    const code = codeIn(await nextSms(t, phone, seen));
    // A deletion code does not verify a number, and a wrong code deletes nothing.
    expect((await t.rest('POST', `${P}/v1/${added.id}/delete/verify`, { token: u.accessToken, body: { otcToken: del.body.otcToken, code: otherCode(code) } })).status).toBe(400);
    expect(await t.deps.db.userPhoneNumber.count({ where: { id: added.id } })).toBe(1);
    const ok = await t.rest('POST', `${P}/v1/${added.id}/delete/verify`, { token: u.accessToken, body: { otcToken: del.body.otcToken, code } });
    expect(ok.status).toBe(200);
    expect(await t.deps.db.userPhoneNumber.count({ where: { id: added.id } })).toBe(0);
  });
});

describe('vendor and tenant views', () => {
  it('vendor adds verified numbers and deletes without a code', async () => {
    const u = await signUp(t);
    const vendor = await t.vendorToken();
    const phone = uniquePhone();
    const r = await t.rest('POST', `${P}/v1/vendor/${u.userId}`, { token: vendor, body: { phoneNumber: phone } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ userId: u.userId, phoneNumber: phone, isVerified: true });
    // Users cannot use the vendor route.
    expect((await t.rest('POST', `${P}/v1/vendor/${u.userId}`, { token: u.accessToken, body: { phoneNumber: uniquePhone() } })).status).toBe(403);
    expect((await t.rest('POST', `${P}/v1/vendor/missing-user`, { token: vendor, body: { phoneNumber: uniquePhone() } })).status).toBe(404);
    expect((await t.rest('DELETE', `${P}/v1/vendor/${u.userId}/${r.body.id}`, { token: vendor })).status).toBe(200);
    expect((await t.rest('DELETE', `${P}/v1/vendor/${u.userId}/${r.body.id}`, { token: vendor })).status).toBe(404);
  });

  it("lists only the caller's tenant's numbers; the vendor sees all or one tenant's", async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const vendor = await t.vendorToken();
    const pa = uniquePhone();
    const pb = uniquePhone();
    await t.rest('POST', `${P}/v1/vendor/${a.userId}`, { token: vendor, body: { phoneNumber: pa } });
    await t.rest('POST', `${P}/v1/vendor/${b.userId}`, { token: vendor, body: { phoneNumber: pb } });

    const listA = await t.rest('GET', `${P}/v1?_limit=200`, { token: a.accessToken });
    expect(listA.status).toBe(200);
    expect(listA.body.map((p: { phoneNumber: string }) => p.phoneNumber)).toContain(pa);
    expect(listA.body.map((p: { phoneNumber: string }) => p.phoneNumber)).not.toContain(pb);
    // Filtering by another tenant's user finds nothing.
    const cross = await t.rest('GET', `${P}/v2?userIds=${b.userId}`, { token: a.accessToken });
    expect(cross.status).toBe(200);
    expect(cross.body.items).toEqual([]);

    const all = await t.rest('GET', `${P}/v2?_limit=200`, { token: vendor });
    const numbers = all.body.items.map((p: { phoneNumber: string }) => p.phoneNumber);
    expect(numbers).toEqual(expect.arrayContaining([pa, pb]));
    const onlyB = await t.rest('GET', `${P}/v1?_limit=200`, { token: vendor, headers: { 'frontegg-tenant-id': b.tenantId } });
    expect(onlyB.body.map((p: { phoneNumber: string }) => p.phoneNumber)).toEqual([pb]);
    expect((await t.rest('GET', `${P}/v1`)).status).toBe(401);
  });

  it('smsOutbox is vendor only', async () => {
    const u = await signUp(t);
    const r = await t.gql(parse('query { smsOutbox { to } }') as never, undefined, { token: u.accessToken });
    expect(r.errors?.[0]?.extensions?.code).toBe('auth_forbidden');
  });
});
