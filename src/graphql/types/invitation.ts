// Invitations: inviting a user to a tenant (accept by link or code, re-send), activation by code,
// the activation/invitation strategies, and tenant invite links (Frontegg's account invites).
// Tenant isolation: a user token acts only in its own tenant; the vendor names one (argument or
// frontegg-tenant-id).
import { fail } from '../../errors/domain-errors.ts';
import type { AccountStrategy, StrategyKind } from '../../services/users/account-strategies.ts';
import { actingTenantId, actingUserId, scopeFor, tenantFor } from '../../services/authorization/tenant-scope.ts';
import { readUsers, writeUsers } from '../auth-scopes.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { AuthResponse, withCookie } from './auth.ts';
import { CreateUserInput } from './user.ts';

/** The caller's own tenant and user (a vendor names both with frontegg-tenant-id / frontegg-user-id). */
function self(ctx: GraphQLContext) {
  const userId = actingUserId(ctx) ?? fail(ctx.principal.kind === 'vendor' ? 'user_header_required' : 'auth_unauthenticated');
  const tenantId = actingTenantId(ctx) ?? fail('tenant_header_required');
  return { userId, tenantId };
}

const InvitationAccepted = builder.objectRef<{ userId: string; tenantId: string }>('InvitationAccepted').implement({
  description: 'The membership is active (and the email verified). No session is started: the user logs in.',
  fields: (t) => ({ userId: t.exposeID('userId'), tenantId: t.exposeID('tenantId') }),
});

const InvitationsReset = builder.objectRef<{ userId: string | null; count: number }>('InvitationsReset').implement({
  description: 'Fresh invitations were mailed; the previous tokens and codes no longer work.',
  fields: (t) => ({
    userId: t.exposeID('userId', { nullable: true }),
    count: t.exposeInt('count', { description: 'How many invitations were re-sent.' }),
  }),
});

const AccountStrategySettings = builder.objectRef<AccountStrategy>('AccountStrategySettings').implement({
  description: 'Whether activation/invitation emails carry a one-time link or a 6-digit code.',
  fields: (t) => ({
    strategy: t.exposeString('strategy', { description: 'link or code' }),
    codeExpiration: t.exposeInt('codeExpiration', { description: 'Minutes a code stays valid.' }),
  }),
});

interface TenantInviteShape {
  id: string;
  tenantId: string;
  inviterUserId: string | null;
  email: string | null;
  roleIds: string[];
  shouldSendEmail: boolean;
  maxUses: number | null;
  uses: number;
  expiresAt: Date;
  createdAt: Date;
  token?: string;
}

const TenantInvite = builder.objectRef<TenantInviteShape>('TenantInvite').implement({
  description: 'A tenant invite link. Only its keyed hash is stored: the token is returned once, by the mutation that creates it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId'),
    userId: t.exposeID('inviterUserId', { nullable: true, description: 'The user whose link this is.' }),
    email: t.exposeString('email', { nullable: true, description: 'Only this address may use it, when set.' }),
    roleIds: t.exposeIDList('roleIds', { description: "Roles granted on joining; empty means the tenant's default roles." }),
    shouldSendEmail: t.exposeBoolean('shouldSendEmail'),
    maxUses: t.exposeInt('maxUses', { nullable: true }),
    uses: t.exposeInt('uses'),
    expires: t.expose('expiresAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    token: t.string({ nullable: true, description: 'Only in the answer that creates the invite.', resolve: (i) => i.token ?? null }),
  }),
});

