// Passwordless login by email (Frontegg's magic link and OTC). Requests answer alike, after the
// same work, for known and unknown addresses: the lookup, the token and the mail are a queued task
// (no mail, no token for unknown ones). Proving control of the mailbox replaces
// the password only: the login that follows keeps the lock and MFA rules of password login.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { randomDigits, randomToken } from '../../platform/crypto.ts';
import type { ClientInfo } from './sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { magicLinkLink, renderLoginCodeTemplate, renderTemplate } from '../mail/templates.ts';
import { assertMailAvailable, checkCode, deliver, replaceOutstandingToken } from '../users/account-tokens.ts';
import { emailSchema, parseInput } from '../validation.ts';
import { assertPasswordlessMethodEnabled } from '../policies/passwordless-methods.ts';

/** How long a magic link works. */
export const MAGIC_LINK_TTL_MS = 15 * 60 * 1000;
/** How long a login code works. */
export const LOGIN_CODE_TTL_MS = 10 * 60 * 1000;
/** Tries a login code allows (the right one included); then it is dead. */
export const LOGIN_CODE_MAX_ATTEMPTS = 5;
const LOGIN_CODE_DIGITS = 6;

const RequestInput = z.object({ email: emailSchema });
const MagicLinkInput = z.object({ token: z.string().min(1, 'token is required').max(512) });
const CodeInput = z.object({ email: emailSchema, code: z.string().trim().min(1, 'code is required').max(32) });

type PasswordlessType = 'MAGIC_LINK' | 'LOGIN_CODE';

type PasswordlessDeps<TLogin> = Pick<Deps, 'db' | 'clock' | 'secrets' | 'mailer' | 'logger' | 'config' | 'tasks'> & ThrottleDeps & {
  /** Logs in a user who proved their mailbox (auth.service owns sessions and MFA; injected, so no cycle). */
  login: (userId: string, client: ClientInfo) => Promise<TLogin>;
};

