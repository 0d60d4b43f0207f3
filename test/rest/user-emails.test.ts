// Users' additional emails over Frontegg's /users/emails/v1 paths: codes mailed to a real local
// SMTP server, uniqueness across users and primaries, the primary swap, vendor routes, isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const E = '/identity/resources/users/emails/v1';
const POLICY = '/identity/resources/configurations/v1/user-emails-policy';

let t: TestGatehouse;
let smtp: TestSmtp;
let vendor: string;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await startGatehouse({ GATEHOUSE_SMTP_URL: smtp.url });
  vendor = await t.vendorToken();
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const add = (token: string, email: string) => t.rest('POST', E, { token, body: { email } });
const verify = (token: string, email: string, code: string) => t.rest('POST', `${E}/verify`, { token, body: { email, code } });
const mine = (token: string) => t.rest('GET', `${E}/me`, { token });
const otherCode = (code: string) => (code === '000000' ? '000001' : '000000');

/** Adds an address for the user and returns the id and the code mailed to it. */
async function addWithCode(token: string, email: string) {
  const r = await add(token, email);
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ id: expect.any(String), email, verified: false, isPrimary: false });
  const mail = await smtp.next(email);
  return { id: r.body.id as string, code: /Code: (\d{6})/.exec(mail.text)![1]! };
}

describe('self-service emails', () => {
  it('adds an address, mails a single-use code, verifies it once, and lists the primary first', async () => {
    const u = await signUp(t);
    const extra = uniqueEmail('extra');
    const { id, code } = await addWithCode(u.accessToken, extra);
    // Only a hash is stored.
    const rows = await t.deps.db.oneTimeToken.findMany({ where: { userId: u.userId, type: 'EMAIL_VERIFICATION' } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(code);

    const bad = await verify(u.accessToken, extra, otherCode(code));
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('user_email_code_invalid');
    expect((await verify(u.accessToken, extra, code)).status).toBe(200);
    const again = await verify(u.accessToken, extra, code);
    expect(again.status).toBe(400);

    const me = await mine(u.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toEqual([
      expect.objectContaining({ email: u.email, isPrimary: true, userId: u.userId }),
      expect.objectContaining({ id, email: extra, verified: true, isPrimary: false, userId: u.userId }),
    ]);
  });

  it('binds the code to its user and address, and kills it after 5 tries', async () => {
    const u = await signUp(t);
    const other = await signUp(t);
    const a = uniqueEmail('a');
    const { code } = await addWithCode(u.accessToken, a);
    // Another user cannot use it, nor can it verify another address.
    expect((await verify(other.accessToken, a, code)).status).toBe(400);
    const b = uniqueEmail('b');
    await addWithCode(u.accessToken, b);
    expect((await verify(u.accessToken, b, code)).status).toBe(400);
    for (let i = 0; i < 5; i++) expect((await verify(u.accessToken, a, otherCode(code))).status).toBe(400);
    // 5 tries used: the right code no longer works.
    expect((await verify(u.accessToken, a, code)).status).toBe(400);
    expect((await t.deps.db.userEmail.findUniqueOrThrow({ where: { email: a } })).verifiedAt).toBeNull();
  });

  it('keeps an address unique across users and primaries (409), case-insensitively, and refuses bad input', async () => {
    const u = await signUp(t);
    const other = await signUp(t);
    const extra = uniqueEmail('taken');
    await addWithCode(u.accessToken, extra);
    for (const email of [extra, extra.toUpperCase(), other.email, u.email]) {
      const r = await add(other.accessToken, email);
      expect(r.status, email).toBe(409);
      expect(r.body.errorCode).toBe('user_email_exists');
    }
    expect((await add(u.accessToken, extra)).status).toBe(409);
    for (const body of [{}, { email: 'not-an-email' }, { email: 42 }]) {
      expect((await t.rest('POST', E, { token: u.accessToken, body })).status).toBe(400);
    }
    expect(await t.deps.db.userEmail.count({ where: { userId: other.userId } })).toBe(0);
    expect((await t.rest('POST', E, { body: { email: uniqueEmail() } })).status).toBe(401);
  });

  it('makes a verified address primary by swapping it with the user email in one go', async () => {
    const u = await signUp(t);
    const extra = uniqueEmail('primary');
    const { id, code } = await addWithCode(u.accessToken, extra);
    // Unverified: refused, nothing changed.
    const early = await t.rest('POST', `${E}/me/primary`, { token: u.accessToken, body: { email: extra } });
    expect(early.status).toBe(400);
    expect(early.body.errorCode).toBe('user_email_not_verified');
    await verify(u.accessToken, extra, code);
    const unknown = await t.rest('POST', `${E}/me/primary`, { token: u.accessToken, body: { email: uniqueEmail() } });
    expect(unknown.status).toBe(404);

    const ok = await t.rest('POST', `${E}/me/primary`, { token: u.accessToken, body: { email: extra } });
    expect(ok.status).toBe(200);
    expect(await t.deps.db.user.findUniqueOrThrow({ where: { id: u.userId }, select: { email: true, verified: true } })).toEqual({ email: extra, verified: true });
    const me = await mine(u.accessToken);
    expect(me.body).toEqual([
      expect.objectContaining({ email: extra, isPrimary: true }),
      expect.objectContaining({ id, email: u.email, isPrimary: false }),
    ]);
    // Login now works with the new primary only.
    const login = (email: string) => t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password: u.password } });
    expect((await login(extra)).status).toBe(200);
    expect((await login(u.email)).status).toBe(401);
  });

  it("deletes the caller's own addresses only", async () => {
    const u = await signUp(t);
    const other = await signUp(t);
    const { id } = await addWithCode(u.accessToken, uniqueEmail('del'));
    const foreign = await t.rest('DELETE', `${E}/${id}`, { token: other.accessToken });
    expect(foreign.status).toBe(404);
    expect(await t.deps.db.userEmail.count({ where: { id } })).toBe(1);
    expect((await t.rest('DELETE', `${E}/${id}`, { token: u.accessToken })).status).toBe(200);
    expect((await t.rest('DELETE', `${E}/${id}`, { token: u.accessToken })).status).toBe(404);
    expect(await t.deps.db.userEmail.count({ where: { id } })).toBe(0);
  });
});

