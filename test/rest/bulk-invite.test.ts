// Bulk invites over Frontegg's /users/bulk/v1 paths: the job is answered at once (202) and run in
// the background through the same invite path as single invites; tests wait by polling the status
// route a bounded number of times. Mail goes to a real local SMTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/services/index.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const U = '/identity/resources/users';
const B = `${U}/bulk/v1`;

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

type Caller = { token: string; tenantId?: string };
const start = (c: Caller, body: unknown) =>
  t.rest('POST', `${B}/invite`, { token: c.token, headers: c.tenantId ? { 'frontegg-tenant-id': c.tenantId } : {}, body });
const status = (c: Caller, id: string) => t.rest('GET', `${B}/status/${id}`, { token: c.token });

/** Polls the status route until the job is finished (a bounded number of polls). */
async function finished(c: Caller, id: string) {
  for (let i = 0; i < 200; i++) {
    const r = await status(c, id);
    expect(r.status).toBe(200);
    if (r.body.status === 'COMPLETED' || r.body.status === 'FAILED') return r.body;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${id} did not finish`);
}

/** A ReadOnly member of the tenant with a token. */
async function readOnlyMember(tenantId: string) {
  const email = uniqueEmail('member');
  const password = 'member passphrase';
  const r = await t.rest('POST', `${U}/v1`, { token: vendor, headers: { 'frontegg-tenant-id': tenantId }, body: { email, password } });
  expect(r.status).toBe(201);
  const l = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });
  return { token: l.body.accessToken as string, userId: r.body.id as string };
}

const adminRoleId = async () => (await t.deps.db.role.findFirstOrThrow({ where: { key: 'Admin', tenantId: null } })).id;

describe('bulk invite', () => {
  it('answers 202 with a job at once, invites each user like a single invite, and records per-user failures', async () => {
    const admin = await signUp(t);
    const c = { token: admin.accessToken };
    const mailed = uniqueEmail('mailed');
    const silent = uniqueEmail('silent');
    const badRole = uniqueEmail('badrole');
    const r = await start(c, {
      users: [
        { email: mailed, name: 'Mailed', roleIds: [await adminRoleId()] },
        { email: silent, name: 'Silent', skipInviteEmail: true, password: 'silent passphrase' },
        { email: 'not-an-email', skipInviteEmail: true },
        { email: badRole, roleIds: ['no-such-role'], skipInviteEmail: true },
      ],
    });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ id: expect.any(String), status: 'PENDING', total: 4 });

    const job = await finished(c, r.body.id);
    expect(job).toMatchObject({ status: 'COMPLETED', total: 4, processed: 4, tenantId: admin.tenantId });
    expect(job.succeeded.map((s: { email: string }) => s.email)).toEqual([mailed, silent]);
    expect(job.failed).toEqual([
      { email: 'not-an-email', errorCode: 'validation_failed', message: expect.any(String) },
      { email: badRole, errorCode: 'role_ids_invalid', message: expect.any(String) },
    ]);

    // Same effects as a single invite: pending membership with the roles asked for (or the defaults).
    const membership = async (email: string) =>
      t.deps.db.userTenant.findFirst({ where: { tenantId: admin.tenantId, user: { email } }, include: { roles: { include: { role: true } } } });
    const m1 = await membership(mailed);
    expect(m1).toMatchObject({ activatedForTenant: false });
    expect(m1!.roles.map((x) => x.role.key)).toEqual(['Admin']);
    expect((await membership(silent))!.roles.map((x) => x.role.key)).toEqual(['ReadOnly']);
    expect(await t.deps.db.user.findUnique({ where: { email: badRole } })).toBeNull();

    // The invitation mail goes out as for a single invite, and accepting it works.
    const mail = await smtp.next(mailed);
    expect(mail.subject).toBe("You've been invited");
    const link = linkIn(mail, '/account/invitation/accept');
    const accept = await t.rest('POST', `${U}/v1/invitation/accept`, {
      body: { userId: link.searchParams.get('userId'), token: link.searchParams.get('token'), password: 'mailed passphrase' },
    });
    expect(accept.status).toBe(200);
    expect(await membership(mailed)).toMatchObject({ activatedForTenant: true });

    // The stored job holds no password.
    const row = await t.deps.db.job.findUniqueOrThrow({ where: { id: r.body.id } });
    expect(JSON.stringify(row)).not.toContain('silent passphrase');
  });

  it('ends FAILED when no user could be invited', async () => {
    const admin = await signUp(t);
    const r = await start({ token: admin.accessToken }, { users: [{ email: 'nope', skipInviteEmail: true }] });
    expect(r.status).toBe(202);
    const job = await finished({ token: admin.accessToken }, r.body.id);
    expect(job).toMatchObject({ status: 'FAILED', processed: 1, succeeded: [], failed: [{ email: 'nope', errorCode: 'validation_failed' }] });
  });

  it('refuses bad envelopes with 4xx and writes no job', async () => {
    const admin = await signUp(t);
    const c = { token: admin.accessToken };
    const before = await t.deps.db.job.count();
    for (const body of [{}, { users: [] }, { users: 'x' }, { users: [{ name: 'no email' }] }, { users: [{ email: 42 }] }]) {
      const r = await start(c, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    const tooMany = await start(c, { users: Array.from({ length: 501 }, (_, i) => ({ email: `x${i}@example.com` })) });
    expect(tooMany.status).toBe(400);
    // A tenant user may not set vendor-only fields.
    const vendorOnly = await start(c, { users: [{ email: uniqueEmail(), verified: true }] });
    expect(vendorOnly.status).toBe(403);
    // The vendor must name the tenant, and an existing one.
    expect((await start({ token: vendor }, { users: [{ email: uniqueEmail() }] })).status).toBe(400);
    expect((await start({ token: vendor, tenantId: 'no-such-tenant' }, { users: [{ email: uniqueEmail() }] })).status).toBe(404);
    expect(await t.deps.db.job.count()).toBe(before);
  });

  it('is tenant-isolated and needs the users permissions', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const email = uniqueEmail('iso');
    const r = await start({ token: a.accessToken }, { users: [{ email, skipInviteEmail: true }] });
    expect(r.status).toBe(202);
    await finished({ token: a.accessToken }, r.body.id);

    // Another tenant's admin: not found, nothing leaked.
    const foreign = await status({ token: b.accessToken }, r.body.id);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain(email);
    // The vendor sees it; a read-only member of the tenant may read it but not start a job.
    expect((await status({ token: vendor }, r.body.id)).body.status).toBe('COMPLETED');
    const ro = await readOnlyMember(a.tenantId);
    expect((await status({ token: ro.token }, r.body.id)).status).toBe(200);
    expect((await start({ token: ro.token }, { users: [{ email: uniqueEmail() }] })).status).toBe(403);
    // No token.
    expect((await t.rest('GET', `${B}/status/${r.body.id}`)).status).toBe(401);
    expect((await status({ token: a.accessToken }, 'no-such-job')).status).toBe(404);

    // The vendor invites into a tenant it names.
    const v = await start({ token: vendor, tenantId: b.tenantId }, { users: [{ email: uniqueEmail('byvendor'), skipInviteEmail: true }] });
    expect(v.status).toBe(202);
    expect(await finished({ token: b.accessToken }, v.body.id)).toMatchObject({ status: 'COMPLETED', tenantId: b.tenantId });
    expect((await status({ token: a.accessToken }, v.body.id)).status).toBe(404);
  });
});

describe('shutdown', () => {
  it('stops after the current user and hands the job back; another instance resumes it without inviting anyone twice; takes no new ones', async () => {
    const t2 = await startGatehouse();
    try {
      const admin = await signUp(t2);
      const users = Array.from({ length: 40 }, () => ({ email: uniqueEmail('drain'), skipInviteEmail: true, password: 'drain passphrase' }));
      const r = await t2.rest('POST', `${B}/invite`, { token: admin.accessToken, body: { users } });
      expect(r.status).toBe(202);
      const id = r.body.id as string;
      // The queued job's passwords are sealed, never stored in clear.
      expect(JSON.stringify(await t2.deps.db.job.findUniqueOrThrow({ where: { id } }))).not.toContain('drain passphrase');
      for (let i = 0; i < 500 && (await t2.deps.db.jobItem.count({ where: { jobId: id } })) < 3; i++) await new Promise((res) => setTimeout(res, 5));
      await t2.services.jobs.drain();
      const parked = await t2.deps.db.job.findUniqueOrThrow({ where: { id } });
      expect(parked).toMatchObject({ lockedBy: null, completedAt: null, status: 'IN_PROGRESS' });
      const late = await t2.rest('POST', `${B}/invite`, { token: admin.accessToken, body: { users: [{ email: uniqueEmail() }] } });
      expect(late.status).toBe(503);

      const other = createServices(t2.deps);
      other.jobs.start();
      try {
        for (let i = 0; i < 1000 && !(await t2.deps.db.job.findUniqueOrThrow({ where: { id } })).completedAt; i++) await new Promise((res) => setTimeout(res, 10));
      } finally {
        await other.jobs.drain();
      }
      const done = await t2.deps.db.job.findUniqueOrThrow({ where: { id } });
      expect(done).toMatchObject({ status: 'COMPLETED', payload: null });
      const result = done.result as { succeeded: Array<{ email: string }>; failed: unknown[] };
      expect(result.failed).toEqual([]);
      expect(result.succeeded.map((s) => s.email)).toEqual(users.map((u) => u.email));
      const memberships = await t2.deps.db.userTenant.count({ where: { tenantId: admin.tenantId, user: { email: { in: users.map((u) => u.email) } } } });
      expect(memberships).toBe(40);
    } finally {
      await t2.close();
    }
  });
});
