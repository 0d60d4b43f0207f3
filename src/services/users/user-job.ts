// The worker of a background job over a list of users (bulk invites, bulk migrations): each user
// goes through the single-user path; a user that fails is recorded in the job's result and the
// worker moves on, so one bad entry never stops the others. Progress is written after each user
// (the status routes read it while the job runs). A job interrupted by shutdown ends FAILED with
// the users it did not reach listed as such; so does a job where not one user succeeded.
import { DomainError } from '../../errors/domain-errors.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';

export interface UserJobResult<E> {
  total: number;
  processed: number;
  succeeded: Array<{ email: E; userId: string }>;
  failed: Array<{ email: E; errorCode: string; message: string }>;
}

export interface UserJob<U, E> {
  jobId: string;
  users: U[];
  emailOf(user: U): E;
  processOne(user: U): Promise<{ userId: string }>;
  /** True once the service is closing: the worker stops before the next user. */
  stopping(): boolean;
  /** For logs and the failure text: "bulk invite", "user migration". */
  label: string;
  /** What "not one user could be …" says: "invited", "migrated". */
  done: string;
}

export async function runUserJob<U, E>(deps: Pick<Deps, 'db' | 'clock' | 'logger'> & Partial<Pick<Deps, 'metrics'>>, job: UserJob<U, E>): Promise<void> {
  const { db, clock, logger } = deps;
  const { jobId, users } = job;
  const json = (r: UserJobResult<E>) => r as unknown as Prisma.InputJsonObject;
  const result: UserJobResult<E> = { total: users.length, processed: 0, succeeded: [], failed: [] };
  try {
    await db.job.update({ where: { id: jobId }, data: { status: 'IN_PROGRESS' } });
    for (const u of users) {
      if (job.stopping()) break;
      const email = job.emailOf(u);
      try {
        const { userId } = await job.processOne(u);
        result.succeeded.push({ email, userId });
      } catch (e) {
        // Domain failures are the caller's data (duplicate, unknown role, bad hash…); anything
        // else is ours: logged with detail, reported generically.
        if (e instanceof DomainError) result.failed.push({ email, errorCode: e.code, message: e.message });
        else {
          logger.error({ err: e, jobId }, `${job.label}: a user failed`);
          result.failed.push({ email, errorCode: 'internal_error', message: 'Internal server error' });
        }
      }
      result.processed++;
      deps.metrics?.jobUserProcessed(job.label);
      await db.job.update({ where: { id: jobId }, data: { result: json(result) } });
    }
    const interrupted = result.processed < result.total;
    for (const u of users.slice(result.processed)) {
      result.failed.push({ email: job.emailOf(u), errorCode: 'job_shutting_down', message: 'Not processed: the server shut down' });
    }
    const failed = interrupted || (result.succeeded.length === 0 && result.failed.length > 0);
    await db.job.update({
      where: { id: jobId },
      data: {
        status: failed ? 'FAILED' : 'COMPLETED',
        result: json(result),
        error: interrupted ? 'interrupted by shutdown' : failed ? `no user could be ${job.done}` : null,
        completedAt: clock.now(),
      },
    });
  } catch (e) {
    logger.error({ err: e, jobId }, `${job.label} job failed`);
    await db.job
      .update({ where: { id: jobId }, data: { status: 'FAILED', result: json(result), error: 'internal error', completedAt: clock.now() } })
      .catch((err: unknown) => logger.error({ err, jobId }, `${job.label}: recording the failure failed`));
  }
}

/** A job row's stored result (written by runUserJob), with defaults for a job not yet started. */
export function userJobResult<E>(stored: unknown): UserJobResult<E> {
  const r = (stored ?? {}) as Partial<UserJobResult<E>>;
  return { total: r.total ?? 0, processed: r.processed ?? 0, succeeded: r.succeeded ?? [], failed: r.failed ?? [] };
}