const TenantInviteTarget = builder.objectRef<{ id: string; tenantId: string; name: string; expiresAt: Date }>('TenantInviteTarget').implement({
  description: 'What a usable invite token joins (no secrets).',
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId'),
    name: t.exposeString('name', { description: "The tenant's name." }),
    expires: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

const TenantInvitesConfiguration = builder
  .objectRef<{ tenantInvitationsAllowed: boolean; emailsEnabled: boolean }>('TenantInvitesConfiguration')
  .implement({
    fields: (t) => ({
      tenantInvitationsAllowed: t.exposeBoolean('tenantInvitationsAllowed'),
      emailsEnabled: t.exposeBoolean('emailsEnabled', { description: 'Invite links can be mailed (mail delivery is configured).' }),
    }),
  });

const TenantInviteDeleted = builder.objectRef<{ deleted: boolean }>('TenantInviteDeleted').implement({
  fields: (t) => ({ deleted: t.exposeBoolean('deleted') }),
});

const CreateTenantInviteInput = builder.inputType('CreateTenantInviteInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, description: 'Defaults to the tenant the call acts in.' }),
    userId: t.id({ required: false, description: "Makes it this member's own link (replacing their earlier one)." }),
    expiresInMinutes: t.int({ required: false, description: 'Default 7 days.' }),
    shouldSendEmail: t.boolean({ required: false, description: 'Mails the link to `email` when set.' }),
    roleIds: t.idList({ required: false }),
    maxUses: t.int({ required: false, description: 'Unlimited when absent.' }),
    email: t.string({ required: false, description: 'Only this address may use the invite.' }),
  }),
});

const strategyKind = (kind: 'activation' | 'invitation'): StrategyKind => (kind === 'activation' ? 'ACTIVATION_STRATEGY' : 'INVITATION_STRATEGY');

builder.queryFields((t) => ({
  activationStrategies: t.field({
    type: AccountStrategySettings,
    description: 'Public: how activation emails work (link or code).',
    resolve: (_root, _args, ctx) => ctx.services.accountStrategies.get(strategyKind('activation')),
  }),
  invitationStrategies: t.field({
    type: AccountStrategySettings,
    description: 'Public: how invitation emails work (link or code).',
    resolve: (_root, _args, ctx) => ctx.services.accountStrategies.get(strategyKind('invitation')),
  }),
  tenantInvites: t.field({
    type: [TenantInvite],
    description: "The tenant's invite links (tokens are never shown again). The vendor without a tenant sees all.",
    authScopes: readUsers,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { tenantId }, ctx) => ctx.services.tenantInvites.list(scopeFor(ctx, tenantId)),
  }),
  myTenantInvite: t.field({
    type: TenantInvite,
    description: "The caller's own invite link for its tenant (without its token).",
    authScopes: { actor: true },
    resolve: (_root, _args, ctx) => {
      const { userId, tenantId } = self(ctx);
      return ctx.services.tenantInvites.findForUser(tenantId, userId);
    },
  }),
  verifyTenantInvite: t.field({
    type: TenantInviteTarget,
    description: 'Public: the tenant a still-usable invite token joins. Unknown, expired and used-up tokens answer alike.',
    args: { token: t.arg.string() },
    resolve: (_root, { token }, ctx) => ctx.services.tenantInvites.verify(token, ctx.client),
  }),
  tenantInvitesConfiguration: t.field({
    type: TenantInvitesConfiguration,
    description: 'Public: whether tenant invite links may be made and mailed.',
    resolve: (_root, _args, ctx) => ctx.services.tenantInvites.configuration(),
  }),
}));

