// One-time tokens and codes sent by email. Reset and activation links: 32 random bytes, stored
// only as their HMAC (a database dump holds no usable link), time-limited, single-use and
// attempt-limited per user. Short codes (passwordless, email change) share the storage and the
// attempt counting below.
import { fail } from '../../errors/domain-errors.ts';
import type { ErrorCode } from '../../errors/codes.ts';
import { randomToken, safeEqual } from '../../platform/crypto.ts';
import type { Prisma, Tx } from '../../platform/db.ts';
import type { MailMessage } from '../../platform/mail.ts';
import type { Deps } from '../deps.ts';

/** How long a password-reset link works. */
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;
/** How long an activation link works. */
export const ACTIVATION_TTL_MS = 24 * 60 * 60 * 1000;
/** Wrong tokens presented for a user before their outstanding token of that type stops working. */
export const ACCOUNT_TOKEN_MAX_ATTEMPTS = 5;

export type AccountTokenType = 'PASSWORD_RESET' | 'ACTIVATION';

const TTL: Record<AccountTokenType, number> = { PASSWORD_RESET: PASSWORD_RESET_TTL_MS, ACTIVATION: ACTIVATION_TTL_MS };
const INVALID: Record<AccountTokenType, ErrorCode> = { PASSWORD_RESET: 'password_reset_token_invalid', ACTIVATION: 'activation_token_invalid' };

type TokenDeps = Pick<Deps, 'db' | 'clock' | 'secrets'>;
type OneTimeTokenType = Prisma.OneTimeTokenCreateInput['type'];

/**
 * Stores a fresh emailed token or code (its hash) for the user, dropping their older unused ones
 * of the same type: only the latest email works. Shared by every emailed token and code.
 */
export async function replaceOutstandingToken(
  deps: Pick<Deps, 'db' | 'clock'>,
  t: { type: OneTimeTokenType; userId: string; target: string | null; tokenHash: string; maxAttempts: number; ttlMs: number },
) {
  await deps.db.$transaction([
    deps.db.oneTimeToken.deleteMany({ where: { userId: t.userId, type: t.type, usedAt: null } }),
    deps.db.oneTimeToken.create({
      data: {
        type: t.type,
        userId: t.userId,
        target: t.target,
        tokenHash: t.tokenHash,
        maxAttempts: t.maxAttempts,
        expiresAt: new Date(deps.clock.now().getTime() + t.ttlMs),
      },
    }),
  ]);
}

/**
 * Checks a short code against its stored hash. The attempt is counted before the comparison, with
 * a conditional increment, so concurrent guesses cannot pass the limit and a code dies after its
 * last try even when that try is right (a 6-digit code is guessable).
 */
export async function checkCode(
  deps: Pick<Deps, 'db' | 'clock'>,
  row: { id: string; tokenHash: string; maxAttempts: number },
  expectedHash: string,
  invalid: ErrorCode,
) {
  const counted = await deps.db.oneTimeToken.updateMany({
    where: { id: row.id, usedAt: null, expiresAt: { gt: deps.clock.now() }, attempts: { lt: row.maxAttempts } },
    data: { attempts: { increment: 1 } },
  });
  if (counted.count !== 1 || !safeEqual(row.tokenHash, expectedHash)) fail(invalid);
}

/** Issues a fresh reset or activation link token and returns it (the only time it exists in clear). */
export async function issueAccountToken(deps: TokenDeps, type: AccountTokenType, user: { id: string; email: string | null }): Promise<string> {
  const token = randomToken(32);
  await replaceOutstandingToken(deps, {
    type,
    userId: user.id,
    target: user.email,
    tokenHash: deps.secrets.hashToken(token),
    maxAttempts: ACCOUNT_TOKEN_MAX_ATTEMPTS,
    ttlMs: TTL[type],
  });
  return token;
}

/**
 * The usable token row for (type, userId, token), else fails with the type's invalid-token code.
 * Unknown, expired, used, exhausted and other users' tokens answer alike. A wrong token counts an
 * attempt against the user's outstanding token, so guessing burns the real one.
 */
export async function findUsableToken(deps: TokenDeps, type: AccountTokenType, userId: string, token: string) {
  const now = deps.clock.now();
  const row = await deps.db.oneTimeToken.findUnique({
    where: { tokenHash: deps.secrets.hashToken(token) },
    select: { id: true, type: true, userId: true, usedAt: true, expiresAt: true, attempts: true, maxAttempts: true },
  });
  const usable = row && row.type === type && row.userId === userId && !row.usedAt && row.expiresAt > now && row.attempts < row.maxAttempts;
  if (!usable) {
    await deps.db.oneTimeToken.updateMany({ where: { userId, type, usedAt: null }, data: { attempts: { increment: 1 } } });
    fail(INVALID[type]);
  }
  return row;
}

/** Marks the token used inside `tx` (compare-and-set: of two concurrent uses only one wins). */
export async function useTokenIn(tx: Tx, type: AccountTokenType, token: { id: string; userId: string | null }, now: Date) {
  const { count } = await tx.oneTimeToken.updateMany({ where: { id: token.id, usedAt: null }, data: { usedAt: now } });
  if (count !== 1) fail(INVALID[type]);
  // Other outstanding links of the same type die with this one.
  if (token.userId) await tx.oneTimeToken.deleteMany({ where: { userId: token.userId, type, usedAt: null } });
}

/** Fails before anything is looked up, so the refusal says nothing about the address. */
export function assertMailAvailable(deps: Pick<Deps, 'mailer'>) {
  if (!deps.mailer.available) fail('mail_not_configured');
}

/**
 * Sends without failing the caller: an SMTP failure is the operator's problem, logged, not the
 * caller's. Requests do not wait for it; a queued task (platform/task-queue.ts) awaits the returned
 * promise, so draining the queue means the mail has gone.
 */
export function deliver(deps: Pick<Deps, 'mailer' | 'logger'>, message: MailMessage): Promise<void> {
  return deps.mailer.send(message).catch((error: unknown) => {
    deps.logger.error({ err: error, subject: message.subject }, 'sending mail failed');
  });
}
