// Changing the current user's email (Frontegg: POST /users/v1/email/me, then /email/me/verify).
// The request emails a 6-digit code to the NEW address; entering it proves control of that mailbox,
// swaps the email and marks it verified. The request answers the same whether or not the address
// is taken (the code goes to that mailbox, so only its owner could learn more); a taken address
// fails at verification with user_already_exists and nothing written.
import { assertEmailDomainAllowedIn } from '../policies/restrictions.service.ts';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma } from '../../platform/db.ts';
import { randomDigits } from '../../platform/crypto.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { renderCodeTemplate } from '../mail/templates.ts';
import { emailSchema, idSchema, parseInput } from '../validation.ts';
import { assertMailAvailable, checkCode, deliver, replaceOutstandingToken } from './account-tokens.ts';

/** How long an email-change code works. */
export const EMAIL_CHANGE_TTL_MS = 10 * 60 * 1000;
/** Tries a code allows (the right one included); a 6-digit code is guessable, so few. */
export const EMAIL_CHANGE_MAX_ATTEMPTS = 5;

const RequestInput = z.object({ userId: idSchema, email: emailSchema });
const VerifyInput = RequestInput.extend({ code: z.string().trim().min(1, 'code is required').max(32) });

type EmailChangeDeps = Pick<Deps, 'db' | 'clock' | 'secrets' | 'mailer' | 'logger'> & ThrottleDeps;

export function createEmailChangeService(deps: EmailChangeDeps) {
  const { db, clock, secrets } = deps;
  // A bare 6-digit code would collide across users in the unique tokenHash index; binding user and
  // target address also makes a code useless for any other address.
  const codeHash = (userId: string, email: string, code: string) => secrets.hashToken(`email-change:${userId}:${email}:${code}`);

  return {
    /** Emails a code to the new address; a newer request replaces the older code. */
    async request(raw: { userId: string; email: string }) {
      const input = parseInput(RequestInput, raw);
      assertMailAvailable(deps);
      await deps.throttle.request('email-change', { account: input.userId });
      await assertEmailDomainAllowedIn(db, input.email);
      const user = await db.user.findUnique({ where: { id: input.userId }, select: { id: true, name: true } });
      if (!user) fail('user_not_found');
      const code = randomDigits(6);
      await replaceOutstandingToken(deps, {
        type: 'EMAIL_CHANGE',
        userId: user.id,
        target: input.email,
        tokenHash: codeHash(user.id, input.email, code),
        maxAttempts: EMAIL_CHANGE_MAX_ATTEMPTS,
        ttlMs: EMAIL_CHANGE_TTL_MS,
      });
      deliver(deps, renderCodeTemplate('EmailChange', { to: input.email, name: user.name, code, validForMinutes: EMAIL_CHANGE_TTL_MS / 60_000 }));
      return { accepted: true };
    },

    /**
     * Swaps the email when the code matches. The attempt is counted before the comparison, so a
     * code dies after its last try even when that try is right.
     */
    async verify(raw: { userId: string; email: string; code: string }) {
      const input = parseInput(VerifyInput, raw);
      const now = clock.now();
      const row = await deps.throttle.attempt(
        'code',
        { account: input.userId },
        async () => {
          const found = await db.oneTimeToken.findFirst({
            where: { userId: input.userId, type: 'EMAIL_CHANGE', usedAt: null, target: input.email },
            select: { id: true, tokenHash: true, maxAttempts: true },
          });
          if (!found) fail('email_change_code_invalid');
          await checkCode(deps, found, codeHash(input.userId, input.email, input.code), 'email_change_code_invalid');
          return found;
        },
        { flow: 'email-change' },
      );
      try {
        await db.$transaction(async (tx) => {
          const used = await tx.oneTimeToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
          if (used.count !== 1) fail('email_change_code_invalid');
          // The unique email index decides a race with a sign-up or another change; the transaction
          // (token use included) rolls back, so nothing is written.
          await tx.user.update({ where: { id: input.userId }, data: { email: input.email, verified: true, verifiedAt: now } });
        });
      } catch (e) {
        if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') fail('user_already_exists');
        throw e;
      }
      return { userId: input.userId, email: input.email };
    },
  };
}

export type EmailChangeService = ReturnType<typeof createEmailChangeService>;
