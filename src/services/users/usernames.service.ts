// Usernames (Frontegg: /usernames/v1). A user has at most one username (User.username, unique
// across the installation); it is a login identifier, so Frontegg's character set applies and it
// is stored lower-case. Setting one replaces the user's previous username. Scopes: null = the
// vendor (any user); a tenant id = only users of that tenant.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { idSchema, parseInput } from '../validation.ts';

/** Frontegg's username rule: a-z, 0-9 and ^ $ . ! - # + ' ~ _, at most 128, lower-cased. */
export const frontEggUsernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'username is required')
  .max(128, 'username is too long')
  .regex(/^[a-z0-9^$.!\-#+'~_]+$/, "username may hold only a-z, 0-9 and ^ $ . ! - # + ' ~ _");

const ListInput = z.object({
  limit: z.number().int().min(1).max(200).nullish(),
  offset: z.number().int().min(0).nullish(),
  sortBy: z.enum(['userId', 'username']).nullish(),
  order: z.enum(['ASC', 'DESC', 'asc', 'desc']).nullish(),
  usernamePrefix: z.string().trim().max(128).nullish(),
  userIds: z.array(idSchema).max(200).nullish(),
  usernames: z.array(z.string().trim().max(128)).max(200).nullish(),
});

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

export function createUsernamesService(deps: Pick<Deps, 'db'>) {
  const { db } = deps;
  const inScope = (scope: string | null): Prisma.UserWhereInput => (scope ? { memberships: { some: { tenantId: scope } } } : {});

  return {
    /** Sets (or replaces) the user's username; one taken by another user is a conflict. */
    async set(rawUserId: string, rawUsername: string) {
      const userId = parseInput(idSchema, rawUserId);
      const username = parseInput(frontEggUsernameSchema, rawUsername);
      try {
        // The unique index decides races; updateMany so an unknown user is a clean 404.
        const { count } = await db.user.updateMany({ where: { id: userId }, data: { username } });
        if (!count) fail('user_not_found');
      } catch (e) {
        if (isUniqueViolation(e)) fail('username_exists');
        throw e;
      }
      return { userId, username };
    },

    async mine(rawUserId: string) {
      const userId = parseInput(idSchema, rawUserId);
      const u = await db.user.findUnique({ where: { id: userId }, select: { id: true, username: true } });
      if (!u?.username) fail('username_not_found');
      return { userId: u.id, username: u.username };
    },

    /** Usernames of the scope's users (users without one are left out). `offset` is a page number. */
    async list(scope: string | null, raw: z.input<typeof ListInput>) {
      const input = parseInput(ListInput, raw);
      const take = input.limit ?? 50;
      const order = (input.order ?? 'ASC').toLowerCase() as 'asc' | 'desc';
      const rows = await db.user.findMany({
        where: {
          AND: [
            inScope(scope),
            { username: { not: null } },
            input.usernamePrefix ? { username: { startsWith: likeEscape(input.usernamePrefix.toLowerCase()) } } : {},
            input.userIds ? { id: { in: input.userIds } } : {},
            input.usernames ? { username: { in: input.usernames.map((u) => u.toLowerCase()) } } : {},
          ],
        },
        select: { id: true, username: true },
        orderBy: [input.sortBy === 'userId' ? { id: order } : { username: order }, { id: 'asc' }],
        take,
        skip: (input.offset ?? 0) * take,
      });
      return rows.map((r) => ({ userId: r.id, username: r.username! }));
    },

    /**
     * Removes a username. `only` limits whose: a user id (self-service: only the caller's own), a
     * tenant (a tenant admin: that tenant's users), or nothing (the vendor). Anything outside is
     * not found, so another tenant's usernames cannot be probed.
     */
    async remove(rawUsername: string, only: { userId: string } | { tenantId: string } | null) {
      const username = parseInput(z.string().trim().toLowerCase().min(1).max(128), rawUsername);
      const where: Prisma.UserWhereInput = {
        username,
        ...(only && 'userId' in only ? { id: only.userId } : {}),
        ...(only && 'tenantId' in only ? inScope(only.tenantId) : {}),
      };
      const user = await db.user.findFirst({ where, select: { id: true, email: true } });
      if (!user) fail('username_not_found');
      // A username-only user would be left without any login identifier.
      if (!user.email) fail('validation_failed', 'A user without an email must keep a username');
      const { count } = await db.user.updateMany({ where: { id: user.id, username, email: { not: null } }, data: { username: null } });
      if (!count) fail('username_not_found');
      return true;
    },
  };
}

export type UsernamesService = ReturnType<typeof createUsernamesService>;
