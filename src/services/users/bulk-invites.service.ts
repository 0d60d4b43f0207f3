// Bulk invites (Frontegg: POST /users/bulk/v1/invite, GET /users/bulk/v1/status/{id}) as a
// background job. The request only validates the envelope, writes a Job row and returns its id;
// an in-process worker then invites each user through the SAME invitations.invite path as a
// single invite (roles, pending membership, token, mail), so bulk and single invites cannot
// drift apart. A user that fails (bad input, unknown role, no mail delivery…) is recorded in the
// job's result and the worker moves on: one bad entry never stops the others.
//
// The job row holds no secrets: passwords given for users live only in the worker's memory, the
// stored input is the list of emails. Jobs are tracked in memory so the app's close() waits for
// them (a job must not write to a closed database); a job interrupted by shutdown ends FAILED,
// with the users it did not reach listed as such.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { idSchema, parseInput } from '../validation.ts';
import type { InvitationsService } from './invitations.service.ts';
import type { CreateUserInput } from './users.service.ts';
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

type BulkDeps = Pick<Deps, 'db' | 'clock' | 'logger'> & { invitations: Pick<InvitationsService, 'invite'> };

export function createBulkInvitesService(deps: BulkDeps) {
  const { db, invitations } = deps;
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  const json = (r: BulkInviteResult) => r as unknown as Prisma.InputJsonObject;

  const run = (jobId: string, tenantId: string, users: BulkInviteUser[]) =>
    runUserJob(deps, {
      jobId,
      users,
      emailOf: (u) => u.email!,
      processOne: ({ skipInviteEmail, ...user }) => invitations.invite({ ...user, tenantId }, { skipInviteEmail }),
      stopping: () => stopping,
      label: 'bulk invite',
      done: 'invited',
    });

  return {
    /** Records the job and starts the worker; answers at once with the job (PENDING). */
    async start(raw: { tenantId: string; users: BulkInviteUser[] }) {
      const input = parseInput(BulkInput, raw);
      if (stopping) fail('job_shutting_down');
      if (!(await db.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } }))) fail('tenant_not_found');
      const users = input.users as BulkInviteUser[];
      const job = await db.job.create({
        data: {
          kind: BULK_INVITE_JOB_KIND,
          tenantId: input.tenantId,
          input: { emails: users.map((u) => u.email!) },
          result: json({ total: users.length, processed: 0, succeeded: [], failed: [] }),
        },
      });
      const p: Promise<void> = run(job.id, input.tenantId, users).finally(() => inFlight.delete(p));
      inFlight.add(p);
      return job;
    },

    /** A bulk-invite job of `tenantId` (null: the vendor, any tenant); another tenant's is not found. */
    async status(rawId: string, tenantId: string | null) {
      const id = parseInput(idSchema, rawId);
      const job = await db.job.findFirst({ where: { id, kind: BULK_INVITE_JOB_KIND, ...(tenantId ? { tenantId } : {}) } });
      return job ?? fail('job_not_found');
    },

    /** Stops taking jobs and waits for the running ones (called by the app's close). */
    async drain() {
      stopping = true;
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}

export type BulkInvitesService = ReturnType<typeof createBulkInvitesService>;
