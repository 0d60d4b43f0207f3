// The durable job queue under bulk invites and migrations (services/jobs/job-worker.ts): claims
// with FOR UPDATE SKIP LOCKED and a lease, resumption after a dead worker without duplicates, a
// bounded queue per tenant, and jobs that leave the event loop free. "Another instance" is a
// second services set (its own worker id) on the same database; a "dead" worker is one whose job
// row says it holds the job under a lease that has lapsed. The process-level SIGKILL test lives
// in test/fleet/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/services/index.ts';
import { claimJob } from '../../src/services/jobs/jobs.queries.ts';
import { BULK_INVITE_JOB_KIND } from '../../src/services/users/bulk-invites.service.ts';
import { MIGRATION_JOB_KIND } from '../../src/services/users/migrations.service.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

const M = '/identity/resources/migrations';
const B = '/identity/resources/users/bulk/v1';
const BCRYPT_2B = '$2b$04$ccJb/YpeE/9tgPpELQ.Qu.DdzRkNLIwLKG2hhlkOlTU6R6X5CXFcm';

let t: TestGatehouse;
let vendor: string;
let tenantId: string;
beforeAll(async () => {
  t = await startGatehouse({ GATEHOUSE_JOB_MAX_QUEUED: '3' });
  vendor = await t.vendorToken();
  tenantId = (await signUp(t)).tenantId;
});
afterAll(async () => {
  await t?.close();
});

const db = () => t.deps.db;
const migrationUsers = (n: number, label: string) =>
  Array.from({ length: n }, () => ({ tenantId, email: uniqueEmail(label), passwordHash: BCRYPT_2B, passwordHashType: 'bcrypt' }));

