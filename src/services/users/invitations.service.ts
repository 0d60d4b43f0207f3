// Inviting a user to a tenant (Frontegg's "invite user"): the user is created (or, when the email
// is already registered, only given a membership) with activatedForTenant=false, and an
// invitation is mailed: a one-time link or, under the invitation strategy 'code', a 6-digit code.
// Accepting activates the membership (and the user's email; it sets a password when the user has
// none and one is given). A pending membership grants no access (auth.service skips it).
//
// Invitation tokens are OneTimeToken rows of type INVITATION scoped by (userId, tenantId): a
// user may be invited to several tenants at once, and re-inviting (reset) replaces only that
// tenant's token. The link token is stored as its HMAC; the code's HMAC (bound to user and
// tenant) sits in payload.codeHash of the same row, so link and code die together.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { randomDigits, randomToken } from '../../platform/crypto.ts';
import type { Tx } from '../../platform/db.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { invitationLink, renderCodeTemplate, renderTemplate } from '../mail/templates.ts';
import { assertPasswordAllowedFor } from '../policies/password-policies.service.ts';
import { emailSchema, idSchema, parseInput, passwordSchema } from '../validation.ts';
import { CODE_DIGITS, CODE_MAX_ATTEMPTS, readStrategy } from './account-strategies.ts';
import { assertMailAvailable, checkCode, deliver } from './account-tokens.ts';
import { writePasswordIn } from './passwords.service.ts';
import { createUserIn, type CreateUserInput } from './users.service.ts';

/** How long an invitation link works (Frontegg's invitations outlive activation links). */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Wrong tokens presented for a user before their outstanding invitations stop working. */
export const INVITATION_MAX_ATTEMPTS = 5;

const token = z.string().trim().min(1, 'token is required').max(512);
const AcceptInput = z.object({ userId: idSchema, token, password: passwordSchema.nullish() });
const AcceptCodeInput = z
  .object({
    userId: idSchema.nullish(),
    email: emailSchema.nullish(),
    token: token.nullish(),
    code: z.string().trim().min(1, 'code is required').max(32),
    password: passwordSchema.nullish(),
  })
  .refine((v) => v.userId || v.email, { message: 'userId or email is required', path: ['userId'] });
const ResetInput = z.object({ tenantId: idSchema, email: emailSchema });
const ResetAllInput = z.object({ tenantId: idSchema, email: emailSchema.nullish() });

type InvitationDeps = Pick<Deps, 'db' | 'hasher' | 'clock' | 'secrets' | 'mailer' | 'logger' | 'config'> & ThrottleDeps;

interface Pending {
  userId: string;
  tenantId: string;
  email: string | null;
  name: string | null;
}

