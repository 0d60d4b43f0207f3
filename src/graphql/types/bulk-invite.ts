// Bulk invites as background jobs: the mutation answers with the job (PENDING) at once; the
// status query shows progress and per-user results. A user token acts only in its own tenant and
// sees only its tenant's jobs (another tenant's job id is not found); the vendor names the tenant.
import { fail } from '../../errors/domain-errors.ts';
import { builder } from '../builder.ts';
import { scopeFor, tenantFor } from '../../services/authorization/tenant-scope.ts';
import { readUsers, writeUsers } from '../auth-scopes.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { userJobFields, type UserJobShape } from './user-job.ts';

type JobShape = UserJobShape & { tenantId: string | null };

const BulkInviteSuccess = builder.objectRef<{ email: string; userId: string }>('BulkInviteSuccess').implement({
  fields: (t) => ({ email: t.exposeString('email'), userId: t.exposeID('userId') }),
});

const BulkInviteFailure = builder.objectRef<{ email: string; errorCode: string; message: string }>('BulkInviteFailure').implement({
  fields: (t) => ({ email: t.exposeString('email'), errorCode: t.exposeString('errorCode'), message: t.exposeString('message') }),
});

const BulkInviteJob = builder.objectRef<JobShape>('BulkInviteJob').implement({
  description: 'A bulk invite running in the background. PENDING: queued; IN_PROGRESS: running, or handed back at a shutdown and waiting for an instance to resume it; COMPLETED: every user was tried (see failed); FAILED: no user could be invited, or the job was given up after repeated crashes.',
  fields: (t) => ({
    ...userJobFields(t, { success: BulkInviteSuccess, failure: BulkInviteFailure }),
    tenantId: t.exposeID('tenantId', { nullable: true }),
  }),
});

const BulkInviteUserInput = builder.inputType('BulkInviteUserInput', {
  fields: (t) => ({
    email: t.string(),
    username: t.string({ required: false }),
    name: t.string({ required: false }),
    password: t.string({ required: false }),
    phoneNumber: t.string({ required: false }),
    profilePictureUrl: t.string({ required: false }),
    provider: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
    roleIds: t.idList({ required: false }),
    expirationInSeconds: t.int({ required: false, description: 'Makes a temporary user.' }),
    skipInviteEmail: t.boolean({ required: false }),
    verified: t.boolean({ required: false, description: 'Vendor only.' }),
  }),
});


builder.queryFields((t) => ({
  bulkInviteStatus: t.field({
    type: BulkInviteJob,
    description: 'A bulk invite job of the tenant the call acts in: status and per-user results.',
    authScopes: readUsers,
    args: { id: t.arg.id() },
    resolve: (_root, { id }, ctx) => ctx.services.bulkInvites.status(id, scopeFor(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  bulkInviteUsers: t.field({
    type: BulkInviteJob,
    description: 'Invites users to a tenant in the background, each exactly like inviteUser. Answers with the PENDING job; poll bulkInviteStatus.',
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { users: t.arg({ type: [BulkInviteUserInput] }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { users, tenantId }, ctx) => {
      const tenant = tenantFor(ctx, tenantId);
      if (ctx.principal.kind !== 'vendor' && users.some((u) => u.verified !== null && u.verified !== undefined)) fail('auth_vendor_only');
      return ctx.services.bulkInvites.start({ tenantId: tenant, users: users.map((u) => ({ ...u, provider: u.provider as never })) });
    },
  }),
}));