export function createPasswordlessService<TLogin>(deps: PasswordlessDeps<TLogin>) {
  const { db, clock, secrets, config } = deps;

  // A 6-digit code alone would collide across users in the unique tokenHash index (and be
  // enumerable from a dump with the key); binding the user id into the hash avoids both.
  const codeHash = (userId: string, code: string) => secrets.hashToken(`${userId}:${code}`);

  const issue = (type: PasswordlessType, user: { id: string; email: string }, tokenHash: string, ttlMs: number, maxAttempts: number) =>
    replaceOutstandingToken(deps, { type, userId: user.id, target: user.email, tokenHash, maxAttempts, ttlMs });

  /** Marks the token used (compare-and-set: of two concurrent uses only one wins). */
  async function use(id: string, invalid: 'passwordless_token_invalid' | 'passwordless_code_invalid') {
    const { count } = await db.oneTimeToken.updateMany({ where: { id, usedAt: null, expiresAt: { gt: clock.now() } }, data: { usedAt: clock.now() } });
    if (count !== 1) fail(invalid);
  }

  async function findUser(email: string) {
    const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true } });
    return user?.email ? { ...user, email: user.email } : null;
  }

  // The lookup, the token and the mail run after the answer, known address or not, so a request's
  // work (and time) says nothing about the address (platform/task-queue.ts).
  const sendMagicLink = deps.tasks.define<{ email: string }>('magic-link-mail', async ({ email }) => {
    const user = await findUser(email);
    if (!user) return;
    const token = randomToken(32);
    await issue('MAGIC_LINK', user, secrets.hashToken(token), MAGIC_LINK_TTL_MS, 1);
    await deliver(deps, renderTemplate('MagicLink', { to: user.email, name: user.name, link: magicLinkLink(config.appUrl, token), validForMinutes: MAGIC_LINK_TTL_MS / 60_000 }));
  });
  const sendLoginCode = deps.tasks.define<{ email: string }>('login-code-mail', async ({ email }) => {
    const user = await findUser(email);
    if (!user) return;
    const code = randomDigits(LOGIN_CODE_DIGITS);
    await issue('LOGIN_CODE', user, codeHash(user.id, code), LOGIN_CODE_TTL_MS, LOGIN_CODE_MAX_ATTEMPTS);
    await deliver(deps, renderLoginCodeTemplate({ to: user.email, name: user.name, code, validForMinutes: LOGIN_CODE_TTL_MS / 60_000 }));
  });

  return {
    /** Emails a 15-minute single-use login link; silent for unknown addresses. */
    async requestMagicLink(raw: { email: string }, client: ClientInfo = {}) {
      const input = parseInput(RequestInput, raw);
      // Before any lookup: the refusal must not depend on the address.
      await assertPasswordlessMethodEnabled(db, 'magicLink');
      assertMailAvailable(deps);
      await deps.throttle.request('magic-link', { ip: client.ipAddress, account: input.email });
      sendMagicLink({ email: input.email });
      return { accepted: true };
    },

    /** Logs in through a magic link (once). The answer may be the MFA step instead of a session. */
    async loginWithMagicLink(raw: { token: string }, client: ClientInfo): Promise<TLogin> {
      const input = parseInput(MagicLinkInput, raw);
      // Turning the method off also stops links already sent.
      await assertPasswordlessMethodEnabled(db, 'magicLink');
      const row = await db.oneTimeToken.findUnique({
        where: { tokenHash: secrets.hashToken(input.token) },
        select: { id: true, type: true, userId: true, usedAt: true, expiresAt: true },
      });
      // Unknown, expired, used and other-type tokens answer alike. No attempt counting: the token
      // has 256 bits and carries no user, so a wrong one names no link to burn.
      // The link names no account: only the client's failure budget applies.
      const userId = await deps.throttle.attempt('code', { ip: client.ipAddress }, async () => {
        if (!row || row.type !== 'MAGIC_LINK' || !row.userId || row.usedAt || row.expiresAt <= clock.now()) fail('passwordless_token_invalid');
        await use(row.id, 'passwordless_token_invalid');
        return row.userId;
      });
      return deps.login(userId, client);
    },

    /** Emails a 10-minute 6-digit login code; silent for unknown addresses. */
    async requestLoginCode(raw: { email: string }, client: ClientInfo = {}) {
      const input = parseInput(RequestInput, raw);
      await assertPasswordlessMethodEnabled(db, 'code');
      assertMailAvailable(deps);
      await deps.throttle.request('login-code', { ip: client.ipAddress, account: input.email });
      sendLoginCode({ email: input.email });
      return { accepted: true };
    },

    /**
     * Logs in with the emailed code. The attempt is counted before the code is compared, so after
     * five tries the code is dead even when the sixth is right (a 6-digit code is guessable).
     */
    async loginWithCode(raw: { email: string; code: string }, client: ClientInfo): Promise<TLogin> {
      const input = parseInput(CodeInput, raw);
      await assertPasswordlessMethodEnabled(db, 'code');
      // Counted per address as typed, before the lookup: unknown addresses spend alike.
      const userId = await deps.throttle.attempt(
        'code',
        { ip: client.ipAddress, account: input.email },
        async () => {
          const user = await findUser(input.email);
          if (!user) fail('passwordless_code_invalid');
          const row = await db.oneTimeToken.findFirst({
            where: { userId: user.id, type: 'LOGIN_CODE', usedAt: null },
            orderBy: { createdAt: 'desc' },
            select: { id: true, tokenHash: true, maxAttempts: true },
          });
          if (!row) fail('passwordless_code_invalid');
          await checkCode(deps, row, codeHash(user.id, input.code), 'passwordless_code_invalid');
          await use(row.id, 'passwordless_code_invalid');
          return user.id;
        },
        { flow: 'login-code' },
      );
      return deps.login(userId, client);
    },
  };
}
