// Inviting users to a tenant, accepting by link and by code, re-sending, activation by code and
// the strategies, over the Frontegg REST paths with mail delivered to a real local SMTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/platform/clock.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { linkIn, startSmtp, type ReceivedMail, type TestSmtp } from '../helpers/smtp.ts';

const APP_URL = 'https://app.example.test';
const P = '/identity/resources/users';
const C = '/identity/resources/configurations/v1';

let t: TestGatehouse;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await startGatehouse({ GATEHOUSE_SMTP_URL: smtp.url, GATEHOUSE_APP_URL: APP_URL, GATEHOUSE_MAIL_FROM: 'Acme <auth@acme.test>' });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const login = (email: string, password: string, invitationToken?: string) =>
  t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password, invitationToken } });
const invite = (admin: { accessToken: string; tenantId: string }, body: Record<string, unknown>) =>
  t.rest('POST', `${P}/v2`, { token: admin.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId }, body });
const accept = (body: Record<string, unknown>) => t.rest('POST', `${P}/v1/invitation/accept`, { body });

async function invitationLinkFor(email: string) {
  const mail = await smtp.next(email);
  const link = linkIn(mail, '/account/invitation/accept');
  return { mail, userId: link.searchParams.get('userId')!, token: link.searchParams.get('token')! };
}
const codeIn = (mail: ReceivedMail) => /Code: (\d{6})/.exec(mail.text)?.[1] ?? '';

describe('invite a user (POST /users/v2) and accept by link', () => {
  it('creates a pending membership, mails a single-use link, and the membership works only after accepting', async () => {
    const admin = await signUp(t);
    const email = uniqueEmail('invitee');
    const r = await invite(admin, { email, name: 'Invitee' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ email, name: 'Invitee', activatedForTenant: false, verified: false, roles: ['ReadOnly'] });

    const { mail, userId, token } = await invitationLinkFor(email);
    expect(mail.subject).toBe("You've been invited");
    expect(userId).toBe(r.body.id);
    // Only the HMAC is stored, scoped to the tenant.
    const rows = await t.deps.db.oneTimeToken.findMany({ where: { userId, type: 'INVITATION' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tenantId: admin.tenantId, tokenHash: t.deps.secrets.hashToken(token) });

    // A wrong token is refused and nothing changes.
    expect((await accept({ userId, token: 'not-the-token' })).body.errorCode).toBe('invitation_token_invalid');
    // Accepting sets the password (the invitee had none), checked against the policy.
    const weak = await accept({ userId, token, password: 'short' });
    expect(weak.status).toBe(400);
    const ok = await accept({ userId, token, password: 'invitee passphrase' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({});
    const again = await accept({ userId, token, password: 'invitee passphrase' });
    expect(again.status).toBe(400);
    expect(again.body.errorCode).toBe('invitation_token_invalid');

    const membership = await t.deps.db.userTenant.findUnique({ where: { userId_tenantId: { userId, tenantId: admin.tenantId } } });
    expect(membership?.activatedForTenant).toBe(true);
    expect((await t.deps.db.user.findUnique({ where: { id: userId } }))?.verified).toBe(true);
    const session = await login(email, 'invitee passphrase');
    expect(session.status).toBe(200);
    expect(session.body.accessToken).toBeTruthy();
  });

  it('a pending membership grants no access until accepted', async () => {
    const admin = await signUp(t);
    const email = uniqueEmail('pending');
    expect((await invite(admin, { email, password: 'pending passphrase' })).status).toBe(201);
    const before = await login(email, 'pending passphrase');
    expect(before.status).toBe(403);
    expect(before.body.errorCode).toBe('user_no_tenant_access');
    const { userId, token } = await invitationLinkFor(email);
    expect((await accept({ userId, token })).status).toBe(200);
    expect((await login(email, 'pending passphrase')).status).toBe(200);
  });

  it('POST /users/v1 invites an already registered user; skipInviteEmail sends nothing but still needs acceptance', async () => {
    const admin = await signUp(t);
    const existing = await signUp(t);
    const r = await t.rest('POST', `${P}/v1`, { token: admin.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId }, body: { email: existing.email } });
    expect(r.status).toBe(201);
    expect(r.body.activatedForTenant).toBe(false);
    const { userId, token } = await invitationLinkFor(existing.email);
    expect(userId).toBe(existing.userId);
    expect((await accept({ userId, token })).status).toBe(200);
    const switched = await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie: existing.refreshToken, body: { tenantId: admin.tenantId } });
    expect(switched.status).toBe(201);

    const other = await signUp(t);
    const skipped = await t.rest('POST', `${P}/v1`, {
      token: other.accessToken,
      headers: { 'frontegg-tenant-id': other.tenantId },
      body: { email: existing.email, skipInviteEmail: true },
    });
    expect(skipped.status).toBe(201);
    expect(skipped.body.activatedForTenant).toBe(false);
    // A new email keeps Frontegg's create behaviour: an active membership.
    const created = await t.rest('POST', `${P}/v1`, { token: admin.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId }, body: { email: uniqueEmail() } });
    expect(created.body.activatedForTenant).toBe(true);
  });

  it('requires fe.secure.write.users and stays in the caller tenant', async () => {
    const admin = await signUp(t);
    const other = await signUp(t);
    const readerEmail = uniqueEmail('reader');
    await t.rest('POST', `${P}/v1`, { token: admin.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId }, body: { email: readerEmail, password: 'reader passphrase' } });
    const reader = await login(readerEmail, 'reader passphrase');
    const denied = await invite({ accessToken: reader.body.accessToken, tenantId: admin.tenantId }, { email: uniqueEmail() });
    expect(denied.status).toBe(403);
    const foreign = await invite({ accessToken: admin.accessToken, tenantId: other.tenantId }, { email: uniqueEmail() });
    expect(foreign.status).toBe(403);
    expect(await t.deps.db.userTenant.count({ where: { tenantId: other.tenantId } })).toBe(1);
  });

  it('expires (fake clock)', async () => {
    const admin = await signUp(t);
    const email = uniqueEmail('late');
    await invite(admin, { email });
    const { userId, token } = await invitationLinkFor(email);
    (t.clock as ManualClock).advance(7 * 24 * 60 * 60 * 1000 + 1000);
    const r = await accept({ userId, token, password: 'late passphrase' });
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('invitation_token_invalid');
  });
});

