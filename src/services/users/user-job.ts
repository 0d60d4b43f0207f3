// The handler of a background job over a list of users (bulk invites, bulk migrations), run by
// the job worker (services/jobs/job-worker.ts) under a lease. Each user goes through the
// single-user path; a user that fails is recorded in the job's result and the job moves on, so
// one bad entry never stops the others.
//
// - Never starves the event loop: one user is one slice, and the job yields to the event loop
//   (setImmediate) after each. On the embedded PGlite every query resolves without real I/O, so a
//   loop of awaits would otherwise run the whole job inside one macrotask: a 500-user job held
//   the event loop for over 5 s, /health and logins timed out.
// - Progress is checkpointed every CHECKPOINT_USERS users (or CHECKPOINT_MS), not after each:
//   the result grows with the job, and rewriting it per user is quadratic.
// - Idempotent after a crash: the user and its JobItem (job, position → userId) are written in
//   ONE transaction, so a job resumed from its checkpoint recognises every user created after
//   it as succeeded instead of creating it again (or reporting "already exists"). A position that
//   failed is simply tried again: failures write nothing.
// - Stops after the current user when the worker drains or lost its lease; on drain it
//   checkpoints the exact count and the worker releases the lease, so the rest is resumed.
import { DomainError } from '../../errors/domain-errors.ts';
import type { Prisma, Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { MAX_JOB_ATTEMPTS, type JobLease } from '../jobs/job-worker.ts';

export const CHECKPOINT_USERS = 25;
const CHECKPOINT_MS = 1000;

export interface UserJobResult<E> {
  total: number;
  processed: number;
  succeeded: Array<{ email: E; userId: string }>;
  failed: Array<{ email: E; errorCode: string; message: string }>;
}

/** Records, inside the transaction that creates the user, that this job's current position made it. */
export type RecordUser = (tx: Tx, userId: string) => Promise<void>;

export interface UserJobSpec<U, E> {
  emailOf(user: U): E;
  /** Processes one user; `record` must run inside the transaction that creates or changes it. */
  processOne(user: U, record: RecordUser): Promise<{ userId: string }>;
  /** For logs: "bulk invite", "user migration". */
  label: string;
  /** What "not one user could be …" says: "invited", "migrated". */
  done: string;
}

const json = <E>(r: UserJobResult<E>) => r as unknown as Prisma.InputJsonObject;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runUserJob<U, E>(deps: Pick<Deps, 'db' | 'logger'> & Partial<Pick<Deps, 'metrics'>>, lease: JobLease, users: U[] | null, spec: UserJobSpec<U, E>): Promise<void> {
  const { db, logger } = deps;
  const jobId = lease.id;
  if (!users) {
    await lease.finish({ status: 'FAILED', result: json(userJobResult<E>(lease.result)), error: 'the job input is no longer available' });
    return;
  }
  const result = userJobResult<E>(lease.result);
  result.total = users.length;
  if (lease.attempts > MAX_JOB_ATTEMPTS) {
    for (const u of users.slice(result.processed)) {
      result.failed.push({ email: spec.emailOf(u), errorCode: 'job_abandoned', message: `Not processed: the job was given up after ${MAX_JOB_ATTEMPTS} attempts` });
    }
    logger.error({ jobId, attempts: lease.attempts }, `${spec.label}: given up after repeated interruptions`);
    await lease.finish({ status: 'FAILED', result: json(result), error: `given up after ${MAX_JOB_ATTEMPTS} attempts` });
    return;
  }
  // Users created after the last checkpoint (the previous worker died before recording them).
  const made = new Map(
    (await db.jobItem.findMany({ where: { jobId, position: { gte: result.processed } }, select: { position: true, userId: true } })).map((i) => [i.position, i.userId]),
  );
  let sinceCheckpoint = 0;
  let lastCheckpoint = Date.now();
  while (result.processed < users.length) {
    if (lease.shouldStop()) break;
    const position = result.processed;
    const u = users[position]!;
    const email = spec.emailOf(u);
    const recognised = made.get(position);
    if (recognised) result.succeeded.push({ email, userId: recognised });
    else {
      const record: RecordUser = async (tx, userId) => void (await tx.jobItem.create({ data: { jobId, position, userId } }));
      try {
        const { userId } = await spec.processOne(u, record);
        result.succeeded.push({ email, userId });
      } catch (e) {
        // A worker that lost its lease mid-user may have made this very user meanwhile (its
        // JobItem won the primary key): that is a success, not "already exists".
        const raced = await db.jobItem.findUnique({ where: { jobId_position: { jobId, position } }, select: { userId: true } });
        if (raced) result.succeeded.push({ email, userId: raced.userId });
        // Domain failures are the caller's data (duplicate, unknown role, bad hash…); anything
        // else is ours: logged with detail, reported generically.
        else if (e instanceof DomainError) result.failed.push({ email, errorCode: e.code, message: e.message });
        else {
          logger.error({ err: e, jobId }, `${spec.label}: a user failed`);
          result.failed.push({ email, errorCode: 'internal_error', message: 'Internal server error' });
        }
      }
    }
    result.processed++;
    deps.metrics?.jobUserProcessed(spec.label);
    sinceCheckpoint++;
    if (sinceCheckpoint >= CHECKPOINT_USERS || Date.now() - lastCheckpoint >= CHECKPOINT_MS) {
      if (!(await lease.checkpoint(json(result)))) return;
      sinceCheckpoint = 0;
      lastCheckpoint = Date.now();
    }
    await yieldToEventLoop();
  }
  if (lease.lost()) return;
  if (result.processed < users.length) {
    // Draining: the exact count is stored; the worker releases the lease and the rest is resumed.
    await lease.checkpoint(json(result));
    return;
  }
  const failed = result.succeeded.length === 0 && result.failed.length > 0;
  await lease.finish({ status: failed ? 'FAILED' : 'COMPLETED', result: json(result), error: failed ? `no user could be ${spec.done}` : null });
}

/** A job row's stored result (written by runUserJob), with defaults for a job not yet started. */
export function userJobResult<E>(stored: unknown): UserJobResult<E> {
  const r = (stored ?? {}) as Partial<UserJobResult<E>>;
  return { total: r.total ?? 0, processed: r.processed ?? 0, succeeded: r.succeeded ?? [], failed: r.failed ?? [] };
}
