// Tenant invite links (Frontegg's account invites) and invitationToken at sign-up and login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

const I = '/identity/resources/tenants/invites';
const SIGNUP = '/identity/resources/users/v1/signUp';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

type Admin = { accessToken: string; tenantId: string };
const createInvite = (admin: Admin, body: Record<string, unknown> = {}) =>
  t.rest('POST', `${I}/v1`, { token: admin.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId }, body: { tenantId: admin.tenantId, ...body } });
const signUpWith = (invitationToken: string, email = uniqueEmail('joiner')) =>
  t.rest('POST', SIGNUP, { body: { email, password: 'joiner passphrase', companyName: 'Ignored', provider: 'local', invitationToken } });

describe('tenant invite links', () => {
  it('shows the token once, stores only its hash, lists without it, verifies to the tenant name', async () => {
    const admin = await signUp(t, { companyName: 'Invite Co' });
    const r = await createInvite(admin, { expiresInMinutes: 60 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ tenantId: admin.tenantId, token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), uses: 0 });
    const row = await t.deps.db.invitation.findUnique({ where: { id: r.body.id } });
    expect(row?.tokenHash).toBe(t.deps.secrets.hashToken(r.body.token));
    expect(JSON.stringify(row)).not.toContain(r.body.token);

    const all = await t.rest('GET', `${I}/v1/all`, { token: admin.accessToken });
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(1);
    expect(all.body[0].id).toBe(r.body.id);
    expect(all.body[0]).not.toHaveProperty('token');

    const v = await t.rest('POST', `${I}/v1/verify`, { body: { token: r.body.token } });
    expect(v.status).toBe(200);
    expect(v.body).toEqual({ id: r.body.id, tenantId: admin.tenantId, name: 'Invite Co', expires: expect.any(String) });
    const bad = await t.rest('POST', `${I}/v1/verify`, { body: { token: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('tenant_invite_invalid');

    const config = await t.rest('GET', `${I}/v1/configuration`);
    expect(config.status).toBe(200);
    // Outside production an unset SMTP URL keeps mail in memory, so mail counts as available.
    expect(config.body).toEqual({ tenantInvitationsAllowed: true, emailsEnabled: true });
  });

  it('sign-up with an invite joins that tenant (default roles) instead of creating one', async () => {
    const admin = await signUp(t);
    const { body } = await createInvite(admin);
    const tenantsBefore = await t.deps.db.tenant.count();
    const s = await signUpWith(body.token);
    expect(s.status).toBe(201);
    expect(s.body.tenantId).toBe(admin.tenantId);
    expect(await t.deps.db.tenant.count()).toBe(tenantsBefore);
    const me = await t.rest('GET', '/identity/resources/users/v1/me/authorization', { token: s.body.authResponse.accessToken });
    expect(me.body.roles.map((r: { key: string }) => r.key)).toEqual(['ReadOnly']);
    expect((await t.deps.db.invitation.findUnique({ where: { id: body.id } }))?.uses).toBe(1);
  });

  it('an invalid or expired token is a 400 and writes nothing', async () => {
    const admin = await signUp(t);
    const email = uniqueEmail('nobody');
    const invalid = await signUpWith('not-a-token', email);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errorCode).toBe('tenant_invite_invalid');
    expect(await t.deps.db.user.findUnique({ where: { email } })).toBeNull();

    const { body } = await createInvite(admin, { expiresInMinutes: 5 });
    (t.clock as ManualClock).advance(5 * 60 * 1000 + 1000);
    const late = await signUpWith(body.token, email);
    expect(late.status).toBe(400);
    expect(late.body.errorCode).toBe('tenant_invite_invalid');
    expect(await t.deps.db.user.findUnique({ where: { email } })).toBeNull();
    expect((await t.deps.db.invitation.findUnique({ where: { id: body.id } }))?.uses).toBe(0);
  });

  it('maxUses holds under parallel sign-ups', async () => {
    const admin = await signUp(t);
    const { body } = await createInvite(admin, { maxUses: 2 });
    const results = await Promise.all(Array.from({ length: 5 }, () => signUpWith(body.token)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 400)).toHaveLength(3);
    expect((await t.deps.db.invitation.findUnique({ where: { id: body.id } }))?.uses).toBe(2);
    expect(await t.deps.db.userTenant.count({ where: { tenantId: admin.tenantId } })).toBe(3);
  });

  it('an email-bound invite works only for that address', async () => {
    const admin = await signUp(t);
    const email = uniqueEmail('bound');
    const { body } = await createInvite(admin, { email });
    expect((await signUpWith(body.token)).status).toBe(400);
    expect((await signUpWith(body.token, email)).status).toBe(201);
  });

  it('login with an invite joins the tenant and makes it the active one', async () => {
    const admin = await signUp(t);
    const member = await signUp(t);
    const { body } = await createInvite(admin);
    const r = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email: member.email, password: member.password, invitationToken: body.token } });
    expect(r.status).toBe(200);
    const tenants = await t.rest('GET', '/identity/resources/users/v3/me/tenants', { token: r.body.accessToken });
    expect(tenants.body.activeTenant.id).toBe(admin.tenantId);
    expect(tenants.body.tenants).toHaveLength(2);
    // A bad token fails the login without a session.
    const bad = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email: member.email, password: member.password, invitationToken: 'bogus' } });
    expect(bad.status).toBe(400);
    expect(bad.refreshCookie).toBeUndefined();
  });

  it("another tenant's admin cannot see or delete an invite; the owner's delete kills the token", async () => {
    const admin = await signUp(t);
    const intruder = await signUp(t);
    const { body } = await createInvite(admin);
    const foreignCreate = await createInvite({ accessToken: intruder.accessToken, tenantId: admin.tenantId });
    expect(foreignCreate.status).toBe(403);
    const del = await t.rest('DELETE', `${I}/v1/token/${body.id}`, { token: intruder.accessToken });
    expect(del.status).toBe(404);
    expect((await t.rest('GET', `${I}/v1/all`, { token: intruder.accessToken })).body).toEqual([]);
    expect((await t.rest('DELETE', `${I}/v1/token/${body.id}`, { token: admin.accessToken })).status).toBe(200);
    expect((await signUpWith(body.token)).status).toBe(400);
  });

  it("the caller's own link: create, read (no token), update, replace, delete", async () => {
    const admin = await signUp(t);
    const created = await t.rest('POST', `${I}/v1/user`, { token: admin.accessToken, body: { expiresInMinutes: 60, shouldSendEmail: false } });
    expect(created.status).toBe(201);
    expect(created.body.userId).toBe(admin.userId);
    const got = await t.rest('GET', `${I}/v1/user`, { token: admin.accessToken });
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(created.body.id);
    expect(got.body).not.toHaveProperty('token');
    const patched = await t.rest('PATCH', `${I}/v1/user`, { token: admin.accessToken, body: { expiresInMinutes: 120 } });
    expect(patched.status).toBe(200);
    expect(new Date(patched.body.expires).getTime()).toBeGreaterThan(new Date(got.body.expires).getTime());

    const replaced = await t.rest('POST', `${I}/v2/user`, { token: admin.accessToken, body: { expiresInMinutes: 60, shouldSendEmail: false, roleIds: [] } });
    expect(replaced.status).toBe(201);
    expect((await signUpWith(created.body.token)).status).toBe(400);
    expect((await t.rest('DELETE', `${I}/v1/user`, { token: admin.accessToken })).status).toBe(200);
    expect((await signUpWith(replaced.body.token)).status).toBe(400);
    expect((await t.rest('GET', `${I}/v1/user`, { token: admin.accessToken })).status).toBe(404);
  });

  it('needs fe.secure.write.users to create links', async () => {
    const admin = await signUp(t);
    const email = uniqueEmail('reader');
    await t.rest('POST', '/identity/resources/users/v1', { token: admin.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId }, body: { email, password: 'reader passphrase' } });
    const reader = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password: 'reader passphrase' } });
    const r = await t.rest('POST', `${I}/v1/user`, { token: reader.body.accessToken, body: { expiresInMinutes: 60, shouldSendEmail: false } });
    expect(r.status).toBe(403);
    expect((await t.rest('POST', `${I}/v1`, { body: { tenantId: admin.tenantId } })).status).toBe(401);
  });
});
