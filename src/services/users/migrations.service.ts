// User migration (Frontegg: POST /migrations/v1/local, /v1/local/bulk, /v2/local/bulk and the bulk
// status route): vendor-only imports of users from another system, with their password hashes.
//
// - A migrated user is a NEW account: an address already held (as User.email or an additional
//   UserEmail) is user_already_exists (409), unlike createUser which adds an existing user to the
//   tenant; an import must never attach someone else's account.
// - The foreign hash is validated at import (malformed → 400) and stored self-describing in
//   PasswordCredential.hash; the first successful login verifies it and upgrades it to argon2id
//   (see imported-passwords.ts).
// - Bulk imports run as a durable background job exactly like bulk invites (Job row claimed by
//   any instance's job worker, per-user results, resumed after a crash without importing anyone
//   twice; see services/jobs/job-worker.ts and user-job.ts): each user goes through the same
//   migrateOne as the single route, and one failing user never stops the others. The hashes
//   travel in the job's sealed payload only (encrypted, dropped when the job ends).
// - Not imported (refused, never silently dropped): authenticator-app MFA secrets and MFA phone
//   enrolment.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma } from '../../platform/db.ts';
import { ImportedHashFormatError, encodeImportedHash, parseImportedHash } from '../../platform/imported-passwords.ts';
import type { Deps } from '../deps.ts';
import { emailSchema, idSchema, parseInput } from '../validation.ts';
import type { JobWorker } from '../jobs/job-worker.ts';
import { runUserJob, type RecordUser, type UserJobResult } from './user-job.ts';
import { createUserIn } from './users.service.ts';

export const MIGRATION_JOB_KIND = 'users.migration';
/** Users per bulk request: bounds the memory a job holds and the time it runs. */
export const MAX_MIGRATION_USERS = 500;
/** Additional addresses per migrated user (v2), as the user emails feature allows. */
const MAX_EXTRA_EMAILS = 20;

const MigrateUserInput = z
  .object({
    tenantId: idSchema,
    email: z.string().nullish(),
    username: z.string().nullish(),
    name: z.string().nullish(),
    profilePictureUrl: z.string().nullish(),
    phoneNumber: z.string().nullish(),
    // A plain string (not an enum) so GraphQL passes it through; checked in migrateOne.
    phoneNumberType: z.string().nullish(),
    provider: z.string().nullish(),
    metadata: z.unknown().optional(),
    vendorMetadata: z.unknown().optional(),
    roleIds: z.array(idSchema).max(100).nullish(),
    externalId: z.string().nullish(),
    verified: z.boolean().nullish(),
    passwordHash: z.string().max(1024).nullish(),
    passwordHashType: z.string().max(32).nullish(),
    passwordHashConfig: z.string().max(2048).nullish(),
    authenticatorAppMfaSecret: z.string().nullish(),
    /** v2: additional addresses; the primary one is `email`. */
    additionalEmails: z.array(z.object({ email: emailSchema, verified: z.boolean().nullish() })).max(MAX_EXTRA_EMAILS).nullish(),
  })
  .passthrough();
export type MigrateUserInput = z.input<typeof MigrateUserInput>;

const BulkInput = z.object({
  users: z
    .array(z.object({}).passthrough())
    .min(1, 'users must not be empty')
    .max(MAX_MIGRATION_USERS, `at most ${MAX_MIGRATION_USERS} users per request`),
});

export type MigrationResult = UserJobResult<string | null>;

type MigrationDeps = Pick<Deps, 'db' | 'hasher' | 'clock' | 'logger'> & { jobs: JobWorker };

