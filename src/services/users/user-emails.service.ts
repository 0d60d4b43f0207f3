// A user's additional email addresses (UserEmail; the primary one stays User.email) and the
// user emails policy (Policy USER_EMAILS: allowEmailChange).
//
// - An address belongs to one user only, whether as a primary (User.email) or additional address:
//   both tables are checked before a write and the UserEmail unique index decides races within
//   the table (a taken address is user_email_exists, 409).
// - Self-service additions start unverified and get a 6-digit code at that address (as the email
//   change flow does): stored as an HMAC bound to user and address, single-use, 10 minutes, 5
//   tries. The vendor may add an address as verified.
// - Only a verified address can become primary (else anyone could take over login by an address
//   they do not control). Making it primary swaps it with User.email in one transaction: the old
//   primary becomes an additional address, keeping its verification state.
// - Scopes: null = the vendor (any user); a tenant id = only users of that tenant.
import { assertEmailDomainAllowedIn } from '../policies/restrictions.service.ts';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { randomDigits } from '../../platform/crypto.ts';
import { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { renderCodeTemplate } from '../mail/templates.ts';
import { upsertPolicyRow } from '../policies/policy-rows.ts';
import { emailSchema, idSchema, parseInput } from '../validation.ts';
import { assertMailAvailable, checkCode, deliver } from './account-tokens.ts';

/** How long a verification code for an added address works. */
export const USER_EMAIL_CODE_TTL_MS = 10 * 60 * 1000;
/** Tries a code allows (the right one included). */
export const USER_EMAIL_CODE_MAX_ATTEMPTS = 5;
/** Additional addresses a user may hold; bounds what one account can squat. */
export const MAX_USER_EMAILS = 20;

const VerifyInput = z.object({ email: emailSchema, code: z.string().trim().min(1, 'code is required').max(32) });
const ListInput = z.object({
  limit: z.number().int().min(1).max(200).nullish(),
  offset: z.number().int().min(0).nullish(),
  sortBy: z.enum(['userId', 'email', 'createdAt']).nullish(),
  order: z.enum(['ASC', 'DESC', 'asc', 'desc']).nullish(),
  email: z.string().trim().max(320).nullish(),
  userIds: z.array(idSchema).max(200).nullish(),
});
const PolicyInput = z.object({ allowEmailChange: z.boolean().nullish() });

export interface UserEmailView {
  /** Null for the primary address (it is User.email, not a UserEmail row). */
  id: string | null;
  userId: string;
  email: string;
  verified: boolean;
  isPrimary: boolean;
  createdAt: Date;
  updatedAt: Date;
}

type UserEmailDeps = Pick<Deps, 'db' | 'clock' | 'secrets' | 'mailer' | 'logger'> & ThrottleDeps;

const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const rowView = (r: { id: string; userId: string; email: string; verifiedAt: Date | null; createdAt: Date }): UserEmailView => ({
  id: r.id,
  userId: r.userId,
  email: r.email,
  verified: r.verifiedAt !== null,
  isPrimary: false,
  createdAt: r.createdAt,
  updatedAt: r.verifiedAt ?? r.createdAt,
});

export function createUserEmailsService(deps: UserEmailDeps) {
  const { db, clock, secrets } = deps;
  const codeHash = (userId: string, email: string, code: string) => secrets.hashToken(`user-email:${userId}:${email}:${code}`);

  const inScope = (scope: string | null): Prisma.UserWhereInput => (scope ? { memberships: { some: { tenantId: scope } } } : {});

  async function requireUser(rawUserId: string, scope: string | null) {
    const id = parseInput(idSchema, rawUserId);
    const u = await db.user.findFirst({ where: { id, ...inScope(scope) }, select: { id: true, name: true, email: true } });
    return u ?? fail('user_not_found');
  }

  async function allowEmailChange() {
    const row = await db.policy.findFirst({ where: { type: 'USER_EMAILS', tenantId: null }, select: { config: true } });
    return (row?.config as { allowEmailChange?: unknown } | undefined)?.allowEmailChange !== false;
  }

  /** Inserts the address for the user; taken anywhere (primary or additional) is a conflict. */
  async function insert(userId: string, email: string, verifiedAt: Date | null) {
    await assertEmailDomainAllowedIn(db, email);
    const taken = await db.user.findUnique({ where: { email }, select: { id: true } });
    if (taken) fail('user_email_exists');
    if ((await db.userEmail.count({ where: { userId } })) >= MAX_USER_EMAILS) fail('validation_failed', `A user may hold at most ${MAX_USER_EMAILS} additional emails`);
    try {
      return await db.userEmail.create({ data: { userId, email, verifiedAt } });
    } catch (e) {
      if (isUniqueViolation(e)) fail('user_email_exists');
      throw e;
    }
  }

  async function sendCode(user: { id: string; name: string | null }, email: string) {
    const code = randomDigits(6);
    await db.$transaction([
      // Only the latest code for this address works.
      db.oneTimeToken.deleteMany({ where: { userId: user.id, type: 'EMAIL_VERIFICATION', target: email, usedAt: null } }),
      db.oneTimeToken.create({
        data: {
          type: 'EMAIL_VERIFICATION',
          userId: user.id,
          target: email,
          tokenHash: codeHash(user.id, email, code),
          maxAttempts: USER_EMAIL_CODE_MAX_ATTEMPTS,
          payload: { purpose: 'user-email' },
          expiresAt: new Date(clock.now().getTime() + USER_EMAIL_CODE_TTL_MS),
        },
      }),
    ]);
    deliver(deps, renderCodeTemplate('EmailChange', { to: email, name: user.name, code, validForMinutes: USER_EMAIL_CODE_TTL_MS / 60_000 }));
  }

  async function makePrimary(userId: string, rawEmail: string) {
    const email = parseInput(emailSchema, rawEmail);
    const now = clock.now();
    try {
      await db.$transaction(async (tx) => {
        const row = await tx.userEmail.findFirst({ where: { userId, email } });
        if (!row) fail('user_email_not_found');
        if (!row.verifiedAt) fail('user_email_not_verified');
        const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, verified: true, verifiedAt: true } });
        // The old primary becomes the additional address (same row), keeping its verification;
        // a user without a primary (username-only) simply loses the row.
        if (user.email) {
          await tx.userEmail.update({ where: { id: row.id }, data: { email: user.email, verifiedAt: user.verified ? (user.verifiedAt ?? now) : null } });
        } else {
          await tx.userEmail.delete({ where: { id: row.id } });
        }
        await tx.user.update({ where: { id: userId }, data: { email, verified: true, verifiedAt: row.verifiedAt } });
      });
    } catch (e) {
      // A concurrent write took one of the addresses: the transaction rolled back.
      if (isUniqueViolation(e)) fail('user_email_exists');
      throw e;
    }
    return { userId, email };
  }

  return {
    /** The user's addresses: the primary (User.email) first, then the additional ones. */
    async mine(rawUserId: string): Promise<UserEmailView[]> {
      const user = await db.user.findUnique({
        where: { id: parseInput(idSchema, rawUserId) },
        select: { id: true, email: true, verified: true, createdAt: true, updatedAt: true, emails: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
      });
      if (!user) fail('user_not_found');
      const primary: UserEmailView[] = user.email
        ? [{ id: null, userId: user.id, email: user.email, verified: user.verified, isPrimary: true, createdAt: user.createdAt, updatedAt: user.updatedAt }]
        : [];
      return [...primary, ...user.emails.map(rowView)];
    },

    /** Additional addresses of the scope's users (null: every user). `offset` is a page number, as in Frontegg. */
    async list(scope: string | null, raw: z.input<typeof ListInput>): Promise<UserEmailView[]> {
      const input = parseInput(ListInput, raw);
      const take = input.limit ?? 50;
      const order = (input.order ?? 'ASC').toLowerCase() as 'asc' | 'desc';
      const rows = await db.userEmail.findMany({
        where: {
          ...(scope ? { user: inScope(scope) } : {}),
          ...(input.userIds ? { userId: { in: input.userIds } } : {}),
          ...(input.email ? { email: { contains: likeEscape(input.email.toLowerCase()) } } : {}),
        },
        orderBy: [{ [input.sortBy ?? 'createdAt']: order }, { id: 'asc' }],
        take,
        skip: (input.offset ?? 0) * take,
      });
      return rows.map(rowView);
    },

    /** Self-service: adds an unverified address and mails it a code. */
    async add(rawUserId: string, rawEmail: string) {
      const email = parseInput(emailSchema, rawEmail);
      assertMailAvailable(deps);
      if (!(await allowEmailChange())) fail('user_email_change_disabled');
      const user = await requireUser(rawUserId, null);
      await deps.throttle.request('user-email', { account: user.id });
      const row = await insert(user.id, email, null);
      await sendCode(user, email);
      return rowView(row);
    },

    /** Vendor: adds an address for the user, verified when the vendor says so. */
    async vendorAdd(rawUserId: string, raw: { email: string; isVerified?: boolean | null }) {
      const email = parseInput(emailSchema, raw.email);
      const user = await requireUser(rawUserId, null);
      return rowView(await insert(user.id, email, raw.isVerified ? clock.now() : null));
    },

    /** Verifies an added address with its code; the attempt is counted before the comparison. */
    async verify(rawUserId: string, raw: { email: string; code: string }) {
      const userId = parseInput(idSchema, rawUserId);
      const input = parseInput(VerifyInput, raw);
      const token = await deps.throttle.attempt(
        'code',
        { account: userId },
        async () => {
          const found = await db.oneTimeToken.findFirst({
            where: { userId, type: 'EMAIL_VERIFICATION', target: input.email, usedAt: null, payload: { path: ['purpose'], equals: 'user-email' } },
            select: { id: true, tokenHash: true, maxAttempts: true },
          });
          if (!found) fail('user_email_code_invalid');
          await checkCode(deps, found, codeHash(userId, input.email, input.code), 'user_email_code_invalid');
          return found;
        },
        { flow: 'user-email' },
      );
      const now = clock.now();
      const row = await db.$transaction(async (tx) => {
        const used = await tx.oneTimeToken.updateMany({ where: { id: token.id, usedAt: null }, data: { usedAt: now } });
        if (used.count !== 1) fail('user_email_code_invalid');
        const { count } = await tx.userEmail.updateMany({ where: { userId, email: input.email }, data: { verifiedAt: now } });
        // The address was deleted after the code was sent: nothing to verify.
        if (count !== 1) fail('user_email_not_found');
        return tx.userEmail.findFirstOrThrow({ where: { userId, email: input.email } });
      });
      return rowView(row);
    },

    /** Self-service: makes one of the caller's verified addresses primary (policy permitting). */
    async makePrimary(rawUserId: string, rawEmail: string) {
      const userId = parseInput(idSchema, rawUserId);
      if (!(await allowEmailChange())) fail('user_email_change_disabled');
      return makePrimary(userId, rawEmail);
    },

    /** Vendor (scope null) or tenant admin: makes a user's verified address primary. */
    async makePrimaryFor(rawUserId: string, rawEmail: string, scope: string | null) {
      const user = await requireUser(rawUserId, scope);
      return makePrimary(user.id, rawEmail);
    },

    /** Deletes one of the user's additional addresses (the primary cannot be deleted). */
    async remove(rawUserId: string, rawEmailId: string, scope: string | null) {
      const user = await requireUser(rawUserId, scope);
      const id = parseInput(idSchema, rawEmailId);
      await db.$transaction(async (tx) => {
        const row = await tx.userEmail.findFirst({ where: { id, userId: user.id }, select: { email: true } });
        if (!row) fail('user_email_not_found');
        await tx.userEmail.deleteMany({ where: { id, userId: user.id } });
        // A code still outstanding for the address dies with it (re-adding it later needs a new one).
        await tx.oneTimeToken.deleteMany({ where: { userId: user.id, type: 'EMAIL_VERIFICATION', target: row.email, usedAt: null } });
      });
      return true;
    },

    /** The vendor-wide user emails policy (email changes allowed unless switched off). */
    async policy() {
      return { allowEmailChange: await allowEmailChange() };
    },

    async setPolicy(raw: z.input<typeof PolicyInput>) {
      const input = parseInput(PolicyInput, raw);
      const allow = input.allowEmailChange ?? (await allowEmailChange());
      await upsertPolicyRow(db, 'USER_EMAILS', null, { allowEmailChange: allow });
      return { allowEmailChange: allow };
    },
  };
}

export type UserEmailsService = ReturnType<typeof createUserEmailsService>;
