// Account activation: a user created without a password (or under forceEmailVerification) gets
// a one-time link by email; following it verifies the email, sets the password when the user has
// none, and starts a session. Sign-up sends the first link through sendActivationEmail.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { randomDigits } from '../../platform/crypto.ts';
import { activationLink, renderCodeTemplate, renderTemplate } from '../mail/templates.ts';
import { assertPasswordAllowedFor } from '../policies/password-policies.service.ts';
import { emailSchema, idSchema, parseInput, passwordSchema } from '../validation.ts';
import { ACTIVATION_TTL_MS, assertMailAvailable, checkCode, deliver, findUsableToken, issueAccountToken, replaceOutstandingToken, useTokenIn } from './account-tokens.ts';
import { CODE_DIGITS, CODE_MAX_ATTEMPTS, readStrategy } from './account-strategies.ts';
import { writePasswordIn } from './passwords.service.ts';

const TokenInput = z.object({ userId: idSchema, token: z.string().min(1, 'token is required').max(512) });
const ActivateInput = TokenInput.extend({ password: passwordSchema.nullish() });
const ResendInput = z.object({ email: emailSchema });
const CodeInput = z.object({ userId: idSchema, code: z.string().trim().min(1, 'code is required').max(32), password: passwordSchema.nullish() });

/**
 * A 6-digit code alone would collide across users in the unique tokenHash index; binding the user
 * id (and a purpose) into the HMAC avoids that, and a link token never hashes to a code's value.
 */
const activationCodeHash = (deps: Pick<Deps, 'secrets'>, userId: string, code: string) => deps.secrets.hashToken(`activation-code:${userId}:${code}`);

type ActivationMailDeps = Pick<Deps, 'db' | 'clock' | 'secrets' | 'mailer' | 'logger' | 'config'>;

async function activationLinkFor(deps: ActivationMailDeps, user: { id: string; email: string | null }) {
  const token = await issueAccountToken(deps, 'ACTIVATION', user);
  return { token, link: activationLink(deps.config.appUrl, user.id, token) };
}

/** Issues an activation token and emails its link (callers check assertMailAvailable first). */
export async function sendActivationEmail(deps: ActivationMailDeps, user: { id: string; email: string | null; name: string | null }) {
  if (!user.email) return;
  // The vendor's activation strategy decides: a one-time link (default) or a 6-digit code.
  const strategy = await readStrategy(deps.db, 'ACTIVATION_STRATEGY');
  if (strategy.strategy === 'code') {
    const code = randomDigits(CODE_DIGITS);
    await replaceOutstandingToken(deps, {
      type: 'ACTIVATION',
      userId: user.id,
      target: user.email,
      tokenHash: activationCodeHash(deps, user.id, code),
      maxAttempts: CODE_MAX_ATTEMPTS,
      ttlMs: strategy.codeExpiration * 60_000,
    });
    await deliver(deps, renderCodeTemplate('ActivateUser', { to: user.email, name: user.name, code, validForMinutes: strategy.codeExpiration }));
    return;
  }
  const { link } = await activationLinkFor(deps, user);
  await deliver(deps, renderTemplate('ActivateUser', { to: user.email, name: user.name, link, validForMinutes: ACTIVATION_TTL_MS / 60_000 }));
}

type ActivationDeps<TSession> = Pick<Deps, 'db' | 'hasher' | 'clock' | 'secrets' | 'mailer' | 'logger' | 'config' | 'tasks'> & ThrottleDeps & {
  /** Starts a session for an activated user (auth.service owns sessions; injected, so no import cycle). */
  startSession: (userId: string, client: ClientInfo) => Promise<TSession>;
};

