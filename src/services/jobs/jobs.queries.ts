// The statements of the job queue that Prisma's query builder cannot say: a claim that skips rows
// another worker holds, and lease times in DATABASE time (now()), so instances whose clocks
// disagree still agree on when a lease lapsed.
import type { PrismaClient } from '../../platform/db.ts';

export interface ClaimedJob {
  id: string;
  kind: string;
  tenantId: string | null;
  payload: string | null;
  result: unknown;
  attempts: number;
}

/**
 * Claims the oldest job of `kinds` that is waiting (PENDING) or whose holder is gone (IN_PROGRESS
 * with a lapsed or released lease), in ONE statement: the inner SELECT … FOR UPDATE SKIP LOCKED
 * passes over a row another worker is claiming this instant, and PostgreSQL re-checks the WHERE
 * on the newest row version before locking, so two workers never claim the same job.
 */
export async function claimJob(db: PrismaClient, workerId: string, kinds: string[], leaseSeconds: number): Promise<ClaimedJob | null> {
  const rows = await db.$queryRaw<ClaimedJob[]>`
    UPDATE "Job"
       SET "status" = 'IN_PROGRESS', "lockedBy" = ${workerId},
           "lockedUntil" = now() + make_interval(secs => ${leaseSeconds}::int),
           "attempts" = "attempts" + 1, "updatedAt" = now()
     WHERE "id" = (
       SELECT "id" FROM "Job"
        WHERE "kind" = ANY(${kinds}::text[])
          AND ("status" = 'PENDING'
               OR ("status" = 'IN_PROGRESS' AND ("lockedUntil" IS NULL OR "lockedUntil" < now())))
        ORDER BY "createdAt", "id"
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
    RETURNING "id", "kind", "tenantId", "payload", "result", "attempts"`;
  return rows[0] ?? null;
}

/** Extends the leases `workerId` holds on `ids`; answers the ids it still holds (a lost one is missing). */
export async function renewLeases(db: PrismaClient, workerId: string, ids: string[], leaseSeconds: number): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    UPDATE "Job" SET "lockedUntil" = now() + make_interval(secs => ${leaseSeconds}::int)
     WHERE "id" = ANY(${ids}::text[]) AND "lockedBy" = ${workerId} AND "status" = 'IN_PROGRESS'
    RETURNING "id"`;
  return new Set(rows.map((r) => r.id));
}
