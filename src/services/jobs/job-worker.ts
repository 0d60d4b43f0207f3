// Durable background jobs over the Job table (bulk invites, user migrations), for one instance or
// a fleet on one database.
//
// Why PostgreSQL (FOR UPDATE SKIP LOCKED) and not a Redis queue such as BullMQ: the job's rows
// and the users it creates live in the same database, so a claim, a checkpoint and "this user was
// created by this job" can be made transactional with the work itself; BullMQ would add a
// dependency, a second source of truth to reconcile after a crash, and Redis as a requirement,
// while the embedded PGlite default must keep working with nothing installed (REDIS_URL unset).
// Job volume is tiny (a few bulk requests an hour), far below what a table queue handles.
//
// - A request only writes the row (PENDING; its input sealed with the installation secret, since
//   it may hold passwords or hashes) and pokes the local worker; it never runs the work itself.
// - A worker claims one job at a time per slot (GATEHOUSE_JOB_CONCURRENCY) with one UPDATE …
//   WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) (jobs.queries.ts): any instance may take it,
//   never two at once. The claim is a lease (lockedBy, lockedUntil in database time) renewed by a
//   heartbeat every third of GATEHOUSE_JOB_LEASE_SECONDS; every write the job makes afterwards is
//   fenced on lockedBy, so a worker that lost its lease (paused past it, then woke up) stops
//   instead of overwriting its successor.
// - An instance that dies (SIGKILL, OOM, power) stops renewing; once the lease lapses any
//   instance, the restarted one included, claims the job again at its next look (at start, on a
//   local request, and every GATEHOUSE_JOB_POLL_SECONDS) and resumes from its checkpoint.
// - Shutdown (drain) stops claiming, lets each running job finish the unit it is on, checkpoint
//   and RELEASE its lease (still IN_PROGRESS, lockedBy null): another instance, or this one after
//   a restart, resumes the rest at once instead of the job ending FAILED. A rolling deploy thus
//   loses nothing; a job only fails for its own reasons (or after MAX_JOB_ATTEMPTS claims, so a
//   job that crashes its worker every time cannot go round the fleet forever).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { claimJob, renewLeases, type ClaimedJob } from './jobs.queries.ts';

/** Claims of one job after which it is given up (each claim past the first follows a lost worker). */
export const MAX_JOB_ATTEMPTS = 5;

export type JobOutcome = { status: 'COMPLETED' | 'FAILED'; result: Prisma.InputJsonObject; error: string | null };

/** A claimed job as its handler sees it. */
export interface JobLease {
  id: string;
  tenantId: string | null;
  /** 1 on the first claim; more when resuming after a lost worker. */
  attempts: number;
  /** The stored result at claim time (the last checkpoint). */
  result: unknown;
  /** The unsealed input given to enqueue (null when it is gone). */
  input: unknown;
  /** True once the handler must stop after the current unit: the worker drains or lost the lease. */
  shouldStop(): boolean;
  /** True when another worker may hold the job now: write nothing more. */
  lost(): boolean;
  /** Stores progress (fenced); false when the lease was lost. */
  checkpoint(result: Prisma.InputJsonObject): Promise<boolean>;
  /** Ends the job (fenced): drops the sealed input and the job's items. */
  finish(outcome: JobOutcome): Promise<boolean>;
}

export type JobHandler = (lease: JobLease) => Promise<void>;

type WorkerDeps = Pick<Deps, 'db' | 'clock' | 'logger' | 'secrets' | 'config'>;

