// Sessions (a login and its refresh-token family) and the session policy. Self-service fields act
// on the acting user's own sessions only: another user's session id answers not found.
import type { SessionPolicy } from '../../services/policies/session-policy.service.ts';
import { builder } from '../builder.ts';
import { readPolicyScopes, writePolicyScopes } from '../policy-scope.ts';
import { actingUserId, confinedTenant, scopeFor } from '../../services/authorization/tenant-scope.ts';
import { MUTATION_ERRORS } from '../errors.ts';

export const Session = builder.prismaObject('Session', {
  interfaces: [builder.nodeInterfaceRef()],
  description: 'A login on one device: lives until revoked, expired, or ended by the session policy.',
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime', description: 'The last login or token refresh.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'The absolute end, whatever the activity.' }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    ipAddress: t.exposeString('ipAddress', { nullable: true }),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'The tenant the session works in now.' }),
    current: t.boolean({
      description: "True for the session of the caller's access token.",
      resolve: (s, _args, ctx) => ctx.principal.kind === 'user' && ctx.principal.sessionId === s.id,
    }),
  }),
});

const RevokeSessionsPayload = builder.objectRef<{ revokedCount: number }>('RevokeSessionsPayload').implement({
  fields: (t) => ({ revokedCount: t.exposeInt('revokedCount', { description: 'Sessions this call revoked (0 when already ended).' }) }),
});

type SessionConfigurationShape = SessionPolicy & { tenantId: string | null };

const SessionTimeoutConfiguration = builder
  .objectRef<SessionPolicy['sessionIdleTimeoutConfiguration']>('SessionTimeoutConfiguration')
  .implement({
    fields: (t) => ({
      isActive: t.exposeBoolean('isActive'),
      timeout: t.exposeInt('timeout', { description: 'Seconds.' }),
    }),
  });

const SessionConcurrentConfiguration = builder
  .objectRef<SessionPolicy['sessionConcurrentConfiguration']>('SessionConcurrentConfiguration')
  .implement({
    fields: (t) => ({
      isActive: t.exposeBoolean('isActive'),
      maxSessions: t.exposeInt('maxSessions'),
    }),
  });

const SessionConfiguration = builder.objectRef<SessionConfigurationShape>('SessionConfiguration').implement({
  description: "The session policy in force for a tenant (its own, else the vendor default). Frontegg's field names.",
  fields: (t) => ({
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'The tenant asked about; null for the vendor default.' }),
    sessionIdleTimeoutConfiguration: t.field({
      type: SessionTimeoutConfiguration,
      description: 'Ends a session not refreshed for `timeout` seconds.',
      resolve: (c) => c.sessionIdleTimeoutConfiguration,
    }),
    sessionTimeoutConfiguration: t.field({
      type: SessionTimeoutConfiguration,
      description: 'Ends a session `timeout` seconds after login, however active.',
      resolve: (c) => c.sessionTimeoutConfiguration,
    }),
    sessionConcurrentConfiguration: t.field({
      type: SessionConcurrentConfiguration,
      description: "Caps a user's live sessions per tenant; a new login revokes the oldest.",
      resolve: (c) => c.sessionConcurrentConfiguration,
    }),
  }),
});

const SessionTimeoutConfigurationInput = builder.inputType('SessionTimeoutConfigurationInput', {
  fields: (t) => ({ isActive: t.boolean(), timeout: t.int({ description: 'Seconds (1 to one year).' }) }),
});

const SessionConcurrentConfigurationInput = builder.inputType('SessionConcurrentConfigurationInput', {
  fields: (t) => ({ isActive: t.boolean(), maxSessions: t.int({ description: '1 to 1000.' }) }),
});

const SessionConfigurationInput = builder.inputType('SessionConfigurationInput', {
  description: 'Sections left out keep their current value.',
  fields: (t) => ({
    sessionIdleTimeoutConfiguration: t.field({ type: SessionTimeoutConfigurationInput, required: false }),
    sessionTimeoutConfiguration: t.field({ type: SessionTimeoutConfigurationInput, required: false }),
    sessionConcurrentConfiguration: t.field({ type: SessionConcurrentConfigurationInput, required: false }),
  }),
});

builder.queryFields((t) => ({
  mySessions: t.prismaField({
    type: ['Session'],
    description: "The acting user's live sessions, newest first.",
    authScopes: { actor: true },
    resolve: (query, _root, _args, ctx) => ctx.services.sessions.listActive(actingUserId(ctx)!, query),
  }),
  currentSession: t.prismaField({
    type: 'Session',
    nullable: true,
    description: "The session of the caller's access token; null once it has ended.",
    authScopes: { user: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.principal.kind === 'user' ? ctx.services.sessions.findActive(ctx.principal.userId, ctx.principal.sessionId, query) : null,
  }),
  sessionConfiguration: t.field({
    type: SessionConfiguration,
    description: "The session policy in force for a tenant; the vendor without a tenant reads the vendor default.",
    authScopes: readPolicyScopes,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { tenantId }, ctx) => ctx.services.sessionPolicy.get(scopeFor(ctx, tenantId)),
  }),
  vendorSessionConfiguration: t.field({
    type: SessionConfiguration,
    description: 'The vendor default session policy (in force for tenants without their own).',
    authScopes: readPolicyScopes,
    resolve: (_root, _args, ctx) => ctx.services.sessionPolicy.getVendorDefault(),
  }),
}));

builder.mutationFields((t) => ({
  revokeMySession: t.field({
    type: RevokeSessionsPayload,
    description: "Revokes one of the acting user's sessions (its refresh token stops working).",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id() },
    resolve: (_root, { id }, ctx) => ctx.services.sessions.revokeOwn(actingUserId(ctx)!, id),
  }),
  revokeAllMySessions: t.field({
    type: RevokeSessionsPayload,
    description: "Revokes the acting user's other sessions; the caller's own too with includeCurrent.",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { includeCurrent: t.arg.boolean({ required: false, defaultValue: false }) },
    resolve: (_root, { includeCurrent }, ctx) => {
      const keep = ctx.principal.kind === 'user' && !includeCurrent ? ctx.principal.sessionId : null;
      return ctx.services.sessions.revokeAllOwn(actingUserId(ctx)!, keep);
    },
  }),
  revokeUserSessions: t.field({
    type: RevokeSessionsPayload,
    description: "Revokes every session of a user: the vendor's any user, a tenant admin's members of their tenant.",
    authScopes: { $any: { vendor: true, permission: 'fe.secure.delete.sessions' } },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id() },
    resolve: (_root, { userId }, ctx) =>
      ctx.services.sessions.revokeAllOfUser(userId, confinedTenant(ctx)),
  }),
  updateSessionConfiguration: t.field({
    type: SessionConfiguration,
    description: "Creates or updates a tenant's session policy, or (vendor, no tenant) the vendor default.",
    authScopes: writePolicyScopes,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: SessionConfigurationInput }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { input, tenantId }, ctx) => ctx.services.sessionPolicy.set(scopeFor(ctx, tenantId), input),
  }),
}));
