// The password policy (Frontegg "password configuration") as data, and the one check every
// place that sets a password runs: sign-up, createUser, password change (and later reset,
// activation, invitations). The rules follow the OWASP password-strength model Frontegg uses:
// required tests for every password, and a number of optional complexity tests that passphrases
// (long passwords) are exempt from. On top, a blocklist of common and breached passwords
// (NIST SP 800-63B §5.1.1.2) and the user's own identifiers.
import fs from 'node:fs';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';

export interface PasswordOptionalTests {
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSpecialChars: boolean;
}

export interface PasswordPolicy {
  allowPassphrases: boolean;
  maxLength: number;
  minLength: number;
  /** From this length on, a password is a passphrase and skips the optional tests. */
  minPhraseLength: number;
  /** How many of the enabled optional tests a (non-passphrase) password must pass. */
  minOptionalTestsToPass: number;
  /** Refuse passwords on the bundled common/breached list. */
  blockPwnedPasswords: boolean;
  /** Which optional tests count towards minOptionalTestsToPass. */
  optionalTests: PasswordOptionalTests;
  requiredTests: { checkThreeRepeatedChars: boolean };
}

/** Hard bound of every policy: argon2 is never fed more (passwordSchema has the same cap). */
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The vendor default until the vendor saves one: Frontegg's "Easy" level (no composition rules,
 * no three repeated characters) with NIST's minimum of 8 characters and the blocklist on.
 */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  allowPassphrases: true,
  maxLength: PASSWORD_MAX_LENGTH,
  minLength: 8,
  minPhraseLength: 20,
  minOptionalTestsToPass: 0,
  blockPwnedPasswords: true,
  optionalTests: { requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSpecialChars: true },
  requiredTests: { checkThreeRepeatedChars: true },
};