builder.mutationFields((t) => ({
  inviteUser: t.prismaField({
    type: 'User',
    description:
      'Invites a user to a tenant: creates the user (or adds the registered one) with a pending membership and mails an invitation (link or code) unless skipInviteEmail.',
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateUserInput }), skipInviteEmail: t.arg.boolean({ required: false }) },
    resolve: async (query, _root, { input, skipInviteEmail }, ctx) => {
      const tenantId = tenantFor(ctx, input.tenantId);
      const vendorOnly = [input.vendorMetadata, input.mfaBypass, input.externalId, input.verified];
      if (ctx.principal.kind !== 'vendor' && vendorOnly.some((v) => v !== null && v !== undefined)) fail('auth_vendor_only');
      const { userId } = await ctx.services.invitations.invite({ ...input, tenantId, provider: input.provider as never }, { skipInviteEmail });
      return (await ctx.services.users.findById(userId, query))!;
    },
  }),
  acceptInvitation: t.field({
    type: InvitationAccepted,
    description: 'Public: accepts an invitation link; sets the password when the user has none and one is given (policy-checked).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), token: t.arg.string(), password: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.invitations.accept(args, ctx.client),
  }),
  acceptInvitationWithCode: t.field({
    type: InvitationAccepted,
    description: 'Public: accepts an invitation with its emailed code (the user by id or email; the token picks the invitation when given).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: {
      code: t.arg.string(),
      userId: t.arg.id({ required: false }),
      email: t.arg.string({ required: false }),
      token: t.arg.string({ required: false }),
      password: t.arg.string({ required: false }),
    },
    resolve: (_root, args, ctx) => ctx.services.invitations.acceptWithCode(args, ctx.client),
  }),
  resetInvitation: t.field({
    type: InvitationsReset,
    description: "Re-sends a pending invitation of the tenant with a fresh token; the old one stops working.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string(), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { email, tenantId }, ctx) => ctx.services.invitations.reset({ email, tenantId: tenantFor(ctx, tenantId) }),
  }),
  resetAllInvitations: t.field({
    type: InvitationsReset,
    description: "Re-sends every pending invitation of the tenant (only `email`'s when given) with fresh tokens.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string({ required: false }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { email, tenantId }, ctx) => ctx.services.invitations.resetAll({ email, tenantId: tenantFor(ctx, tenantId) }),
  }),
  activateUserWithCode: t.field({
    type: AuthResponse,
    description: 'Public: activates with the emailed code (activation strategy code), sets the password if the user has none, and logs in.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), code: t.arg.string(), password: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => withCookie(ctx, await ctx.services.activation.activateWithCode(args, ctx.client)),
  }),
  setActivationStrategy: t.field({
    type: AccountStrategySettings,
    description: 'Vendor only: link or code for activation emails; fields left out are unchanged.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { strategy: t.arg.string({ required: false }), codeExpiration: t.arg.int({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.accountStrategies.set(strategyKind('activation'), args as never),
  }),
  setInvitationStrategy: t.field({
    type: AccountStrategySettings,
    description: 'Vendor only: link or code for invitation emails; fields left out are unchanged.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { strategy: t.arg.string({ required: false }), codeExpiration: t.arg.int({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.accountStrategies.set(strategyKind('invitation'), args as never),
  }),
  createTenantInvite: t.field({
    type: TenantInvite,
    description: 'Creates a tenant invite link; its token is in this answer only.',
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateTenantInviteInput }) },
    resolve: (_root, { input }, ctx) => ctx.services.tenantInvites.create({ ...input, tenantId: tenantFor(ctx, input.tenantId) }),
  }),
  createMyTenantInvite: t.field({
    type: TenantInvite,
    description: "Creates (replaces) the caller's own invite link for its tenant; its token is in this answer only.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: {
      expiresInMinutes: t.arg.int({ required: false }),
      shouldSendEmail: t.arg.boolean({ required: false }),
      roleIds: t.arg.idList({ required: false }),
    },
    resolve: (_root, args, ctx) => ctx.services.tenantInvites.create({ ...args, ...self(ctx) }),
  }),
  updateMyTenantInvite: t.field({
    type: TenantInvite,
    description: "Changes the expiry or mail flag of the caller's own invite link (the token stays the same and is not shown).",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { expiresInMinutes: t.arg.int({ required: false }), shouldSendEmail: t.arg.boolean({ required: false }) },
    resolve: (_root, args, ctx) => {
      const { userId, tenantId } = self(ctx);
      return ctx.services.tenantInvites.updateForUser(tenantId, userId, args);
    },
  }),
  deleteMyTenantInvite: t.field({
    type: TenantInviteDeleted,
    description: "Deletes the caller's own invite link: its token stops working.",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    resolve: (_root, _args, ctx) => {
      const { userId, tenantId } = self(ctx);
      return ctx.services.tenantInvites.deleteForUser(tenantId, userId);
    },
  }),
  deleteTenantInvite: t.field({
    type: TenantInviteDeleted,
    description: "Deletes an invite link of the tenant; another tenant's invite is not found.",
    authScopes: writeUsers,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { id, tenantId }, ctx) => ctx.services.tenantInvites.delete(id, scopeFor(ctx, tenantId)),
  }),
}));
