// zod at the service edge: every input is parsed before a rule runs, and a failure becomes one
// ValidationError naming the fields.
import { z } from 'zod';
import { fail } from '../errors/domain-errors.ts';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const detail = r.error.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
  return fail('validation_failed', detail);
}

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }))
  .transform((e) => e.toLowerCase());

export const usernameSchema = z.string().trim().min(1).max(255);
export const nameSchema = z.string().trim().max(255);
export const idSchema = z.string().trim().min(1).max(255);
/** Passwords are bounded so argon2 is never fed megabytes; policies (issue: flows) add rules. */
export const passwordSchema = z.string().min(1, 'password is required').max(128, 'password is too long');
export const urlSchema = z.string().trim().max(2048);
export const phoneSchema = z.string().trim().regex(/^\+?[0-9 ()-]{4,20}$/, 'must be a phone number');

/** Frontegg sends metadata as a stringified JSON object; GraphQL callers send an object. */
const isTimeZone = (tz: string) => {
  try {
    // Intl throws RangeError for an unknown zone; aliases such as "UTC" are accepted.
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
export const timeZoneSchema = z.string().trim().max(64).refine(isTimeZone, 'must be an IANA time zone (e.g. Europe/Paris)');

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
export const currencySchema = z
  .string()
  .trim()
  .transform((c) => c.toUpperCase())
  .refine((c) => /^[A-Z]{3}$/.test(c) && CURRENCIES.has(c), 'must be an ISO 4217 currency code (e.g. USD)');

export const metadataSchema = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .transform((value, ctx) => {
    if (typeof value !== 'string') return value;
    if (value.trim() === '') return {};
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      /* reported below */
    }
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object (or its string form)' });
    return z.NEVER;
  });
