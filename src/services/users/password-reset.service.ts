// Forgot password: a one-time link by email, then a new password through it. The request answers
// the same whether or not the address is known (no account enumeration). A successful reset
// applies the password policies and history, ends all the user's sessions and lifts a lockout:
// following the emailed link proves control of the mailbox, which is what unlocking needs
// (Frontegg unlocks on reset too).
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import { publishRevoked } from '../auth/session-check.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { renderTemplate, resetPasswordLink } from '../mail/templates.ts';
import { assertPasswordAllowedFor } from '../policies/password-policies.service.ts';
import { idSchema, parseInput, passwordSchema } from '../validation.ts';
import { PASSWORD_RESET_TTL_MS, assertMailAvailable, deliver, findUsableToken, issueAccountToken, useTokenIn } from './account-tokens.ts';
import { assertPasswordNotReused, writePasswordIn } from './passwords.service.ts';

const tokenSchema = z.string().min(1, 'token is required').max(512);

const RequestResetInput = z.object({
  identifier: z.string().trim().min(1, 'identifier is required').max(254),
  identifierType: z.enum(['email', 'username', 'phoneNumber']).nullish(),
});
const TokenInput = z.object({ userId: idSchema, token: tokenSchema });
const ResetInput = TokenInput.extend({ password: passwordSchema });

type PasswordResetDeps = Pick<Deps, 'db' | 'hasher' | 'clock' | 'secrets' | 'mailer' | 'logger' | 'config' | 'tasks' | 'changes'> & ThrottleDeps;

export function createPasswordResetService(deps: PasswordResetDeps) {
  const { db, hasher, clock, config } = deps;

  async function linkFor(user: { id: string; email: string | null }) {
    const token = await issueAccountToken(deps, 'PASSWORD_RESET', user);
    return { token, link: resetPasswordLink(config.appUrl, user.id, token) };
  }

  // The lookup, the token and the mail run after the answer, known address or not, so the
  // request's work (and time) is the same for both (platform/task-queue.ts).
  const sendResetLink = deps.tasks.define<{ email: string } | { username: string }>('password-reset-mail', async (where) => {
    const user = await db.user.findUnique({ where, select: { id: true, email: true, name: true } });
    if (!user?.email) return;
    const { link } = await linkFor(user);
    await deliver(deps, renderTemplate('ResetPassword', { to: user.email, name: user.name, link, validForMinutes: PASSWORD_RESET_TTL_MS / 60_000 }));
  });

  /** The link's token, under the per-IP and per-user limits of guessed links. */
  const checkToken = (input: { userId: string; token: string }, client: ClientInfo) =>
    deps.throttle.attempt('code', { ip: client.ipAddress, account: input.userId }, () => findUsableToken(deps, 'PASSWORD_RESET', input.userId, input.token), {
      flow: 'password-reset',
    });

  return {
    /** Emails a reset link to the user named by email or username; silent when there is none. */
    async request(raw: { identifier: string; identifierType?: string | null }, client: ClientInfo = {}) {
      const input = parseInput(RequestResetInput, raw);
      if (input.identifierType === 'phoneNumber') fail('feature_not_implemented', 'Password reset by SMS is not implemented');
      assertMailAvailable(deps);
      await deps.throttle.request('password-reset', { ip: client.ipAddress, account: input.identifier });
      sendResetLink(input.identifierType === 'username' ? { username: input.identifier } : { email: input.identifier.toLowerCase() });
      return { accepted: true };
    },

    /** Vendor: a reset link for the user without sending it (the vendor delivers it). */
    async generateLink(rawUserId: string) {
      const userId = parseInput(idSchema, rawUserId);
      const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
      if (!user) fail('user_not_found');
      return { userId, ...(await linkFor(user)) };
    },

    /** Tells whether a reset link still works (counts as an attempt when it does not). */
    async validate(raw: { userId: string; token: string }, client: ClientInfo = {}) {
      const input = parseInput(TokenInput, raw);
      await checkToken(input, client);
      return { valid: true };
    },

    /** Sets the new password through a reset link. The link is used up only when the password is accepted. */
    async reset(raw: { userId: string; token: string; password: string }, client: ClientInfo = {}) {
      const input = parseInput(ResetInput, raw);
      const token = await checkToken(input, client);
      const user = await db.user.findUnique({
        where: { id: input.userId },
        select: { email: true, username: true, password: { select: { hash: true } }, memberships: { select: { tenantId: true } } },
      });
      if (!user) fail('password_reset_token_invalid');
      const tenantIds = user.memberships.map((m) => m.tenantId);
      const currentHash = user.password?.hash ?? null;
      await assertPasswordAllowedFor(db, tenantIds, input.password, { email: user.email, username: user.username });
      await assertPasswordNotReused({ db, hasher }, input.userId, tenantIds, currentHash, input.password);
      const newHash = await hasher.hash(input.password);
      const now = clock.now();
      const revokedSessions = await db.$transaction(async (tx) => {
        await useTokenIn(tx, 'PASSWORD_RESET', token, now);
        // A password changed since the read fails the compare-and-set; the transaction, token use
        // included, rolls back and the link can be tried again.
        if (!(await writePasswordIn(tx, input.userId, currentHash, newHash, now))) fail('password_reset_token_invalid');
        await tx.user.update({ where: { id: input.userId }, data: { lockedAt: null, failedLoginAttempts: 0 } });
        // Whoever knew the old password (or stole a session) is signed out everywhere.
        const revoked = await tx.session.updateMany({ where: { userId: input.userId, revokedAt: null }, data: { revokedAt: now, revokedReason: 'password_reset' } });
        return revoked.count;
      });
      publishRevoked(deps.changes, { userId: input.userId });
      return { userId: input.userId, revokedSessions };
    },
  };
}

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;