export function createInvitationsService(deps: InvitationDeps) {
  const { db, clock, secrets, hasher, config } = deps;

  const codeHash = (userId: string, tenantId: string, code: string) => secrets.hashToken(`invitation-code:${userId}:${tenantId}:${code}`);

  /**
   * Replaces the user's outstanding invitation to `tenantId` with a fresh one inside `tx` and
   * returns what to mail (the only time the token or code exists in clear).
   */
  async function issueIn(tx: Tx, p: Pending) {
    const strategy = await readStrategy(tx as Deps['db'], 'INVITATION_STRATEGY');
    const linkToken = randomToken(32);
    const code = strategy.strategy === 'code' ? randomDigits(CODE_DIGITS) : null;
    const ttlMs = code ? strategy.codeExpiration * 60_000 : INVITATION_TTL_MS;
    await tx.oneTimeToken.deleteMany({ where: { userId: p.userId, tenantId: p.tenantId, type: 'INVITATION', usedAt: null } });
    await tx.oneTimeToken.create({
      data: {
        type: 'INVITATION',
        userId: p.userId,
        tenantId: p.tenantId,
        target: p.email,
        tokenHash: secrets.hashToken(linkToken),
        maxAttempts: code ? CODE_MAX_ATTEMPTS : INVITATION_MAX_ATTEMPTS,
        payload: code ? { codeHash: codeHash(p.userId, p.tenantId, code) } : {},
        expiresAt: new Date(clock.now().getTime() + ttlMs),
      },
    });
    return { p, linkToken, code, validForMinutes: ttlMs / 60_000 };
  }

  function mail(issued: Awaited<ReturnType<typeof issueIn>>) {
    const { p, linkToken, code, validForMinutes } = issued;
    if (!p.email) return;
    deliver(
      deps,
      code
        ? renderCodeTemplate('InviteToTenant', { to: p.email, name: p.name, code, validForMinutes })
        : renderTemplate('InviteToTenant', { to: p.email, name: p.name, link: invitationLink(config.appUrl, p.userId, linkToken), validForMinutes }),
    );
  }

  /** Pending (not yet accepted) membership of the user with `email` in the tenant, else 404. */
  async function pendingByEmail(tenantId: string, email: string): Promise<Pending> {
    const m = await db.userTenant.findFirst({
      where: { tenantId, activatedForTenant: false, user: { email } },
      select: { userId: true, user: { select: { email: true, name: true } } },
    });
    if (!m) fail('invitation_not_found');
    return { userId: m.userId, tenantId, email: m.user.email, name: m.user.name };
  }

  /**
   * Accepting: marks the token used (compare-and-set), activates the membership, verifies the
   * email (the user proved the mailbox) and sets the password when the user has none and sent one.
   */
  async function finishAccept(row: { id: string; userId: string; tenantId: string }, password: string | null | undefined) {
    const user = await db.user.findUnique({
      where: { id: row.userId },
      select: { email: true, username: true, verified: true, password: { select: { hash: true } } },
    });
    if (!user) fail('invitation_token_invalid');
    let newHash: string | null = null;
    if (!user.password && password) {
      await assertPasswordAllowedFor(db, [row.tenantId], password, { email: user.email, username: user.username });
      newHash = await hasher.hash(password);
    }
    const now = clock.now();
    await db.$transaction(async (tx) => {
      const used = await tx.oneTimeToken.updateMany({ where: { id: row.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
      if (used.count !== 1) fail('invitation_token_invalid');
      const activated = await tx.userTenant.updateMany({ where: { userId: row.userId, tenantId: row.tenantId }, data: { activatedForTenant: true } });
      // The membership was removed after the invitation was sent: nothing to accept.
      if (activated.count !== 1) fail('invitation_token_invalid');
      if (!user.verified) await tx.user.update({ where: { id: row.userId }, data: { verified: true, verifiedAt: now } });
      if (newHash) await writePasswordIn(tx, row.userId, null, newHash, now);
    });
    return { userId: row.userId, tenantId: row.tenantId };
  }

  /** Whether a token row is an unused, unexpired, not exhausted invitation of `userId`. */
  const usable = (
    r: { type: string; userId: string | null; tenantId: string | null; usedAt: Date | null; expiresAt: Date; attempts: number; maxAttempts: number } | null,
    userId: string,
  ): r is typeof r & { userId: string; tenantId: string } =>
    !!r && r.type === 'INVITATION' && r.userId === userId && !!r.tenantId && !r.usedAt && r.expiresAt > clock.now() && r.attempts < r.maxAttempts;

  const rowSelect = { id: true, type: true, userId: true, tenantId: true, usedAt: true, expiresAt: true, attempts: true, maxAttempts: true, payload: true } as const;

  return {
    /** Issues a pending membership's invitation inside the caller's transaction (multi-tenant writes); mail the result after the commit. */
    issueIn,
    mail,

    /**
     * Invites a user into `tenantId` (inside one transaction: user or membership, roles and
     * token). The mail goes out after the commit unless skipped; without mail delivery configured
     * an invitation that should be mailed is refused before anything is written.
     */
    async invite(raw: CreateUserInput & { tenantId: string }, o: { skipInviteEmail?: boolean | null; inTransaction?: (tx: Tx, userId: string) => Promise<void> } = {}) {
      const sendMail = !o.skipInviteEmail && !!raw.email;
      if (sendMail) assertMailAvailable(deps);
      const issued = await db.$transaction(async (tx) => {
        const { userId } = await createUserIn(tx, deps, { ...raw, verified: false });
        await tx.userTenant.update({ where: { userId_tenantId: { userId, tenantId: raw.tenantId } }, data: { activatedForTenant: false } });
        const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, name: true } });
        // A bulk job records the user it made in the same transaction (crash-safe resume).
        await o.inTransaction?.(tx, userId);
        return issueIn(tx, { userId, tenantId: raw.tenantId, email: user.email, name: user.name });
      });
      if (sendMail) mail(issued);
      return { userId: issued.p.userId };
    },

    /**
     * Frontegg's create user (POST /users/v1): a new email creates an active user as before; an
     * email that is already registered becomes an invitation to the tenant (pending membership,
     * invitation mail unless skipped), since that person has not agreed to join.
     */
    async createOrInvite(raw: CreateUserInput & { tenantId: string }, o: { skipInviteEmail?: boolean | null } = {}) {
      const email = raw.email ? parseInput(emailSchema, raw.email) : null;
      const existing = email ? await db.user.findUnique({ where: { email }, select: { id: true } }) : null;
      if (existing) return this.invite(raw, o);
      return db.$transaction((tx) => createUserIn(tx, deps, raw));
    },

    /** Public: accepts the invitation link (userId + token). Wrong tokens count as attempts. */
    async accept(raw: { userId: string; token: string; password?: string | null }, client: ClientInfo = {}) {
      const input = parseInput(AcceptInput, raw);
      const row = await deps.throttle.attempt(
        'code',
        { ip: client.ipAddress, account: input.userId },
        async () => {
          const found = await db.oneTimeToken.findUnique({ where: { tokenHash: secrets.hashToken(input.token) }, select: rowSelect });
          if (!usable(found, input.userId)) {
            await db.oneTimeToken.updateMany({ where: { userId: input.userId, type: 'INVITATION', usedAt: null }, data: { attempts: { increment: 1 } } });
            fail('invitation_token_invalid');
          }
          return found;
        },
        { flow: 'invitation' },
      );
      return finishAccept(row, input.password);
    },

    /**
     * Public: accepts with the emailed code (strategy 'code'). The invitation is the one of the
     * token when given, else the user's latest; the attempt is counted before the comparison.
     * Unknown users, missing invitations and wrong codes answer alike.
     */
    async acceptWithCode(raw: { userId?: string | null; email?: string | null; token?: string | null; code: string; password?: string | null }, client: ClientInfo = {}) {
      const input = parseInput(AcceptCodeInput, raw);
      // Counted per user or address as given, before the lookup: unknown ones spend alike.
      const row = await deps.throttle.attempt(
        'code',
        { ip: client.ipAddress, account: input.userId ?? input.email },
        async () => {
          const user = await db.user.findUnique({ where: input.userId ? { id: input.userId } : { email: input.email! }, select: { id: true } });
          if (!user) fail('invitation_code_invalid');
          const found = input.token
            ? await db.oneTimeToken.findUnique({ where: { tokenHash: secrets.hashToken(input.token) }, select: rowSelect })
            : await db.oneTimeToken.findFirst({ where: { userId: user.id, type: 'INVITATION', usedAt: null }, orderBy: { createdAt: 'desc' }, select: rowSelect });
          const stored = (found?.payload as { codeHash?: unknown } | undefined)?.codeHash;
          if (!usable(found, user.id) || typeof stored !== 'string') fail('invitation_code_invalid');
          await checkCode(deps, { id: found.id, tokenHash: stored, maxAttempts: found.maxAttempts }, codeHash(user.id, found.tenantId, input.code), 'invitation_code_invalid');
          return found;
        },
        { flow: 'invitation' },
      );
      return finishAccept(row, input.password);
    },

    /** Re-sends one pending invitation of the tenant with a fresh token; the old one dies. */
    async reset(raw: { tenantId: string; email: string }) {
      const input = parseInput(ResetInput, raw);
      assertMailAvailable(deps);
      const pending = await pendingByEmail(input.tenantId, input.email);
      const issued = await db.$transaction((tx) => issueIn(tx, pending));
      mail(issued);
      return { userId: pending.userId, count: 1 };
    },

    /** Re-sends every pending invitation of the tenant (or only the one of `email`). */
    async resetAll(raw: { tenantId: string; email?: string | null }) {
      const input = parseInput(ResetAllInput, raw);
      assertMailAvailable(deps);
      const memberships = await db.userTenant.findMany({
        where: { tenantId: input.tenantId, activatedForTenant: false, user: input.email ? { email: input.email } : { email: { not: null } } },
        select: { userId: true, user: { select: { email: true, name: true } } },
      });
      if (input.email && memberships.length === 0) fail('invitation_not_found');
      for (const m of memberships) {
        const issued = await db.$transaction((tx) => issueIn(tx, { userId: m.userId, tenantId: input.tenantId, email: m.user.email, name: m.user.name }));
        mail(issued);
      }
      return { userId: memberships[0]?.userId ?? null, count: memberships.length };
    },
  };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
