// User migration (vendor only): import users with their password hashes from another system,
// one at a time or as a background job (same pattern as bulk invites). Hashes are write-only:
// nothing here ever returns them.
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { userJobFields, type UserJobShape } from './user-job.ts';

const MigrationSuccess = builder.objectRef<{ email: string | null; userId: string }>('MigrationSuccess').implement({
  fields: (t) => ({ email: t.exposeString('email', { nullable: true }), userId: t.exposeID('userId') }),
});

const MigrationFailure = builder.objectRef<{ email: string | null; errorCode: string; message: string }>('MigrationFailure').implement({
  fields: (t) => ({
    email: t.exposeString('email', { nullable: true }),
    errorCode: t.exposeString('errorCode'),
    message: t.exposeString('message'),
  }),
});

const MigrationJob = builder.objectRef<UserJobShape>('MigrationJob').implement({
  description: 'A bulk user migration running in the background. PENDING: queued; IN_PROGRESS: running, or handed back at a shutdown and waiting for an instance to resume it; COMPLETED: every user was tried (see failed); FAILED: no user could be migrated, or the job was given up after repeated crashes.',
  fields: (t) => userJobFields(t, { success: MigrationSuccess, failure: MigrationFailure }),
});

const MigrateUserEmailInput = builder.inputType('MigrateUserEmailInput', {
  fields: (t) => ({ email: t.string(), verified: t.boolean({ required: false }) }),
});

const MigrateUserInput = builder.inputType('MigrateUserInput', {
  fields: (t) => ({
    tenantId: t.id(),
    email: t.string({ required: false, description: 'Required unless username is given.' }),
    username: t.string({ required: false }),
    name: t.string({ required: false }),
    profilePictureUrl: t.string({ required: false }),
    phoneNumber: t.string({ required: false }),
    phoneNumberType: t.string({ required: false, description: 'auth (default). mfa is not supported.' }),
    provider: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
    vendorMetadata: t.field({ type: 'JSONObject', required: false }),
    roleIds: t.idList({ required: false, description: "Defaults to the tenant's default roles." }),
    externalId: t.string({ required: false }),
    verified: t.boolean({ required: false }),
    passwordHash: t.string({ required: false, description: 'Verified at the first login, then replaced by an argon2id hash.' }),
    passwordHashType: t.string({ required: false, description: 'bcrypt, scrypt, pbkdf2, argon2, sha256 or sha1' }),
    passwordHashConfig: t.string({ required: false, description: 'Stringified JSON parameters (scrypt: saltSeparator, N, r, p, keyLen; sha: salt, saltPosition).' }),
    authenticatorAppMfaSecret: t.string({ required: false, description: 'Not supported: refused.' }),
    additionalEmails: t.field({ type: [MigrateUserEmailInput], required: false, description: 'Addresses besides email (Frontegg v2 bulk).' }),
  }),
});

builder.queryFields((t) => ({
  migrationStatus: t.field({
    type: MigrationJob,
    description: 'A bulk user migration job: status and per-user results.',
    authScopes: { vendor: true },
    args: { id: t.arg.id() },
    resolve: (_root, { id }, ctx) => ctx.services.migrations.status(id),
  }),
}));

builder.mutationFields((t) => ({
  migrateUser: t.prismaField({
    type: 'User',
    description: 'Imports one user (a new account) into a tenant, with an optional foreign password hash.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: MigrateUserInput }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { userId } = await ctx.services.migrations.migrate(input);
      return (await ctx.services.users.findById(userId, query))!;
    },
  }),
  migrateUsersBulk: t.field({
    type: MigrationJob,
    description: 'Imports users in the background, each exactly like migrateUser. Answers with the PENDING job; poll migrationStatus.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { users: t.arg({ type: [MigrateUserInput] }) },
    resolve: (_root, { users }, ctx) => ctx.services.migrations.startBulk({ users }),
  }),
}));
