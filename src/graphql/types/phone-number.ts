// Users' phone numbers. Self-service fields act on the acting user's own numbers only (another
// user's number id answers not found); lists for tenant callers hold their tenant's users only.
import { readUsers } from '../auth-scopes.ts';
import { builder } from '../builder.ts';
import { scopeFor } from '../../services/authorization/tenant-scope.ts';
import { requireActingUserId } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { SmsDone } from './sms.ts';

export const PhoneNumber = builder.prismaObject('UserPhoneNumber', {
  name: 'PhoneNumber',
  description: "A user's phone number (E.164).",
  fields: (t) => ({
    id: t.exposeID('id'),
    userId: t.exposeID('userId'),
    phoneNumber: t.exposeString('phoneNumber'),
    verified: t.boolean({ resolve: (p) => p.verifiedAt !== null }),
    verifiedAt: t.expose('verifiedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const PhoneNumberAdded = builder
  .objectRef<{ id: string; phoneNumber: string; verified: boolean; otcToken: string | null }>('PhoneNumberAdded')
  .implement({
    description: 'The number was added; verify it with otcToken and the code sent to it (null when no code was asked for).',
    fields: (t) => ({
      id: t.exposeID('id'),
      phoneNumber: t.exposeString('phoneNumber'),
      verified: t.exposeBoolean('verified'),
      otcToken: t.exposeString('otcToken', { nullable: true }),
    }),
  });

const PhoneNumberDeletion = builder.objectRef<{ deleted: boolean; otcToken: string | null }>('PhoneNumberDeletion').implement({
  description: 'An unverified number is deleted at once; a verified one needs the code sent to it (otcToken).',
  fields: (t) => ({
    deleted: t.exposeBoolean('deleted'),
    otcToken: t.exposeString('otcToken', { nullable: true }),
  }),
});


builder.queryFields((t) => ({
  phoneNumbers: t.prismaField({
    type: ['UserPhoneNumber'],
    description: "Phone numbers of the caller's tenant's users (the vendor: all, or frontegg-tenant-id's). offset is a page number.",
    authScopes: readUsers,
    args: {
      limit: t.arg.int({ required: false }),
      offset: t.arg.int({ required: false }),
      sortBy: t.arg.string({ required: false }),
      order: t.arg.string({ required: false }),
      phoneNumber: t.arg.string({ required: false }),
      userIds: t.arg.idList({ required: false }),
    },
    resolve: (query, _root, args, ctx) => ctx.services.phoneNumbers.list(scopeFor(ctx), args as never, query),
  }),
  myPhoneNumbers: t.prismaField({
    type: ['UserPhoneNumber'],
    description: "The acting user's phone numbers.",
    authScopes: { actor: true },
    resolve: (query, _root, _args, ctx) => ctx.services.phoneNumbers.mine(requireActingUserId(ctx), query),
  }),
}));

builder.mutationFields((t) => ({
  addMyPhoneNumber: t.field({
    type: PhoneNumberAdded,
    description: 'Adds a number for the acting user (unverified) and sends it a code unless verify is false.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { phoneNumber: t.arg.string(), verify: t.arg.boolean({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.phoneNumbers.add(requireActingUserId(ctx), args),
  }),
  verifyMyPhoneNumber: t.prismaField({
    type: 'UserPhoneNumber',
    description: 'Verifies a number with the code sent to it (once, 5 tries, 10 minutes).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { otcToken: t.arg.string(), code: t.arg.string() },
    resolve: (_query, _root, args, ctx) => ctx.services.phoneNumbers.verify(requireActingUserId(ctx), args),
  }),
  deleteMyPhoneNumber: t.field({
    type: PhoneNumberDeletion,
    description: "Deletes one of the acting user's numbers; a verified one first gets a code.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { id: t.arg.id() },
    resolve: (_root, { id }, ctx) => ctx.services.phoneNumbers.requestDelete(requireActingUserId(ctx), id),
  }),
  verifyMyPhoneNumberDeletion: t.field({
    type: SmsDone,
    description: 'Deletes a verified number with the code sent to it.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { actor: true },
    args: { id: t.arg.id(), otcToken: t.arg.string(), code: t.arg.string() },
    resolve: async (_root, { id, ...code }, ctx) => ({ done: await ctx.services.phoneNumbers.verifyDelete(requireActingUserId(ctx), id, code) }),
  }),
  addUserPhoneNumber: t.prismaField({
    type: 'UserPhoneNumber',
    description: 'Vendor only: adds a number for a user, verified.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { userId: t.arg.id(), phoneNumber: t.arg.string() },
    resolve: (_query, _root, { userId, phoneNumber }, ctx) => ctx.services.phoneNumbers.vendorAdd(userId, { phoneNumber }),
  }),
  deleteUserPhoneNumber: t.field({
    type: SmsDone,
    description: "Vendor only: deletes a user's number without a code.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { userId: t.arg.id(), phoneId: t.arg.id() },
    resolve: async (_root, { userId, phoneId }, ctx) => ({ done: await ctx.services.phoneNumbers.vendorDelete(userId, phoneId) }),
  }),
}));