export function createMigrationsService(deps: MigrationDeps) {
  const { db, clock, jobs } = deps;

  /** Validates and stores one user (its own transaction). */
  async function migrateOne(raw: MigrateUserInput, record?: RecordUser): Promise<{ userId: string }> {
    const input = parseInput(MigrateUserInput, raw);
    if (input.authenticatorAppMfaSecret) fail('feature_not_implemented', 'Importing authenticator app MFA secrets is not supported');
    if (input.phoneNumberType && !['auth', 'mfa'].includes(input.phoneNumberType)) fail('validation_failed', 'phoneNumberType: must be auth or mfa');
    if (input.phoneNumberType === 'mfa') fail('feature_not_implemented', 'Importing MFA phone numbers is not supported; use phoneNumberType auth');
    let storedHash: string | null = null;
    if (input.passwordHash || input.passwordHashType) {
      if (!input.passwordHash || !input.passwordHashType) fail('migration_password_hash_invalid', 'passwordHash and passwordHashType must be given together');
      try {
        storedHash = encodeImportedHash(parseImportedHash(input.passwordHashType, input.passwordHash, input.passwordHashConfig));
      } catch (e) {
        if (e instanceof ImportedHashFormatError) fail('migration_password_hash_invalid', e.message);
        throw e;
      }
    }
    const email = input.email ? parseInput(emailSchema, input.email) : null;
    const extra = (input.additionalEmails ?? []).filter((e) => e.email !== email);
    const addresses = [...(email ? [email] : []), ...extra.map((e) => e.email)];
    if (new Set(addresses).size !== addresses.length) fail('validation_failed', 'emails must be distinct');
    const now = clock.now();
    return db.$transaction(async (tx) => {
      if (addresses.length) {
        const taken =
          (await tx.user.findFirst({ where: { email: { in: addresses } }, select: { id: true } })) ??
          (await tx.userEmail.findFirst({ where: { email: { in: addresses } }, select: { id: true } }));
        if (taken) fail('user_already_exists');
      }
      // The same creation path as every other user (roles, membership, field rules); a race on
      // the address ends in the unique index (user_already_exists) there.
      const { userId, created } = await createUserIn(tx, deps, {
        tenantId: input.tenantId,
        email,
        username: input.username,
        name: input.name,
        profilePictureUrl: input.profilePictureUrl,
        phoneNumber: input.phoneNumber,
        provider: input.provider as never,
        metadata: input.metadata as never,
        vendorMetadata: input.vendorMetadata as never,
        roleIds: input.roleIds,
        externalId: input.externalId,
        verified: input.verified,
      });
      if (!created) fail('user_already_exists');
      if (storedHash) await tx.passwordCredential.create({ data: { userId, hash: storedHash, changedAt: now } });
      if (extra.length) {
        try {
          await tx.userEmail.createMany({ data: extra.map((e) => ({ userId, email: e.email, verifiedAt: e.verified ? now : null })) });
        } catch {
          fail('user_already_exists');
        }
      }
      await record?.(tx, userId);
      return { userId };
    });
  }

  const emailOf = (u: Record<string, unknown>) => (typeof u.email === 'string' ? u.email : null);

  jobs.register(MIGRATION_JOB_KIND, (lease) =>
    runUserJob(deps, lease, (lease.input as { users: MigrateUserInput[] } | null)?.users ?? null, {
      emailOf,
      processOne: migrateOne,
      label: 'user migration',
      done: 'migrated',
    }),
  );

  return {
    /** Migrates one user; answers its id. */
    migrate: (raw: MigrateUserInput) => migrateOne(raw),

    /** Queues the job; answers at once with it (PENDING). */
    async startBulk(raw: { users: MigrateUserInput[] }) {
      const input = parseInput(BulkInput, raw);
      const users = input.users as MigrateUserInput[];
      const empty: MigrationResult = { total: users.length, processed: 0, succeeded: [], failed: [] };
      return jobs.enqueue({
        kind: MIGRATION_JOB_KIND,
        tenantId: null,
        // Emails in clear for the status route; the hashes only in the sealed payload.
        input: { emails: users.map((u) => emailOf(u)) },
        secretInput: { users },
        result: empty as unknown as Prisma.InputJsonObject,
      });
    },

    async status(rawId: string) {
      const id = parseInput(idSchema, rawId);
      const job = await db.job.findFirst({ where: { id, kind: MIGRATION_JOB_KIND } });
      return job ?? fail('job_not_found');
    },

  };
}

export type MigrationsService = ReturnType<typeof createMigrationsService>;
