// Codes by SMS instead of a password: passwordless login (LOGIN_CODE) and password reset
// (PASSWORD_RESET). The requests answer alike for known and unknown users: an otcToken of the
// same shape (a decoy, stored nowhere, for unknown ones) and no SMS. Only verified numbers
// (UserPhoneNumber.verifiedAt) receive codes. A login code replaces the password only: the login
// that follows keeps the lock and MFA rules of password login.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { issueAccountToken } from '../users/account-tokens.ts';
import { emailSchema, parseInput } from '../validation.ts';
import { e164Schema } from './phone.ts';
import { assertSmsAvailable, consumeSmsCode, decoyOtcToken, issueSmsCode, sendSmsCodeInBackground } from './sms-codes.ts';

type SmsLoginDeps<TLogin> = Pick<Deps, 'db' | 'clock' | 'secrets' | 'sms' | 'logger'> & ThrottleDeps & {
  /** Logs in a user who proved their phone (auth.service owns sessions and MFA; injected, so no cycle). */
  login: (userId: string, client: ClientInfo) => Promise<TLogin>;
};

const LoginRequestInput = z
  .object({ phoneNumber: e164Schema.nullish(), email: emailSchema.nullish() })
  .refine((v) => v.phoneNumber || v.email, { message: 'phoneNumber or email is required', path: ['phoneNumber'] });
const CodeInput = z.object({ otcToken: z.string().min(1, 'otcToken is required').max(512), code: z.string().trim().min(1, 'code is required').max(32) });
const ResetRequestInput = z.object({
  identifier: z.string().trim().min(1, 'identifier is required').max(254),
  identifierType: z.enum(['email', 'username', 'phoneNumber']).nullish(),
});

export function createSmsLoginService<TLogin>(deps: SmsLoginDeps<TLogin>) {
  const { db } = deps;

  /**
   * The user and verified number a code goes to. A number verified by several users names none of
   * them (a shared phone must not log into whichever account comes first).
   */
  async function recipient(by: { phoneNumber?: string | null; email?: string | null; username?: string | null }) {
    if (by.phoneNumber) {
      const rows = await db.userPhoneNumber.findMany({ where: { phoneNumber: by.phoneNumber, verifiedAt: { not: null } }, select: { userId: true, phoneNumber: true }, take: 2 });
      return rows.length === 1 ? { userId: rows[0]!.userId, phone: rows[0]!.phoneNumber } : null;
    }
    const where = by.email ? { email: by.email } : by.username ? { username: by.username } : null;
    if (!where) return null;
    const user = await db.user.findUnique({ where: where as never, select: { id: true } });
    if (!user) return null;
    const phone = await db.userPhoneNumber.findFirst({ where: { userId: user.id, verifiedAt: { not: null } }, orderBy: { verifiedAt: 'desc' }, select: { phoneNumber: true } });
    return phone ? { userId: user.id, phone: phone.phoneNumber } : null;
  }

  return {
    /** Sends a 10-minute login code to the user's verified number; same answer for unknown users. */
    async requestLoginCode(raw: z.input<typeof LoginRequestInput>, client: ClientInfo = {}) {
      const input = parseInput(LoginRequestInput, raw);
      assertSmsAvailable(deps);
      await deps.throttle.request('sms-login', { ip: client.ipAddress, account: input.phoneNumber ?? input.email });
      const to = await recipient(input);
      if (!to) return { otcToken: decoyOtcToken() };
      const { otcToken, code } = await issueSmsCode(deps, { type: 'LOGIN_CODE', userId: to.userId, phone: to.phone, payload: {} });
      sendSmsCodeInBackground(deps, to.phone, 'PasswordlessLogin', code);
      return { otcToken };
    },

    /** Logs in with the code (once; 5 tries). The answer may be the MFA step instead of a session. */
    async loginWithCode(raw: z.input<typeof CodeInput>, client: ClientInfo): Promise<TLogin> {
      const input = parseInput(CodeInput, raw);
      // The otcToken names no account (and each code allows 5 tries): the client's failure budget applies.
      const used = await deps.throttle.attempt('code', { ip: client.ipAddress }, () => consumeSmsCode(deps, { type: 'LOGIN_CODE', ...input }, 'passwordless_code_invalid'));
      return deps.login(used.userId, client);
    },

    /** Sends a 10-minute reset code to the user's verified number; same answer for unknown users. */
    async requestPasswordReset(raw: z.input<typeof ResetRequestInput>, client: ClientInfo = {}) {
      const input = parseInput(ResetRequestInput, raw);
      assertSmsAvailable(deps);
      await deps.throttle.request('sms-reset', { ip: client.ipAddress, account: input.identifier });
      const type = input.identifierType ?? (input.identifier.startsWith('+') ? 'phoneNumber' : input.identifier.includes('@') ? 'email' : 'username');
      let by: { phoneNumber?: string; email?: string; username?: string };
      if (type === 'phoneNumber') by = { phoneNumber: parseInput(e164Schema, input.identifier) };
      else if (type === 'email') by = { email: parseInput(emailSchema, input.identifier) };
      else by = { username: input.identifier };
      const to = await recipient(by);
      if (!to) return { sessionId: decoyOtcToken() };
      const { otcToken, code } = await issueSmsCode(deps, { type: 'PASSWORD_RESET', userId: to.userId, phone: to.phone, payload: {} });
      sendSmsCodeInBackground(deps, to.phone, 'ResetPassword', code);
      return { sessionId: otcToken };
    },

    /**
     * Trades the code for a password-reset token (the one an emailed link carries), which sets the
     * new password through the ordinary reset (policies, history, sessions ended, lock lifted).
     */
    async verifyPasswordReset(raw: { sessionId: string; code: string }, client: ClientInfo = {}) {
      const input = parseInput(CodeInput, { otcToken: raw.sessionId, code: raw.code });
      const used = await deps.throttle.attempt('code', { ip: client.ipAddress }, () =>
        consumeSmsCode(deps, { type: 'PASSWORD_RESET', ...input }, 'password_reset_token_invalid'),
      );
      const user = (await db.user.findUnique({ where: { id: used.userId }, select: { id: true, email: true } })) ?? fail('password_reset_token_invalid');
      return { userId: user.id, token: await issueAccountToken(deps, 'PASSWORD_RESET', user) };
    },
  };
}
