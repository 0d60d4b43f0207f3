// Six-digit codes sent by SMS (phone verification, SMS MFA, SMS login, SMS password reset).
// Each send answers an otcToken (32 random bytes) that names the pending code: the row is found
// by the otcToken's hash, the code is compared against its own hash in the row's payload. Both
// hashes are namespaced ("sms-otc:", "sms-code:") so neither can ever match an emailed token of
// the same OneTimeToken type (a reset otcToken is not a reset link). Codes live 10 minutes, allow
// 5 tries counted before the comparison, and are used once.
import { fail } from '../../errors/domain-errors.ts';
import type { ErrorCode } from '../../errors/codes.ts';
import { randomDigits, randomToken, safeEqual } from '../../platform/crypto.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { renderSms, type SmsTemplateType } from './sms-config.service.ts';

export const SMS_CODE_TTL_MS = 10 * 60 * 1000;
export const SMS_CODE_MAX_ATTEMPTS = 5;
const SMS_CODE_DIGITS = 6;

export type SmsCodeType = 'PHONE_VERIFICATION' | 'MFA_CODE' | 'LOGIN_CODE' | 'PASSWORD_RESET';
/** What the code is for; checked on use so a code issued for one step cannot complete another. */
export type SmsCodePayload = Record<string, string>;

type CodeDeps = Pick<Deps, 'db' | 'clock' | 'secrets'>;

const otcHash = (deps: Pick<Deps, 'secrets'>, otcToken: string) => deps.secrets.hashToken(`sms-otc:${otcToken}`);
const codeHash = (deps: Pick<Deps, 'secrets'>, otcToken: string, code: string) => deps.secrets.hashToken(`sms-code:${otcToken}:${code}`);

/** A token shaped like a real otcToken, for answers that must not reveal that nothing was sent. */
export const decoyOtcToken = () => randomToken(32);

/**
 * Stores a fresh code for the user and phone, dropping their older unused ones of the same type
 * (only the latest code works). Returns the otcToken and the code (the only time either exists in clear).
 */
export async function issueSmsCode(deps: CodeDeps, c: { type: SmsCodeType; userId: string; phone: string; payload: SmsCodePayload }) {
  const otcToken = randomToken(32);
  const code = randomDigits(SMS_CODE_DIGITS);
  const payload: Prisma.InputJsonObject = { ...c.payload, channel: 'sms', codeHash: codeHash(deps, otcToken, code) };
  await deps.db.$transaction([
    deps.db.oneTimeToken.deleteMany({ where: { userId: c.userId, type: c.type, usedAt: null } }),
    deps.db.oneTimeToken.create({
      data: {
        type: c.type,
        userId: c.userId,
        target: c.phone,
        tokenHash: otcHash(deps, otcToken),
        maxAttempts: SMS_CODE_MAX_ATTEMPTS,
        payload,
        expiresAt: new Date(deps.clock.now().getTime() + SMS_CODE_TTL_MS),
      },
    }),
  ]);
  return { otcToken, code };
}

/**
 * Uses a code once. Unknown, expired, used, exhausted, other users' and wrong codes answer alike
 * (`invalid`). The attempt is counted with a conditional increment before the comparison, so
 * parallel guesses cannot pass the limit and the 6th try fails even with the right code.
 */
export async function consumeSmsCode(
  deps: CodeDeps,
  c: { type: SmsCodeType; otcToken: string; code: string; userId?: string },
  invalid: ErrorCode,
): Promise<{ userId: string; phone: string; payload: SmsCodePayload }> {
  const { db, clock } = deps;
  if (c.otcToken.length > 512 || c.code.length > 32) fail(invalid);
  const row = await db.oneTimeToken.findUnique({
    where: { tokenHash: otcHash(deps, c.otcToken) },
    select: { id: true, type: true, userId: true, target: true, payload: true, maxAttempts: true },
  });
  const payload = (row?.payload ?? {}) as SmsCodePayload;
  if (!row || row.type !== c.type || !row.userId || !row.target || payload.channel !== 'sms' || (c.userId && row.userId !== c.userId)) fail(invalid);
  const now = clock.now();
  const counted = await db.oneTimeToken.updateMany({
    where: { id: row.id, usedAt: null, expiresAt: { gt: now }, attempts: { lt: row.maxAttempts } },
    data: { attempts: { increment: 1 } },
  });
  if (counted.count !== 1 || !payload.codeHash || !safeEqual(payload.codeHash, codeHash(deps, c.otcToken, c.code.trim()))) fail(invalid);
  // Compare-and-set: of two concurrent uses of the right code only one wins.
  const used = await db.oneTimeToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
  if (used.count !== 1) fail(invalid);
  return { userId: row.userId, phone: row.target, payload };
}

type SendDeps = Pick<Deps, 'db' | 'sms' | 'logger'>;

/** Fails before anything is looked up, so the refusal says nothing about the number or user. */
export function assertSmsAvailable(deps: Pick<Deps, 'sms'>) {
  if (!deps.sms.available) fail('sms_not_configured');
}

/** Renders the vendor's template (or the default) and sends it; a provider failure is sms_delivery_failed. */
export async function sendSmsCode(deps: SendDeps, to: string, template: SmsTemplateType, code: string) {
  const message = await renderSms(deps.db, template, { code, to });
  try {
    await deps.sms.send(message);
  } catch (error) {
    deps.logger.error({ err: error, to, template }, 'sending SMS failed');
    fail('sms_delivery_failed');
  }
}

/**
 * Sends without waiting, for answers that must not depend on whether the number is known (a
 * provider failure would otherwise tell); the failure is logged for the operator.
 */
export function sendSmsCodeInBackground(deps: SendDeps, to: string, template: SmsTemplateType, code: string) {
  sendSmsCode(deps, to, template, code).catch(() => {
    /* logged by sendSmsCode */
  });
}