const length = z.number().int('must be a whole number').min(1).max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH}`);

/** A partial policy as callers send it (Frontegg's body has every field optional). */
export const PasswordPolicyInput = z.object({
  allowPassphrases: z.boolean().nullish(),
  maxLength: length.nullish(),
  minLength: length.nullish(),
  minPhraseLength: length.nullish(),
  minOptionalTestsToPass: z.number().int().min(0).max(4).nullish(),
  blockPwnedPasswords: z.boolean().nullish(),
  optionalTests: z
    .object({
      requireLowercase: z.boolean().nullish(),
      requireUppercase: z.boolean().nullish(),
      requireNumbers: z.boolean().nullish(),
      requireSpecialChars: z.boolean().nullish(),
    })
    .nullish(),
  requiredTests: z.object({ checkThreeRepeatedChars: z.boolean().nullish() }).nullish(),
});
export type PasswordPolicyInput = z.input<typeof PasswordPolicyInput>;

const enabledTestCount = (p: PasswordPolicy) => Object.values(p.optionalTests).filter(Boolean).length;

/** `input` laid over `base`; the result is checked as a whole (fields constrain each other). */
export function mergePasswordPolicy(base: PasswordPolicy, input: z.output<typeof PasswordPolicyInput>): PasswordPolicy | string {
  const pick = <T>(v: T | null | undefined, d: T) => (v === null || v === undefined ? d : v);
  const next: PasswordPolicy = {
    allowPassphrases: pick(input.allowPassphrases, base.allowPassphrases),
    maxLength: pick(input.maxLength, base.maxLength),
    minLength: pick(input.minLength, base.minLength),
    minPhraseLength: pick(input.minPhraseLength, base.minPhraseLength),
    minOptionalTestsToPass: pick(input.minOptionalTestsToPass, base.minOptionalTestsToPass),
    blockPwnedPasswords: pick(input.blockPwnedPasswords, base.blockPwnedPasswords),
    optionalTests: {
      requireLowercase: pick(input.optionalTests?.requireLowercase, base.optionalTests.requireLowercase),
      requireUppercase: pick(input.optionalTests?.requireUppercase, base.optionalTests.requireUppercase),
      requireNumbers: pick(input.optionalTests?.requireNumbers, base.optionalTests.requireNumbers),
      requireSpecialChars: pick(input.optionalTests?.requireSpecialChars, base.optionalTests.requireSpecialChars),
    },
    requiredTests: { checkThreeRepeatedChars: pick(input.requiredTests?.checkThreeRepeatedChars, base.requiredTests.checkThreeRepeatedChars) },
  };
  if (next.minLength > next.maxLength) return 'minLength must not exceed maxLength';
  if (next.allowPassphrases && next.minPhraseLength < next.minLength) return 'minPhraseLength must be at least minLength';
  // A count that no password could reach would lock everyone out of setting a password.
  if (next.minOptionalTestsToPass > enabledTestCount(next)) return 'minOptionalTestsToPass must not exceed the number of enabled optionalTests';
  return next;
}

/**
 * Reads a stored config tolerantly: it was validated when written, but a hand-edited row must
 * not make every password change fail, so a malformed one falls back to the default field by field.
 */
export function readPasswordPolicy(config: unknown): PasswordPolicy {
  const parsed = PasswordPolicyInput.safeParse(config && typeof config === 'object' ? config : {});
  const merged = parsed.success ? mergePasswordPolicy(DEFAULT_PASSWORD_POLICY, parsed.data) : DEFAULT_PASSWORD_POLICY;
  return typeof merged === 'string' ? structuredClone(DEFAULT_PASSWORD_POLICY) : merged;
}

/**
 * One policy that is at least as strict as each of `policies` for the length, repetition and
 * blocklist rules (used to show a login box the rules of a user in several tenants). The optional
 * tests cannot always be combined exactly; enforcement therefore checks every policy itself.
 */
export function strictestPasswordPolicy(policies: readonly PasswordPolicy[]): PasswordPolicy {
  if (policies.length === 0) return structuredClone(DEFAULT_PASSWORD_POLICY);
  const required = (p: PasswordPolicy) => Math.min(p.minOptionalTestsToPass, enabledTestCount(p));
  const mostComplex = policies.reduce((a, b) => (required(b) > required(a) ? b : a));
  return {
    allowPassphrases: policies.every((p) => p.allowPassphrases),
    maxLength: Math.min(...policies.map((p) => p.maxLength)),
    minLength: Math.max(...policies.map((p) => p.minLength)),
    minPhraseLength: Math.max(...policies.map((p) => p.minPhraseLength)),
    minOptionalTestsToPass: mostComplex.minOptionalTestsToPass,
    blockPwnedPasswords: policies.some((p) => p.blockPwnedPasswords),
    optionalTests: { ...mostComplex.optionalTests },
    requiredTests: { checkThreeRepeatedChars: policies.some((p) => p.requiredTests.checkThreeRepeatedChars) },
  };
}

let commonPasswords: Set<string> | undefined;

/**
 * The bundled list (common-passwords.txt: ~14k common and breached passwords, lowercase), read
 * once on first use. Case-insensitive: "Password1" is as guessable as "password1".
 */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(
    fs
      .readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      // Comment lines start with '# '; entries have no spaces, and some start with '#' ('#$%^&*').
      .filter((line) => line !== '' && !line.startsWith('# ')),
  );
  return commonPasswords.has(password.toLowerCase());
}

export interface PasswordContext {
  email?: string | null;
  username?: string | null;
}

const OPTIONAL_TESTS: Array<{ key: keyof PasswordOptionalTests; label: string; test: RegExp }> = [
  { key: 'requireLowercase', label: 'a lowercase letter', test: /\p{Ll}/u },
  { key: 'requireUppercase', label: 'an uppercase letter', test: /\p{Lu}/u },
  { key: 'requireNumbers', label: 'a number', test: /\p{Nd}/u },
  { key: 'requireSpecialChars', label: 'a special character', test: /[^\p{L}\p{Nd}]/u },
];

/** The rules `password` breaks under `policy`, in words for the person choosing it; empty when it is allowed. */
export function passwordPolicyViolations(password: string, policy: PasswordPolicy, context: PasswordContext = {}): string[] {
  const unmet: string[] = [];
  const chars = [...password].length;
  if (chars < policy.minLength) unmet.push(`must be at least ${policy.minLength} characters long`);
  if (chars > policy.maxLength) unmet.push(`must be at most ${policy.maxLength} characters long`);
  if (policy.requiredTests.checkThreeRepeatedChars && /(.)\1\1/u.test(password)) unmet.push('must not contain a character repeated three times in a row');
  const isPassphrase = policy.allowPassphrases && chars >= policy.minPhraseLength;
  if (!isPassphrase) {
    const pool = OPTIONAL_TESTS.filter((t) => policy.optionalTests[t.key]);
    const needed = Math.min(policy.minOptionalTestsToPass, pool.length);
    const passed = pool.filter((t) => t.test.test(password)).length;
    if (passed < needed) {
      unmet.push(`must contain at least ${needed} of: ${pool.map((t) => t.label).join(', ')}`);
    }
  }
  if (policy.blockPwnedPasswords && isCommonPassword(password)) unmet.push('is too common (it appears in lists of breached passwords)');
  const lower = password.toLowerCase();
  const identifiers = [context.email, context.email?.split('@')[0], context.username].filter((v): v is string => !!v && v.length >= 3);
  if (identifiers.some((id) => id.toLowerCase() === lower)) unmet.push('must not be your email or username');
  return unmet;
}

/**
 * Refuses `password` unless every policy allows it (a user in several tenants meets the rules of
 * each). One error lists every unmet rule, so the person fixes all of them at once.
 */
export function assertPasswordAllowed(password: string, policy: PasswordPolicy | readonly PasswordPolicy[], context: PasswordContext = {}): void {
  const policies = Array.isArray(policy) ? policy : [policy as PasswordPolicy];
  const unmet = [...new Set(policies.flatMap((p) => passwordPolicyViolations(password, p, context)))];
  if (unmet.length > 0) fail('password_policy_violation', `The password ${unmet.join('; ')}`);
}
