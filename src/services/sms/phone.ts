// Phone numbers are stored and compared in E.164 only, so "+1 (555) 123-4567" and
// "+15551234567" are one number everywhere (lookups, uniqueness, codes' targets).
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';

/** E.164 of an international-format number, else phone_number_invalid. */
export function normalizePhone(raw: string): string {
  const trimmed = raw.trim();
  // No default country: a number without its country code is ambiguous, so it is refused.
  const parsed = trimmed.length <= 32 && trimmed.startsWith('+') ? parsePhoneNumberFromString(trimmed) : undefined;
  if (!parsed || !parsed.isValid()) fail('phone_number_invalid');
  return parsed.number;
}

/** Validates and normalizes inside a zod schema (the error still names the field). */
export const e164Schema = z
  .string()
  .max(32)
  .transform((v, ctx) => {
    const parsed = v.trim().startsWith('+') ? parsePhoneNumberFromString(v.trim()) : undefined;
    if (parsed?.isValid()) return parsed.number as string;
    ctx.addIssue({ code: 'custom', message: 'must be a valid phone number in international format (+15551234567)' });
    return z.NEVER;
  });

/** "+15551234567" → "+15*****4567": enough for the user to recognise their phone, not to dial it. */
export function maskPhone(e164: string): string {
  if (e164.length <= 7) return '*'.repeat(e164.length);
  return `${e164.slice(0, 3)}${'*'.repeat(e164.length - 7)}${e164.slice(-4)}`;
}