/** Waits (a bounded number of polls) until the job has ended; answers its row. */
async function ended(id: string) {
  for (let i = 0; i < 1500; i++) {
    const j = await db().job.findUniqueOrThrow({ where: { id } });
    if (j.completedAt) return j;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${id} did not end`);
}

type Result = { total: number; processed: number; succeeded: Array<{ email: string; userId: string }>; failed: Array<{ email: string; errorCode: string }> };

/**
 * A migration job as a worker that died mid-way left it: claimed by "dead-worker" (lease lapsed
 * a minute ago), checkpointed after `checkpointed` users, and `madeAfter` more users created
 * (each with its JobItem, as the worker writes them in one transaction) but not yet checkpointed.
 */
async function orphanedMigration(users: ReturnType<typeof migrationUsers>, checkpointed: number, madeAfter: number, o: { leaseLapsed?: boolean } = {}) {
  const job = await db().job.create({
    data: {
      kind: MIGRATION_JOB_KIND,
      status: 'IN_PROGRESS',
      input: { emails: users.map((u) => u.email) },
      payload: t.deps.secrets.encrypt(JSON.stringify({ users })),
      result: { total: users.length, processed: 0, succeeded: [], failed: [] },
      lockedBy: 'dead-worker',
      attempts: 1,
    },
  });
  const made: string[] = [];
  for (let i = 0; i < checkpointed + madeAfter; i++) {
    const { userId } = await t.services.migrations.migrate(users[i]!);
    made.push(userId);
    if (i >= checkpointed) await db().jobItem.create({ data: { jobId: job.id, position: i, userId } });
  }
  const result: Result = { total: users.length, processed: checkpointed, succeeded: users.slice(0, checkpointed).map((u, i) => ({ email: u.email, userId: made[i]! })), failed: [] };
  // Lease times are database time (as the worker writes them).
  const interval = o.leaseLapsed === false ? "interval '1 hour'" : "interval '-1 minute'";
  await db().$executeRawUnsafe(`UPDATE "Job" SET "lockedUntil" = now() + ${interval}, "result" = $1::jsonb WHERE "id" = $2`, JSON.stringify(result), job.id);
  return { id: job.id, made };
}

describe('crash recovery', () => {
  it('a job whose worker died (lease lapsed) is resumed by another worker from its checkpoint; users made after it are recognised, not re-created or failed', async () => {
    const users = migrationUsers(8, 'orphan');
    const { id, made } = await orphanedMigration(users, 2, 3);

    t.services.jobs.poke();
    const done = await ended(id);
    expect(done).toMatchObject({ status: 'COMPLETED', attempts: 2, lockedBy: null, payload: null, error: null });
    const result = done.result as Result;
    expect(result.processed).toBe(8);
    expect(result.failed).toEqual([]);
    expect(result.succeeded.map((s) => s.email)).toEqual(users.map((u) => u.email));
    // The five made before the crash keep their ids; nobody exists twice.
    expect(result.succeeded.slice(0, 5).map((s) => s.userId)).toEqual(made);
    for (const u of users) expect(await db().user.count({ where: { email: u.email } })).toBe(1);
    expect(await db().jobItem.count({ where: { jobId: id } })).toBe(0);
  });

  it('a job under a live lease is left alone', async () => {
    const users = migrationUsers(2, 'held');
    const { id } = await orphanedMigration(users, 0, 0, { leaseLapsed: false });
    expect(await claimJob(db(), 'another-worker', [MIGRATION_JOB_KIND], 30)).toBeNull();
    t.services.jobs.poke();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await db().job.findUniqueOrThrow({ where: { id } })).toMatchObject({ lockedBy: 'dead-worker', status: 'IN_PROGRESS', attempts: 1 });
    await db().job.delete({ where: { id } });
  });

  it('a job that keeps losing its worker is given up with the users it did not reach listed', async () => {
    const users = migrationUsers(3, 'poison');
    const { id } = await orphanedMigration(users, 1, 0);
    await db().job.update({ where: { id }, data: { attempts: 5 } });
    t.services.jobs.poke();
    const done = await ended(id);
    expect(done).toMatchObject({ status: 'FAILED', attempts: 6, payload: null });
    expect((done.result as Result).failed.map((f) => f.errorCode)).toEqual(['job_abandoned', 'job_abandoned']);
  });
});

describe('claims', () => {
  it('two workers never claim the same job: racing claims share out the waiting jobs one each', async () => {
    const kind = 'test.claim-race';
    const ids = new Set<string>();
    for (let i = 0; i < 4; i++) ids.add((await db().job.create({ data: { kind } })).id);
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => claimJob(db(), `racer-${i}`, [kind], 30)));
    const won = claims.filter((c) => c !== null).map((c) => c!.id);
    expect(won.sort()).toEqual([...ids].sort());
    const rows = await db().job.findMany({ where: { kind } });
    expect(rows.every((r) => r.status === 'IN_PROGRESS' && r.attempts === 1 && r.lockedBy?.startsWith('racer-'))).toBe(true);
    await db().job.deleteMany({ where: { kind } });
  });

  it('three instances on one database run several jobs, each exactly once, with no duplicate users', async () => {
    const others = [createServices(t.deps), createServices(t.deps)];
    const batches = Array.from({ length: 3 }, (_, i) => migrationUsers(6, `fleet${i}`));
    try {
      const ids: string[] = [];
      for (const users of batches) {
        const r = await t.rest('POST', `${M}/v1/local/bulk`, { token: vendor, body: { users } });
        expect(r.status).toBe(202);
        ids.push(r.body.migrationId);
      }
      for (const o of others) o.jobs.start();
      for (const [i, id] of ids.entries()) {
        const done = await ended(id);
        expect(done).toMatchObject({ status: 'COMPLETED', attempts: 1 });
        expect((done.result as Result).succeeded.map((s) => s.email)).toEqual(batches[i]!.map((u) => u.email));
      }
      for (const u of batches.flat()) expect(await db().user.count({ where: { email: u.email } })).toBe(1);
    } finally {
      await Promise.all(others.map((o) => o.jobs.drain()));
    }
  });
});

describe('a second request while a job runs', () => {
  it('is queued and runs after; beyond the per-tenant cap it is refused with 429, and writes nothing', async () => {
    const admin = await signUp(t);
    const c = { token: admin.accessToken };
    const first = await t.rest('POST', `${B}/invite`, { ...c, body: { users: Array.from({ length: 5 }, () => ({ email: uniqueEmail('q1'), skipInviteEmail: true })) } });
    const second = await t.rest('POST', `${B}/invite`, { ...c, body: { users: [{ email: uniqueEmail('q2'), skipInviteEmail: true }] } });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect((await ended(first.body.id)).status).toBe('COMPLETED');
    expect((await ended(second.body.id)).status).toBe('COMPLETED');

    // Three unfinished jobs of the tenant (held by a live worker elsewhere): the cap (3 here).
    const held = { kind: BULK_INVITE_JOB_KIND, tenantId: admin.tenantId, status: 'IN_PROGRESS' as const, lockedBy: 'busy-worker', lockedUntil: new Date(Date.now() + 3_600_000) };
    await db().job.createMany({ data: [held, held, held] });
    const before = await db().job.count();
    const refused = await t.rest('POST', `${B}/invite`, { ...c, body: { users: [{ email: uniqueEmail('q3'), skipInviteEmail: true }] } });
    expect(refused.status).toBe(429);
    expect(refused.body.errorCode).toBe('job_queue_full');
    expect(await db().job.count()).toBe(before);
    // Other tenants and the vendor's migrations have their own allowance.
    const other = await signUp(t);
    expect((await t.rest('POST', `${B}/invite`, { token: other.accessToken, body: { users: [{ email: uniqueEmail('q4'), skipInviteEmail: true }] } })).status).toBe(202);
    await db().job.deleteMany({ where: { lockedBy: 'busy-worker' } });
  });
});

describe('event loop', () => {
  it('a running job lets other work run between users (it yields to the event loop)', async () => {
    // On PGlite every query resolves without real I/O: a job that only awaited would run to the
    // end inside one macrotask, and a timer, a socket or /health would wait for all of it.
    const users = migrationUsers(60, 'yield');
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    const r = await t.rest('POST', `${M}/v1/local/bulk`, { token: vendor, body: { users } });
    expect(r.status).toBe(202);
    const id = r.body.migrationId as string;
    // Count event-loop turns from the first user made to the end of the job.
    for (let i = 0; i < 1000 && (await db().jobItem.count({ where: { jobId: id } })) === 0; i++) await new Promise((res) => setImmediate(res));
    setImmediate(spin);
    await ended(id);
    spinning = false;
    expect(turns).toBeGreaterThanOrEqual(30);
  });
});
