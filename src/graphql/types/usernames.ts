// Usernames. Self-service fields act on the acting user (a vendor names it with frontegg-user-id);
// the list is confined to the caller's tenant; deleting by username is the owner's right, a tenant
// admin's (fe.secure.write.users) for its tenant's users, or the vendor's.
import { readUsers } from '../auth-scopes.ts';
import { builder } from '../builder.ts';
import { holds, scopeFor, tenantFor } from '../../services/authorization/tenant-scope.ts';
import { requireActingUserId } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const Username = builder.objectRef<{ userId: string; username: string }>('Username').implement({
  fields: (t) => ({ userId: t.exposeID('userId'), username: t.exposeString('username') }),
});

const UsernameDeleted = builder.objectRef<{ deleted: boolean }>('UsernameDeleted').implement({
  fields: (t) => ({ deleted: t.exposeBoolean('deleted') }),
});


builder.queryFields((t) => ({
  usernames: t.field({
    type: [Username],
    description: "Usernames of the caller's tenant's users (the vendor: all, or frontegg-tenant-id's). offset is a page number.",
    authScopes: readUsers,
    args: {
      limit: t.arg.int({ required: false }),
      offset: t.arg.int({ required: false }),
      sortBy: t.arg.string({ required: false }),
      order: t.arg.string({ required: false }),
      usernamePrefix: t.arg.string({ required: false }),
      userIds: t.arg.idList({ required: false }),
      usernames: t.arg.stringList({ required: false }),
    },
    resolve: (_root, args, ctx) => ctx.services.usernames.list(scopeFor(ctx), args as never),
  }),
  myUsername: t.field({
    type: Username,
    description: "The acting user's username (not found when it has none).",
    authScopes: { actor: true },
    resolve: (_root, _args, ctx) => ctx.services.usernames.mine(requireActingUserId(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  setMyUsername: t.field({
    type: Username,
    description: "Sets (replaces) the acting user's username: a-z, 0-9 and ^ $ . ! - # + ' ~ _, at most 128, stored lower-case. Taken: conflict.",
    authScopes: { actor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { username: t.arg.string() },
    resolve: (_root, { username }, ctx) => ctx.services.usernames.set(requireActingUserId(ctx), username),
  }),
  deleteUsername: t.field({
    type: UsernameDeleted,
    description: "Removes a username: the caller's own, any of its tenant's users' with fe.secure.write.users, any for the vendor. A user without an email keeps its username.",
    authScopes: { $any: { vendor: true, user: true, permission: 'fe.secure.write.users' } },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { username: t.arg.string() },
    resolve: async (_root, { username }, ctx) => {
      const only =
        ctx.principal.kind === 'vendor'
          ? null
          : holds(ctx, 'fe.secure.write.users')
            ? { tenantId: tenantFor(ctx) }
            : { userId: requireActingUserId(ctx) };
      return { deleted: await ctx.services.usernames.remove(username, only) };
    },
  }),
}));
