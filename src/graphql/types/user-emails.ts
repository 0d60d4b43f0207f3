// Users' additional email addresses and the user emails policy. Self-service fields act on the
// acting user (a vendor names it with frontegg-user-id); the list holds the caller's tenant's
// users only; the vendor-only fields act on any user.
import type { UserEmailView } from '../../services/users/user-emails.service.ts';
import { readUsers } from '../auth-scopes.ts';
import { builder } from '../builder.ts';
import { scopeFor } from '../../services/authorization/tenant-scope.ts';
import { requireActingUserId } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const UserEmailAddress = builder.objectRef<UserEmailView>('UserEmailAddress').implement({
  description: "One of a user's email addresses. The primary one is the user's email (id null); the others are additional addresses.",
  fields: (t) => ({
    id: t.exposeID('id', { nullable: true }),
    userId: t.exposeID('userId'),
    email: t.exposeString('email'),
    verified: t.exposeBoolean('verified'),
    isPrimary: t.exposeBoolean('isPrimary'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const PrimaryEmailSet = builder.objectRef<{ userId: string; email: string }>('PrimaryEmailSet').implement({
  description: 'The address is now the primary email; the previous primary became an additional address.',
  fields: (t) => ({ userId: t.exposeID('userId'), email: t.exposeString('email') }),
});

const UserEmailDeleted = builder.objectRef<{ deleted: boolean }>('UserEmailDeleted').implement({
  fields: (t) => ({ deleted: t.exposeBoolean('deleted') }),
});

const UserEmailsPolicy = builder.objectRef<{ allowEmailChange: boolean }>('UserEmailsPolicy').implement({
  fields: (t) => ({ allowEmailChange: t.exposeBoolean('allowEmailChange', { description: 'Users may add addresses and change their primary one.' }) }),
});


builder.queryFields((t) => ({
  userEmails: t.field({
    type: [UserEmailAddress],
    description: "Additional addresses of the caller's tenant's users (the vendor: all, or frontegg-tenant-id's). offset is a page number.",
    authScopes: readUsers,
    args: {
      limit: t.arg.int({ required: false }),
      offset: t.arg.int({ required: false }),
      sortBy: t.arg.string({ required: false }),
      order: t.arg.string({ required: false }),
      email: t.arg.string({ required: false }),
      userIds: t.arg.idList({ required: false }),
    },
    resolve: (_root, args, ctx) => ctx.services.userEmails.list(scopeFor(ctx), args as never),
  }),
  myEmails: t.field({
    type: [UserEmailAddress],
    description: "The acting user's addresses: the primary first, then the additional ones.",
    authScopes: { actor: true },
    resolve: (_root, _args, ctx) => ctx.services.userEmails.mine(requireActingUserId(ctx)),
  }),
  userEmailsPolicy: t.field({
    type: UserEmailsPolicy,
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.userEmails.policy(),
  }),
}));

builder.mutationFields((t) => ({
  addMyEmail: t.field({
    type: UserEmailAddress,
    description: 'Adds an address for the acting user (unverified) and mails it a 6-digit code. An address in use by anyone is a conflict.',
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string() },
    resolve: (_root, { email }, ctx) => ctx.services.userEmails.add(requireActingUserId(ctx), email),
  }),
  verifyMyEmail: t.field({
    type: UserEmailAddress,
    description: 'Verifies an added address with the code mailed to it (once, 5 tries, 10 minutes).',
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string(), code: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.userEmails.verify(requireActingUserId(ctx), args),
  }),
  setMyPrimaryEmail: t.field({
    type: PrimaryEmailSet,
    description: "Makes one of the acting user's verified additional addresses its primary email (swapped in one transaction).",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { email: t.arg.string() },
    resolve: (_root, { email }, ctx) => ctx.services.userEmails.makePrimary(requireActingUserId(ctx), email),
  }),
  deleteMyEmail: t.field({
    type: UserEmailDeleted,
    description: "Deletes one of the acting user's additional addresses.",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => ({ deleted: await ctx.services.userEmails.remove(requireActingUserId(ctx), id, null) }),
  }),
  addUserEmail: t.field({
    type: UserEmailAddress,
    description: 'Vendor only: adds an address for a user, verified when isVerified.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), email: t.arg.string(), isVerified: t.arg.boolean({ required: false }) },
    resolve: (_root, { userId, ...input }, ctx) => ctx.services.userEmails.vendorAdd(userId, input),
  }),
  setUserPrimaryEmail: t.field({
    type: PrimaryEmailSet,
    description: "Vendor only: makes one of a user's verified additional addresses its primary email.",
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), email: t.arg.string() },
    resolve: (_root, { userId, email }, ctx) => ctx.services.userEmails.makePrimaryFor(userId, email, null),
  }),
  deleteUserEmail: t.field({
    type: UserEmailDeleted,
    description: "Vendor only: deletes one of a user's additional addresses.",
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { userId: t.arg.id(), emailId: t.arg.id() },
    resolve: async (_root, { userId, emailId }, ctx) => ({ deleted: await ctx.services.userEmails.remove(userId, emailId, null) }),
  }),
  setUserEmailsPolicy: t.field({
    type: UserEmailsPolicy,
    description: 'Vendor only: the user emails policy (allowEmailChange).',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { allowEmailChange: t.arg.boolean({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.userEmails.setPolicy(args),
  }),
}));