export function createActivationService<TSession>(deps: ActivationDeps<TSession>) {
  const { db, hasher, clock } = deps;
  // Known, verified or unknown: the request answers after the same work; the lookup and the mail
  // are a queued task (platform/task-queue.ts).
  const resendActivation = deps.tasks.define<{ email: string }>('activation-mail-resend', async ({ email }) => {
    const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, verified: true } });
    if (user && !user.verified) await sendActivationEmail(deps, user);
  });

  /**
   * Verifies the user and logs them in. A password is required (and policy-checked) when the
   * user has none; a user who already has one keeps it, whatever is sent.
   */
  async function finishActivation(userId: string, token: { id: string; userId: string | null }, password: string | null, client: ClientInfo) {
    const user = await db.user.findUnique({
      where: { id: userId },
      select: { email: true, username: true, password: { select: { hash: true } }, memberships: { select: { tenantId: true } } },
    });
    if (!user) fail('activation_token_invalid');
    let newHash: string | null = null;
    if (!user.password) {
      if (!password) fail('activation_password_required');
      const tenantIds = user.memberships.map((m) => m.tenantId);
      await assertPasswordAllowedFor(db, tenantIds, password, { email: user.email, username: user.username });
      newHash = await hasher.hash(password);
    }
    const now = clock.now();
    await db.$transaction(async (tx) => {
      await useTokenIn(tx, 'ACTIVATION', token, now);
      if (newHash) await writePasswordIn(tx, userId, null, newHash, now);
      await tx.user.update({ where: { id: userId }, data: { verified: true, verifiedAt: now } });
    });
    return deps.startSession(userId, client);
  }

  return {
    /** Whether activating needs a password: the user has none yet. */
    async strategy(raw: { userId: string; token: string }) {
      const input = parseInput(TokenInput, raw);
      await findUsableToken(deps, 'ACTIVATION', input.userId, input.token);
      const credential = await db.passwordCredential.findUnique({ where: { userId: input.userId }, select: { userId: true } });
      return { shouldSetPassword: !credential };
    },

    /**
     * Verifies the user and logs them in. A password is required (and policy-checked) when the
     * user has none; a user who already has one keeps it, whatever is sent.
     */
    async activate(raw: { userId: string; token: string; password?: string | null }, client: ClientInfo) {
      const input = parseInput(ActivateInput, raw);
      const token = await deps.throttle.attempt('code', { ip: client.ipAddress, account: input.userId }, () => findUsableToken(deps, 'ACTIVATION', input.userId, input.token), {
        flow: 'activation',
      });
      return finishActivation(input.userId, token, input.password ?? null, client);
    },

    /**
     * Activation with the emailed code (activation strategy 'code'): the latest outstanding
     * activation code of the user. The attempt is counted before the comparison, so the code dies
     * after five tries even when the last is right.
     */
    async activateWithCode(raw: { userId: string; code: string; password?: string | null }, client: ClientInfo) {
      const input = parseInput(CodeInput, raw);
      const row = await deps.throttle.attempt(
        'code',
        { ip: client.ipAddress, account: input.userId },
        async () => {
          const found = await db.oneTimeToken.findFirst({
            where: { userId: input.userId, type: 'ACTIVATION', usedAt: null },
            orderBy: { createdAt: 'desc' },
            select: { id: true, userId: true, tokenHash: true, maxAttempts: true },
          });
          if (!found) fail('activation_token_invalid');
          await checkCode(deps, found, activationCodeHash(deps, input.userId, input.code), 'activation_token_invalid');
          return found;
        },
        { flow: 'activation' },
      );
      return finishActivation(input.userId, row, input.password ?? null, client);
    },

    /** Emails a fresh activation link to an unverified user; silent for unknown or verified addresses. */
    async resend(raw: { email: string }, client: ClientInfo = {}) {
      const input = parseInput(ResendInput, raw);
      assertMailAvailable(deps);
      await deps.throttle.request('activation', { ip: client.ipAddress, account: input.email });
      resendActivation({ email: input.email });
      return { accepted: true };
    },

    /** Vendor: an activation link for the user without sending it (the vendor delivers it). */
    async generateLink(rawUserId: string) {
      const userId = parseInput(idSchema, rawUserId);
      const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, verified: true } });
      if (!user) fail('user_not_found');
      return { userId, ...(await activationLinkFor(deps, user)) };
    },
  };
}

export type ActivationService<TSession> = ReturnType<typeof createActivationService<TSession>>;