describe('reset invitations', () => {
  it('re-mails a fresh link and kills the old one; another tenant cannot reset', async () => {
    const admin = await signUp(t);
    const email = uniqueEmail('reset');
    await invite(admin, { email });
    const first = await invitationLinkFor(email);

    const intruder = await signUp(t);
    const foreignHeader = await t.rest('POST', `${P}/v1/invitation/reset`, { token: intruder.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId }, body: { email } });
    expect(foreignHeader.status).toBe(403);
    const ownTenant = await t.rest('POST', `${P}/v1/invitation/reset`, { token: intruder.accessToken, headers: { 'frontegg-tenant-id': intruder.tenantId }, body: { email } });
    expect(ownTenant.status).toBe(404);
    expect(ownTenant.body.errorCode).toBe('invitation_not_found');

    const r = await t.rest('POST', `${P}/v1/invitation/reset`, { token: admin.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId }, body: { email } });
    expect(r.status).toBe(200);
    const second = await invitationLinkFor(email);
    expect(second.token).not.toBe(first.token);
    expect((await accept({ userId: first.userId, token: first.token })).status).toBe(400);
    expect((await accept({ userId: second.userId, token: second.token })).status).toBe(200);
    // Nothing pending any more.
    const none = await t.rest('POST', `${P}/v1/invitation/reset`, { token: admin.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId }, body: { email } });
    expect(none.status).toBe(404);
  });

  it('reset/all re-sends every pending invitation of the tenant', async () => {
    const admin = await signUp(t);
    const a = uniqueEmail('all-a');
    const b = uniqueEmail('all-b');
    await invite(admin, { email: a });
    await invite(admin, { email: b });
    const oldA = await invitationLinkFor(a);
    await invitationLinkFor(b);
    const r = await t.rest('POST', `${P}/v1/invitation/reset/all`, { token: admin.accessToken, headers: { 'frontegg-tenant-id': admin.tenantId }, body: {} });
    expect(r.status).toBe(200);
    const newA = await invitationLinkFor(a);
    const newB = await invitationLinkFor(b);
    expect((await accept({ userId: oldA.userId, token: oldA.token })).status).toBe(400);
    expect((await accept({ userId: newA.userId, token: newA.token })).status).toBe(200);
    expect((await accept({ userId: newB.userId, token: newB.token })).status).toBe(200);
  });
});

