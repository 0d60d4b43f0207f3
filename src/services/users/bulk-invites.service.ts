// Bulk invites (Frontegg: POST /users/bulk/v1/invite, GET /users/bulk/v1/status/{id}) as a
// background job. The request only validates the envelope, writes a Job row and returns its id;
// a job worker then invites each user through the SAME invitations.invite path as a
// single invite (roles, pending membership, token, mail), so bulk and single invites cannot
// drift apart. A user that fails (bad input, unknown role, no mail delivery…) is recorded in the
// job's result and the worker moves on: one bad entry never stops the others.
//
// Durable: the request writes the Job row (the emails in clear for the status route, the full
// input, passwords included, sealed with the installation secret and dropped when the job ends)
// and the job worker (services/jobs/job-worker.ts) runs it on whichever instance claims it,
// resuming after a crash without inviting anyone twice (user-job.ts). A second request while one
// runs is queued, up to GATEHOUSE_JOB_MAX_QUEUED unfinished jobs per tenant (then 429).
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { idSchema, parseInput } from '../validation.ts';
import type { InvitationsService } from './invitations.service.ts';
import type { CreateUserInput } from './users.service.ts';
import type { JobWorker } from '../jobs/job-worker.ts';
import { runUserJob, type UserJobResult } from './user-job.ts';

export const BULK_INVITE_JOB_KIND = 'users.bulk-invite';
/** Users per bulk request: bounds the memory a job holds and the time it runs. */
export const MAX_BULK_INVITE_USERS = 500;

export type BulkInviteUser = Omit<CreateUserInput, 'tenantId'> & { skipInviteEmail?: boolean | null };

// The envelope only: each entry's fields are validated by the invite path itself, per user, so a
// bad entry becomes a failure line in the result instead of refusing the whole batch.
const BulkInput = z.object({
  tenantId: idSchema,
  users: z
    .array(z.object({ email: z.string().trim().min(1, 'email is required').max(320) }).passthrough())
    .min(1, 'users must not be empty')
    .max(MAX_BULK_INVITE_USERS, `at most ${MAX_BULK_INVITE_USERS} users per request`),
});

export type BulkInviteResult = UserJobResult<string>;

type BulkDeps = Pick<Deps, 'db' | 'clock' | 'logger'> & { invitations: Pick<InvitationsService, 'invite'>; jobs: JobWorker };

/** The sealed input of a bulk-invite job. */
interface BulkInvitePayload {
  tenantId: string;
  users: BulkInviteUser[];
}

export function createBulkInvitesService(deps: BulkDeps) {
  const { db, invitations, jobs } = deps;

  jobs.register(BULK_INVITE_JOB_KIND, (lease) => {
    const payload = lease.input as BulkInvitePayload | null;
    return runUserJob(deps, lease, payload?.users ?? null, {
      emailOf: (u) => u.email!,
      processOne: ({ skipInviteEmail, ...user }, record) => invitations.invite({ ...user, tenantId: payload!.tenantId }, { skipInviteEmail, inTransaction: record }),
      label: 'bulk invite',
      done: 'invited',
    });
  });

  return {
    /** Queues the job; answers at once with it (PENDING). */
    async start(raw: { tenantId: string; users: BulkInviteUser[] }) {
      const input = parseInput(BulkInput, raw);
      if (!(await db.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } }))) fail('tenant_not_found');
      const users = input.users as BulkInviteUser[];
      const empty: BulkInviteResult = { total: users.length, processed: 0, succeeded: [], failed: [] };
      return jobs.enqueue({
        kind: BULK_INVITE_JOB_KIND,
        tenantId: input.tenantId,
        input: { emails: users.map((u) => u.email!) },
        secretInput: { tenantId: input.tenantId, users } satisfies BulkInvitePayload,
        result: empty as unknown as Prisma.InputJsonObject,
      });
    },

    /** A bulk-invite job of `tenantId` (null: the vendor, any tenant); another tenant's is not found. */
    async status(rawId: string, tenantId: string | null) {
      const id = parseInput(idSchema, rawId);
      const job = await db.job.findFirst({ where: { id, kind: BULK_INVITE_JOB_KIND, ...(tenantId ? { tenantId } : {}) } });
      return job ?? fail('job_not_found');
    },

  };
}

export type BulkInvitesService = ReturnType<typeof createBulkInvitesService>;
