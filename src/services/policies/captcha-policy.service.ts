// The vendor's captcha policy (Frontegg: /configurations/v1/captcha-policy): one vendor-wide
// CAPTCHA Policy row. `enabled` is the row's column; config holds the site key, the secret key
// sealed with deps.secrets (write-only: it never leaves, not even to the vendor), minScore and
// the emails that skip the check. When enabled, password login and sign-up must carry a
// recaptchaToken the provider accepts with at least minScore (assertCaptcha).
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { emailSchema, parseInput } from '../validation.ts';
import { vendorPolicyRowId } from './policy-rows.ts';

const ROW_ID = vendorPolicyRowId('CAPTCHA');

const CreateInput = z.object({
  enabled: z.boolean(),
  siteKey: z.string().trim().min(1, 'siteKey is required').max(512),
  secretKey: z.string().trim().min(1, 'secretKey is required').max(512),
  minScore: z.number().min(0, 'minScore must be between 0 and 1').max(1, 'minScore must be between 0 and 1'),
  ignoredEmails: z.array(emailSchema).max(1000).nullish(),
});
// An update may leave the secret out: it keeps the stored one (which no read returns to copy back).
const UpdateInput = CreateInput.extend({ secretKey: CreateInput.shape.secretKey.nullish() });
export type CaptchaPolicyInput = z.input<typeof UpdateInput>;

interface StoredCaptcha {
  siteKey?: string;
  secretKeyEncrypted?: string;
  minScore?: number;
  ignoredEmails?: string[];
}

/** What the login statement reads of the policy (captchaPolicySql). */
export interface CaptchaPolicyState {
  enabled: boolean;
  config: StoredCaptcha;
}

export interface CaptchaPolicyView {
  id: string;
  enabled: boolean;
  siteKey: string;
  minScore: number;
  ignoredEmails: string[];
  createdAt: Date;
  updatedAt: Date;
}

const rowSelect = { id: true, enabled: true, config: true, createdAt: true, updatedAt: true } as const;
type Row = Prisma.PolicyGetPayload<{ select: typeof rowSelect }>;

const stored = (config: unknown): StoredCaptcha => (config && typeof config === 'object' && !Array.isArray(config) ? (config as StoredCaptcha) : {});
const view = (r: Row): CaptchaPolicyView => {
  const c = stored(r.config);
  return {
    id: r.id,
    enabled: r.enabled,
    siteKey: c.siteKey ?? '',
    minScore: typeof c.minScore === 'number' ? c.minScore : 0,
    ignoredEmails: Array.isArray(c.ignoredEmails) ? c.ignoredEmails : [],
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
};

/** SQL: the policy as {enabled, config}, NULL when none; read inside login's one statement. */
export const captchaPolicySql = Prisma.sql`(SELECT json_build_object('enabled', p.enabled, 'config', p.config) FROM "Policy" p WHERE p.id = ${ROW_ID})`;

/** Reads the policy (sign-up, which has no pinned statement count). */
export async function readCaptchaPolicy(db: Deps['db']): Promise<CaptchaPolicyState | null> {
  const row = await db.policy.findUnique({ where: { id: ROW_ID }, select: { enabled: true, config: true } });
  return row ? { enabled: row.enabled, config: stored(row.config) } : null;
}

/**
 * Refuses (captcha_failed) unless the policy is off, the email is exempt, or the provider accepts
 * the token with at least minScore. Runs before the password is checked, and the same way for
 * known and unknown accounts, so it tells nothing about them.
 */
export async function assertCaptcha(
  deps: Pick<Deps, 'captcha' | 'secrets' | 'logger'>,
  policy: CaptchaPolicyState | null,
  o: { token: string | null | undefined; email: string | null | undefined; remoteIp?: string | null },
) {
  if (!policy?.enabled) return;
  const email = o.email?.trim().toLowerCase();
  if (email && policy.config.ignoredEmails?.some((e) => e.toLowerCase() === email)) return;
  if (!o.token || o.token.length > 4096) fail('captcha_failed');
  let secret: string;
  try {
    secret = deps.secrets.decrypt(policy.config.secretKeyEncrypted ?? '');
  } catch (error) {
    // Sealed under another installation secret, or edited by hand: refuse rather than skip.
    deps.logger.error({ err: error }, 'captcha secret key cannot be decrypted');
    fail('captcha_failed');
  }
  const result = await deps.captcha.verify({ secret, token: o.token, remoteIp: o.remoteIp });
  const minScore = typeof policy.config.minScore === 'number' ? policy.config.minScore : 0;
  if (!result.success || (result.score !== null && result.score < minScore)) fail('captcha_failed');
}

export function createCaptchaPolicyService(deps: Pick<Deps, 'db' | 'secrets'>) {
  const { db, secrets } = deps;
  const find = () => db.policy.findUnique({ where: { id: ROW_ID }, select: rowSelect });
  const configOf = (input: z.output<typeof UpdateInput>, secretKeyEncrypted: string): Prisma.InputJsonObject => ({
    siteKey: input.siteKey,
    secretKeyEncrypted,
    minScore: input.minScore,
    ignoredEmails: [...new Set(input.ignoredEmails ?? [])],
  });

  return {
    async get(): Promise<CaptchaPolicyView | null> {
      const row = await find();
      return row ? view(row) : null;
    },

    /** What the login box may know: whether to show the captcha and with which site key. */
    async publicPolicy() {
      const row = await find();
      const v = row ? view(row) : null;
      return { enabled: v?.enabled ?? false, siteKey: v?.siteKey || null, minScore: v?.minScore ?? null };
    },

    async create(raw: CaptchaPolicyInput): Promise<CaptchaPolicyView> {
      const input = parseInput(CreateInput, raw);
      try {
        const row = await db.policy.create({
          data: { id: ROW_ID, type: 'CAPTCHA', tenantId: null, enabled: input.enabled, config: configOf(input, secrets.encrypt(input.secretKey)) },
          select: rowSelect,
        });
        return view(row);
      } catch (e) {
        // The fixed vendor id refuses a second policy.
        if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') fail('captcha_policy_already_exists');
        throw e;
      }
    },

    async update(raw: CaptchaPolicyInput): Promise<CaptchaPolicyView> {
      const input = parseInput(UpdateInput, raw);
      const row = await find();
      if (!row) fail('captcha_policy_not_found');
      const sealed = input.secretKey ? secrets.encrypt(input.secretKey) : stored(row.config).secretKeyEncrypted;
      if (!sealed) fail('validation_failed', 'secretKey: is required');
      const updated = await db.policy.update({ where: { id: ROW_ID }, data: { enabled: input.enabled, config: configOf(input, sealed) }, select: rowSelect });
      return view(updated);
    },
  };
}

export type CaptchaPolicyService = ReturnType<typeof createCaptchaPolicyService>;