describe('strategies: invitation and activation by code', () => {
  it('only the vendor sets a strategy; anyone reads it', async () => {
    const u = await signUp(t);
    const denied = await t.rest('POST', `${C}/invitation/strategies`, { token: u.accessToken, body: { strategy: 'code' } });
    expect(denied.status).toBe(403);
    const read = await t.rest('GET', `${C}/invitation/strategies`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ strategy: 'link', codeExpiration: 30 });
    const bad = await t.rest('POST', `${C}/activation/strategies`, { token: await t.vendorToken(), body: { strategy: 'carrier-pigeon' } });
    expect(bad.status).toBe(400);
  });

  it('invitation by code: single use, attempt-limited', async () => {
    const vendor = await t.vendorToken();
    const set = await t.rest('POST', `${C}/invitation/strategies`, { token: vendor, body: { strategy: 'code', codeExpiration: 10 } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ strategy: 'code', codeExpiration: 10 });
    try {
      const admin = await signUp(t);
      const email = uniqueEmail('code-invitee');
      await invite(admin, { email });
      const mail = await smtp.next(email);
      const code = codeIn(mail);
      expect(code).toMatch(/^\d{6}$/);
      const wrong = code === '000000' ? '111111' : '000000';
      const bad = await t.rest('POST', `${P}/v1/invitation/accept/code`, { body: { email, code: wrong } });
      expect(bad.status).toBe(400);
      expect(bad.body.errorCode).toBe('invitation_code_invalid');
      const ok = await t.rest('POST', `${P}/v1/invitation/accept/code`, { body: { email, code, password: 'code invitee passphrase' } });
      expect(ok.status).toBe(200);
      const reuse = await t.rest('POST', `${P}/v1/invitation/accept/code`, { body: { email, code } });
      expect(reuse.status).toBe(400);
      expect((await login(email, 'code invitee passphrase')).status).toBe(200);

      // Five wrong tries kill the code, even for the right one afterwards.
      const email2 = uniqueEmail('code-guess');
      await invite(admin, { email: email2 });
      const code2 = codeIn(await smtp.next(email2));
      const wrong2 = code2 === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) await t.rest('POST', `${P}/v1/invitation/accept/code`, { body: { email: email2, code: wrong2 } });
      expect((await t.rest('POST', `${P}/v1/invitation/accept/code`, { body: { email: email2, code: code2 } })).status).toBe(400);
    } finally {
      await t.rest('POST', `${C}/invitation/strategies`, { token: vendor, body: { strategy: 'link' } });
    }
  });

  it('activation by code: sign-up without password mails a code that activates once and logs in', async () => {
    const vendor = await t.vendorToken();
    expect((await t.rest('POST', `${C}/activation/strategies`, { token: vendor, body: { strategy: 'code' } })).status).toBe(200);
    try {
      const email = uniqueEmail('activate-code');
      const s = await t.rest('POST', `${P}/v1/signUp`, { body: { email, companyName: 'Codes Inc', provider: 'local' } });
      expect(s.status).toBe(201);
      expect(s.body.shouldActivate).toBe(true);
      const mail = await smtp.next(email);
      expect(mail.subject).toBe('Activate your account');
      const code = codeIn(mail);
      expect(code).toMatch(/^\d{6}$/);
      const noPassword = await t.rest('POST', `${P}/v1/activate/code`, { body: { userId: s.body.userId, code, token: 'x' } });
      expect(noPassword.body.errorCode).toBe('activation_password_required');
      const r = await t.rest('POST', `${P}/v1/activate/code`, { body: { userId: s.body.userId, code, token: 'x', password: 'activated by code' } });
      expect(r.status).toBe(200);
      expect(r.body.accessToken).toBeTruthy();
      expect(r.refreshCookie).toBeTruthy();
      const again = await t.rest('POST', `${P}/v1/activate/code`, { body: { userId: s.body.userId, code, password: 'activated by code' } });
      expect(again.status).toBe(400);
      expect(again.body.errorCode).toBe('activation_token_invalid');
    } finally {
      await t.rest('POST', `${C}/activation/strategies`, { token: vendor, body: { strategy: 'link' } });
    }
  });
});