describe('listing and vendor routes', () => {
  it("lists the caller tenant's users' addresses only; the vendor sees all", async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const ea = uniqueEmail('la');
    const eb = uniqueEmail('lb');
    await addWithCode(a.accessToken, ea);
    await addWithCode(b.accessToken, eb);
    const la = await t.rest('GET', `${E}?_limit=200`, { token: a.accessToken });
    expect(la.status).toBe(200);
    const emails = la.body.map((e: { email: string }) => e.email);
    expect(emails).toContain(ea);
    expect(emails).not.toContain(eb);
    const v = await t.rest('GET', `${E}?userIds=${a.userId},${b.userId}`, { token: vendor });
    expect(v.body.map((e: { email: string }) => e.email).sort()).toEqual([ea, eb].sort());
    const vb = await t.rest('GET', `${E}?_email=${encodeURIComponent(eb)}`, { token: vendor, headers: { 'frontegg-tenant-id': a.tenantId } });
    expect(vb.body).toEqual([]);
    expect((await t.rest('GET', `${E}?_limit=-1`, { token: vendor })).status).toBe(400);
  });

  it('lets the vendor add (verified), make primary and delete; users may not', async () => {
    const u = await signUp(t);
    const other = await signUp(t);
    const extra = uniqueEmail('vendor');
    const r = await t.rest('POST', `${E}/vendor/${u.userId}`, { token: vendor, body: { email: extra, isVerified: true } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ email: extra, verified: true, isPrimary: false, userId: u.userId });
    expect((await t.rest('POST', `${E}/vendor/${u.userId}`, { token: vendor, body: { email: extra } })).status).toBe(409);
    expect((await t.rest('POST', `${E}/vendor/no-such-user`, { token: vendor, body: { email: uniqueEmail() } })).status).toBe(404);
    // Users cannot use the vendor routes, even on themselves.
    expect((await t.rest('POST', `${E}/vendor/${other.userId}`, { token: u.accessToken, body: { email: uniqueEmail() } })).status).toBe(403);
    expect((await t.rest('DELETE', `${E}/vendor/${u.userId}/${r.body.id}`, { token: other.accessToken })).status).toBe(403);

    const p = await t.rest('POST', `${E}/vendor/${u.userId}/primary`, { token: vendor, body: { email: extra } });
    expect(p.status).toBe(200);
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: u.userId } })).email).toBe(extra);
    // The old primary is now the additional row: delete it.
    expect((await t.rest('DELETE', `${E}/vendor/${other.userId}/${r.body.id}`, { token: vendor })).status).toBe(404);
    expect((await t.rest('DELETE', `${E}/vendor/${u.userId}/${r.body.id}`, { token: vendor })).status).toBe(200);
    expect(await t.deps.db.userEmail.count({ where: { userId: u.userId } })).toBe(0);

    // The vendor acts for a user with frontegg-user-id on the self-service routes.
    const me = await t.rest('GET', `${E}/me`, { token: vendor, headers: { 'frontegg-user-id': u.userId } });
    expect(me.body).toEqual([expect.objectContaining({ email: extra, isPrimary: true })]);
    expect((await t.rest('GET', `${E}/me`, { token: vendor })).status).toBe(400);
  });
});

describe('user emails policy', () => {
  it('is read by users, set by the vendor, and switches self-service changes off', async () => {
    const u = await signUp(t);
    expect((await t.rest('GET', POLICY, { token: u.accessToken })).body).toEqual({ allowEmailChange: true });
    expect((await t.rest('POST', POLICY, { token: u.accessToken, body: { allowEmailChange: false } })).status).toBe(403);
    expect((await t.rest('POST', POLICY, { token: vendor, body: { allowEmailChange: 'no' } })).status).toBe(400);
    const off = await t.rest('POST', POLICY, { token: vendor, body: { allowEmailChange: false } });
    expect(off.status).toBe(200);
    expect((await t.rest('GET', POLICY, { token: vendor })).body).toEqual({ allowEmailChange: false });
    try {
      const r = await add(u.accessToken, uniqueEmail('off'));
      expect(r.status).toBe(403);
      expect(r.body.errorCode).toBe('user_email_change_disabled');
      // The vendor still can.
      expect((await t.rest('POST', `${E}/vendor/${u.userId}`, { token: vendor, body: { email: uniqueEmail() } })).status).toBe(201);
    } finally {
      await t.rest('POST', POLICY, { token: vendor, body: { allowEmailChange: true } });
    }
  });
});