export function createJobWorker(deps: WorkerDeps, o: { workerId?: string } = {}) {
  const { db, logger, secrets, clock } = deps;
  const { leaseSeconds, pollSeconds, concurrency, maxQueued } = deps.config.jobs;
  const workerId = o.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const handlers = new Map<string, JobHandler>();
  /** Running jobs by id, with whether their lease was lost. */
  const running = new Map<string, { lost: boolean; done: Promise<void> }>();
  let stopping = false;
  let started = false;
  let pumping: Promise<void> | null = null;
  let again = false;
  let pollTimer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;

  const mine = (id: string) => ({ id, lockedBy: workerId });

  function lease(job: ClaimedJob): JobLease {
    const state = running.get(job.id)!;
    let input: unknown = null;
    if (job.payload) {
      try {
        input = JSON.parse(secrets.decrypt(job.payload));
      } catch (err) {
        // Sealed with another installation secret: the handler sees no input and fails the job.
        logger.error({ err, jobId: job.id }, 'job input could not be unsealed');
      }
    }
    return {
      id: job.id,
      tenantId: job.tenantId,
      attempts: job.attempts,
      result: job.result,
      input,
      shouldStop: () => stopping || state.lost,
      lost: () => state.lost,
      async checkpoint(result) {
        if (state.lost) return false;
        const { count } = await db.job.updateMany({ where: mine(job.id), data: { result } });
        if (count === 0) state.lost = true;
        return count === 1;
      },
      async finish({ status, result, error }) {
        if (state.lost) return false;
        return db.$transaction(async (tx) => {
          const { count } = await tx.job.updateMany({
            where: mine(job.id),
            data: { status, result, error, completedAt: clock.now(), payload: null, lockedBy: null, lockedUntil: null },
          });
          if (count === 0) {
            state.lost = true;
            return false;
          }
          await tx.jobItem.deleteMany({ where: { jobId: job.id } });
          return true;
        });
      },
    };
  }

  /** Gives a job back: still IN_PROGRESS, claimable by anyone at once, resumed from its checkpoint. */
  async function release(id: string) {
    await db.job.updateMany({ where: mine(id), data: { lockedBy: null, lockedUntil: null } });
  }

  async function run(job: ClaimedJob) {
    const handler = handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(lease(job));
    } catch (err) {
      logger.error({ err, jobId: job.id, kind: job.kind }, 'job failed unexpectedly; its lease is released for a retry');
    } finally {
      // A handler that returned without finishing (drain, an error) hands the job back.
      await release(job.id).catch((err: unknown) => logger.warn({ err, jobId: job.id }, 'releasing a job lease failed; it lapses instead'));
    }
  }

  async function renew() {
    const ids = [...running.keys()];
    if (!ids.length) return;
    try {
      const held = await renewLeases(db, workerId, ids, leaseSeconds);
      for (const id of ids) {
        const s = running.get(id);
        if (s && !held.has(id) && !s.lost) {
          s.lost = true;
          logger.warn({ jobId: id, workerId }, 'job lease lost (another worker took the job over); stopping it here');
        }
      }
    } catch (err) {
      // The database is unreachable: the job's own writes fail too, and the fenced writes keep a
      // successor safe if the lease lapses meanwhile.
      logger.warn({ err }, 'renewing job leases failed');
    }
  }

  async function claimLoop() {
    do {
      again = false;
      while (!stopping && running.size < concurrency && handlers.size) {
        const job = await claimJob(db, workerId, [...handlers.keys()], leaseSeconds);
        if (!job) break;
        const state = { lost: false, done: Promise.resolve() };
        running.set(job.id, state);
        heartbeat ??= setInterval(() => void renew(), Math.max(200, (leaseSeconds * 1000) / 3)).unref();
        state.done = run(job).finally(() => {
          running.delete(job.id);
          if (!running.size && heartbeat) {
            clearInterval(heartbeat);
            heartbeat = null;
          }
          // A slot is free: look for the next job.
          poke();
        });
      }
    } while (again && !stopping);
  }

  /** Looks for claimable jobs now (coalesced: one look at a time). */
  function poke() {
    if (stopping || !started) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = claimLoop()
      .catch((err: unknown) => logger.error({ err }, 'claiming jobs failed'))
      .finally(() => {
        pumping = null;
      });
  }

  return {
    workerId,

    register(kind: string, handler: JobHandler) {
      if (handlers.has(kind)) throw new Error(`job kind ${kind} registered twice`);
      handlers.set(kind, handler);
    },

    /**
     * Writes a PENDING job and pokes the worker. `secretInput` is sealed (it may hold passwords or
     * hashes); `input` is stored as is for the status routes. A tenant (or the vendor, tenantId
     * null) with GATEHOUSE_JOB_MAX_QUEUED unfinished jobs of this kind is refused: the queue stays
     * bounded and the caller gets a clear 429 instead of an ever-growing backlog.
     */
    async enqueue(job: { kind: string; tenantId: string | null; input: Prisma.InputJsonObject; secretInput: unknown; result: Prisma.InputJsonObject }) {
      if (stopping) fail('job_shutting_down');
      const unfinished = await db.job.count({ where: { kind: job.kind, tenantId: job.tenantId, status: { in: ['PENDING', 'IN_PROGRESS'] } } });
      if (unfinished >= maxQueued) fail('job_queue_full');
      const row = await db.job.create({
        data: { kind: job.kind, tenantId: job.tenantId, input: job.input, result: job.result, payload: secrets.encrypt(JSON.stringify(job.secretInput)) },
      });
      poke();
      return row;
    },

    /** Starts claiming: at once (jobs left by a previous run) and every GATEHOUSE_JOB_POLL_SECONDS. */
    start() {
      if (started || stopping) return;
      started = true;
      if (pollSeconds > 0) pollTimer = setInterval(poke, pollSeconds * 1000).unref();
      poke();
    },

    poke,

    /** Stops claiming, lets running jobs finish their current unit and release their leases. */
    async drain() {
      stopping = true;
      if (pollTimer) clearInterval(pollTimer);
      pollTimer = null;
      while (pumping || running.size) {
        await pumping;
        await Promise.allSettled([...running.values()].map((s) => s.done));
      }
    },

    /** Jobs this worker runs now (tests, metrics). */
    runningJobs: () => [...running.keys()],
  };
}

export type JobWorker = ReturnType<typeof createJobWorker>;
