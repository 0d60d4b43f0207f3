import { fail } from '../../errors/domain-errors.ts';
import { builder } from '../builder.ts';
import { actingUserId, tenantFor } from '../../services/authorization/tenant-scope.ts';
import { readUsers, writeUsers } from '../auth-scopes.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { Permission, Role } from './role.ts';

export const TenantMembership = builder.prismaObject('UserTenant', {
  name: 'TenantMembership',
  description: "A user's membership in a tenant, with the roles it grants there.",
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId'),
    tenant: t.relation('tenant'),
    user: t.relation('user'),
    subTenantAccess: t.exposeBoolean('subTenantAccess', { description: "May act in the tenant's sub-tenants (if the vendor allows it)." }),
    disabled: t.exposeBoolean('disabled'),
    activatedForTenant: t.exposeBoolean('activatedForTenant'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'Set for temporary users.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    roles: t.field({
      type: [Role],
      select: (_args, _ctx, nested) => ({ roles: { select: { role: nested(true) } } }),
      resolve: (m) => m.roles.map((r) => r.role),
    }),
    permissions: t.field({
      type: [Permission],
      description: 'The union of the permissions of the roles.',
      select: (_args, _ctx, nested) => ({
        roles: { select: { role: { select: { permissions: { select: { permission: nested(true) } } } } } },
      }),
      resolve: (m) => {
        const seen = new Map<string, (typeof m.roles)[number]['role']['permissions'][number]['permission']>();
        for (const r of m.roles) for (const p of r.role.permissions) seen.set(p.permission.id, p.permission);
        return [...seen.values()];
      },
    }),
  }),
});

export const User = builder.prismaObject('User', {
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email', { nullable: true }),
    username: t.exposeString('username', { nullable: true }),
    name: t.exposeString('name', { nullable: true }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true }),
    profilePictureUrl: t.exposeString('profilePictureUrl', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSONObject' }),
    vendorMetadata: t.field({
      type: 'JSONObject',
      nullable: true,
      select: { vendorMetadata: true },
      description: 'Vendor-only data; null unless the caller is the vendor.',
      resolve: (u, _args, ctx) => (ctx.principal.kind === 'vendor' ? u.vendorMetadata : null),
    }),
    verified: t.exposeBoolean('verified'),
    locked: t.boolean({ select: { lockedAt: true }, resolve: (u) => u.lockedAt !== null }),
    invisible: t.exposeBoolean('invisible'),
    superUser: t.exposeBoolean('superUser'),
    mfaBypass: t.exposeBoolean('mfaBypass'),
    mfaEnrolled: t.boolean({
      select: { mfaDevices: { where: { verifiedAt: { not: null } }, select: { id: true }, take: 1 } },
      resolve: (u) => u.mfaDevices.length > 0,
    }),
    provider: t.exposeString('provider'),
    externalId: t.exposeString('externalId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastLoginAt: t.expose('lastLoginAt', { type: 'DateTime', nullable: true }),
    activeTenantId: t.exposeID('activeTenantId', { nullable: true, description: 'The tenant the user works in now.' }),
    activeTenant: t.relation('activeTenant', { nullable: true }),
    tenants: t.relation('memberships', {
      description: "The user's memberships, oldest first.",
      query: { orderBy: { createdAt: 'asc' } },
    }),
  }),
});

export const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, description: 'Defaults to the tenant the call acts in.' }),
    email: t.string({ required: false }),
    username: t.string({ required: false }),
    name: t.string({ required: false }),
    password: t.string({ required: false }),
    phoneNumber: t.string({ required: false }),
    profilePictureUrl: t.string({ required: false }),
    provider: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
    roleIds: t.idList({ required: false }),
    expirationInSeconds: t.int({ required: false, description: 'Makes a temporary user.' }),
    vendorMetadata: t.field({ type: 'JSONObject', required: false, description: 'Vendor only.' }),
    mfaBypass: t.boolean({ required: false, description: 'Vendor only.' }),
    externalId: t.string({ required: false, description: 'Vendor only.' }),
    verified: t.boolean({ required: false, description: 'Vendor only.' }),
  }),
});

builder.queryFields((t) => ({
  me: t.prismaField({
    type: 'User',
    description: 'The current user (user token, or vendor token with frontegg-user-id).',
    authScopes: { actor: true },
    resolve: async (query, _root, _args, ctx) =>
      (await ctx.services.users.findById(actingUserId(ctx)!, query)) ?? fail('user_not_found'),
  }),
  user: t.prismaField({
    type: 'User',
    description: 'A user of a tenant (the tenant the call acts in unless the vendor names one).',
    authScopes: readUsers,
    args: { id: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { id, tenantId }, ctx) =>
      (await ctx.services.users.findInTenant(id, tenantFor(ctx, tenantId), query)) ?? fail('user_not_found'),
  }),
  vendorUser: t.prismaField({
    type: 'User',
    description: 'Vendor only: a user by id, whatever their tenants.',
    authScopes: { vendor: true },
    args: { id: t.arg.id() },
    resolve: async (query, _root, { id }, ctx) => (await ctx.services.users.findById(id, query)) ?? fail('user_not_found'),
  }),
}));

builder.mutationFields((t) => ({
  createUser: t.prismaField({
    type: 'User',
    description:
      'Creates a user in a tenant, or adds the existing user with that email to it. With inviteRegistered and a non-vendor caller, a registered email is invited instead (pending membership, invitation mail unless skipInviteEmail), as Frontegg\'s POST /users/v1 does.',
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: {
      input: t.arg({ type: CreateUserInput }),
      inviteRegistered: t.arg.boolean({ required: false }),
      skipInviteEmail: t.arg.boolean({ required: false }),
    },
    resolve: async (query, _root, { input, inviteRegistered, skipInviteEmail }, ctx) => {
      const tenantId = tenantFor(ctx, input.tenantId);
      const vendorOnly = [input.vendorMetadata, input.mfaBypass, input.externalId, input.verified];
      if (ctx.principal.kind !== 'vendor' && vendorOnly.some((v) => v !== null && v !== undefined)) fail('auth_vendor_only');
      const create = { ...input, tenantId, provider: input.provider as never };
      // The vendor is trusted to place users directly (Frontegg's vendor add-to-tenant); a tenant
      // admin may not pull someone else's account into its tenant without their acceptance.
      const { userId } = inviteRegistered && ctx.principal.kind !== 'vendor'
        ? await ctx.services.invitations.createOrInvite(create, { skipInviteEmail })
        : await ctx.services.users.create(create);
      return (await ctx.services.users.findById(userId, query))!;
    },
  }),
  switchActiveTenant: t.prismaField({
    type: 'User',
    description: 'Makes `tenantId` the active tenant; refresh the token to act in it.',
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { tenantId: t.arg.id() },
    resolve: async (query, _root, { tenantId }, ctx) => {
      const userId = actingUserId(ctx)!;
      await ctx.services.users.switchActiveTenant(userId, tenantId);
      return (await ctx.services.users.findById(userId, query))!;
    },
  }),
  verifyUser: t.prismaField({
    type: 'User',
    description: "Marks a user's email verified, in the tenant the call acts in (the vendor may name one); another tenant's user is not found.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { userId, tenantId }, ctx) => {
      const { id } = await ctx.services.users.verify(userId, tenantFor(ctx, tenantId));
      return (await ctx.services.users.findById(id, query))!;
    },
  }),
  verifyUserPassword: t.boolean({
    description: "Vendor only: checks a user's password without starting a session.",
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS },
    args: { email: t.arg.string(), password: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.auth.verifyPassword(args),
  }),
}));
