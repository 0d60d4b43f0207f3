// The password-related security policies: complexity (PASSWORD), reuse (PASSWORD_HISTORY) and
// brute-force lockout (LOCKOUT). Each is a Policy row: tenantId null is the vendor policy, a
// tenant's row overrides it as a whole (what a tenant admin reads is what is enforced there).
// A user belongs to several tenants but has one password and one lock, so the rules that judge a
// user are those of every tenant they are in: every complexity policy must pass, the largest
// history wins, the smallest lockout threshold wins.
import { upsertPolicyRow, vendorPolicyRowId } from './policy-rows.ts';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma, type PrismaClient, type Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { parseInput } from '../validation.ts';
import {
  DEFAULT_PASSWORD_POLICY,
  PasswordPolicyInput,
  assertPasswordAllowed,
  mergePasswordPolicy,
  readPasswordPolicy,
  strictestPasswordPolicy,
  type PasswordContext,
  type PasswordPolicy,
} from './password-rules.ts';

type Db = PrismaClient | Tx;
type PolicyKind = 'PASSWORD' | 'PASSWORD_HISTORY' | 'LOCKOUT';

const VENDOR_ROW_ID = {
  PASSWORD: vendorPolicyRowId('PASSWORD'),
  PASSWORD_HISTORY: vendorPolicyRowId('PASSWORD_HISTORY'),
  LOCKOUT: vendorPolicyRowId('LOCKOUT'),
} satisfies Record<PolicyKind, string>;

/** Frontegg: "History size must be between 1 to 10". Also the number of old hashes kept per user. */
export const MAX_HISTORY_SIZE = 10;

const rowSelect = { id: true, tenantId: true, enabled: true, config: true, createdAt: true, updatedAt: true } as const;
type PolicyRow = Prisma.PolicyGetPayload<{ select: typeof rowSelect }>;

/** The row of one scope (a tenant, or null for the vendor); the oldest if a race ever made two. */
function findRow(db: Db, type: PolicyKind, tenantId: string | null) {
  return db.policy.findFirst({ where: { type, tenantId }, orderBy: { createdAt: 'asc' }, select: rowSelect });
}

/** The tenant's row, else the vendor's; null when neither exists. */
async function effectiveRow(db: Db, type: PolicyKind, tenantId: string | null) {
  return (tenantId ? await findRow(db, type, tenantId) : null) ?? (await findRow(db, type, null));
}

/**
 * The row in force in each of `tenantIds` (the tenant's, else the vendor's, else none), in one
 * read however many tenants. A user without tenants is judged by the vendor row.
 */
async function rowsInForce(db: Db, type: PolicyKind, tenantIds: readonly string[]): Promise<Array<PolicyRow | null>> {
  const ids = [...new Set(tenantIds)];
  const rows = await db.policy.findMany({
    where: { type, OR: [{ tenantId: null }, ...(ids.length ? [{ tenantId: { in: ids } }] : [])] },
    orderBy: { createdAt: 'desc' },
    select: rowSelect,
  });
  // Descending, so the oldest row of a scope is set last and wins, as in findRow.
  const byScope = new Map<string | null, PolicyRow>();
  for (const r of rows) byScope.set(r.tenantId, r);
  const vendor = byScope.get(null) ?? null;
  return ids.length === 0 ? [vendor] : ids.map((id) => byScope.get(id) ?? vendor);
}

const positiveInt = (v: unknown, max: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max ? v : null);

/** The complexity policies a password set for a member of `tenantIds` must meet. */
export async function passwordPoliciesFor(db: Db, tenantIds: readonly string[]): Promise<PasswordPolicy[]> {
  const rows = await rowsInForce(db, 'PASSWORD', tenantIds);
  const seen = new Set<string>();
  const out: PasswordPolicy[] = [];
  for (const r of rows) {
    const key = r?.id ?? 'default';
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r ? readPasswordPolicy(r.config) : structuredClone(DEFAULT_PASSWORD_POLICY));
  }
  return out;
}

/** Refuses a new password of a (future) member of `tenantIds` that the policies in force do not allow. */
export async function assertPasswordAllowedFor(db: Db, tenantIds: readonly string[], password: string, context: PasswordContext) {
  assertPasswordAllowed(password, await passwordPoliciesFor(db, tenantIds), context);
}

/** How many of a member's last passwords may not be reused (0: history is off). */
export async function historySizeFor(db: Db, tenantIds: readonly string[]): Promise<number> {
  const rows = await rowsInForce(db, 'PASSWORD_HISTORY', tenantIds);
  return Math.max(0, ...rows.map((r) => (r?.enabled ? (positiveInt(readConfig(r.config).historySize, MAX_HISTORY_SIZE) ?? 0) : 0)));
}

const readConfig = (config: unknown) => (config && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : {});

/**
 * Counts one wrong password for the user `where` names and, when the lockout policy in force
 * reaches its threshold with this attempt, locks them, in ONE statement: concurrent failures
 * serialise on the row, so none is lost and the lock is set exactly once (lockedAt is only
 * written while still null). The threshold is the smallest maxAttempts of the active policies of
 * the user's tenants (the vendor's for a user without tenants); none active means no lock.
 * An unknown email or username runs the same statement and updates nothing, so a guesser cannot
 * tell unknown accounts from known ones by timing.
 */
export async function recordFailedPassword(db: Db, where: { email: string } | { username: string } | { id: string }, now: Date) {
  const match =
    'email' in where ? Prisma.sql`u.email = ${where.email}` : 'username' in where ? Prisma.sql`u.username = ${where.username}` : Prisma.sql`u.id = ${where.id}`;
  // maxAttempts was validated when written; the pattern keeps a hand-edited row from failing the cast.
  const rows = await db.$queryRaw<Array<{ failedLoginAttempts: number; lockedAt: Date | null }>>`
    UPDATE "User" u SET
      "failedLoginAttempts" = u."failedLoginAttempts" + 1,
      "lockedAt" = CASE
        WHEN u."lockedAt" IS NULL AND u."failedLoginAttempts" + 1 >= (
          SELECT MIN(CASE WHEN COALESCE(tp.enabled, vp.enabled) AND (COALESCE(tp.config, vp.config) ->> 'maxAttempts') ~ '^[0-9]{1,9}$'
                     THEN (COALESCE(tp.config, vp.config) ->> 'maxAttempts')::int END)
          FROM (
            SELECT m."tenantId" FROM "UserTenant" m WHERE m."userId" = u.id
            UNION ALL
            SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM "UserTenant" m2 WHERE m2."userId" = u.id)
          ) mt
          LEFT JOIN "Policy" tp ON tp.type = 'LOCKOUT' AND tp."tenantId" = mt."tenantId"
          LEFT JOIN "Policy" vp ON vp.id = ${VENDOR_ROW_ID.LOCKOUT}
        ) THEN ${now}
        ELSE u."lockedAt"
      END
    WHERE ${match}
    RETURNING u."failedLoginAttempts", u."lockedAt"`;
  return rows[0] ?? null;
}

// ---- the toggle policies (lockout, history) ---------------------------------------------------

export interface TogglePolicyView {
  id: string;
  tenantId: string | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}
export type LockoutPolicyView = TogglePolicyView & { maxAttempts: number };
export type PasswordHistoryPolicyView = TogglePolicyView & { historySize: number };

const LockoutInput = z.object({
  enabled: z.boolean().nullish(),
  maxAttempts: z.number().int('must be a whole number').min(1).max(1000).nullish(),
});
export type LockoutPolicyInput = z.input<typeof LockoutInput>;

const HistoryInput = z.object({
  enabled: z.boolean().nullish(),
  historySize: z.number().int('must be a whole number').min(1, 'History size must be between 1 to 10').max(MAX_HISTORY_SIZE, 'History size must be between 1 to 10').nullish(),
});
export type PasswordHistoryPolicyInput = z.input<typeof HistoryInput>;

/** Who writes: the vendor, or a tenant admin who may tighten the vendor policy but never loosen it. */
export interface PolicyWriter {
  byTenantAdmin: boolean;
}

/** A lockout or history row as the rules see it: on/off and its one number. */
interface ToggleState {
  enabled: boolean;
  value: number;
}

interface ToggleSpec<F extends string> {
  type: PolicyKind;
  field: F;
  max: number;
  schema: z.ZodType<{ enabled?: boolean | null } & { [K in F]?: number | null }>;
  notFound: 'lockout_policy_not_found' | 'password_history_policy_not_found';
  exists: 'lockout_policy_already_exists' | 'password_history_policy_already_exists';
  /** Defaults of a created row for fields the body leaves out; undefined means required. */
  createDefaults: Partial<ToggleState>;
  /** True when `next` is at least as strict as the vendor's `vendor`. */
  atLeastAsStrict: (next: ToggleState, vendor: ToggleState) => boolean;
}

const LOCKOUT: ToggleSpec<'maxAttempts'> = {
  type: 'LOCKOUT',
  field: 'maxAttempts',
  max: 1000,
  schema: LockoutInput,
  notFound: 'lockout_policy_not_found',
  exists: 'lockout_policy_already_exists',
  createDefaults: {},
  atLeastAsStrict: (next, vendor) => !vendor.enabled || (next.enabled && next.value <= vendor.value),
};

const HISTORY: ToggleSpec<'historySize'> = {
  type: 'PASSWORD_HISTORY',
  field: 'historySize',
  max: MAX_HISTORY_SIZE,
  schema: HistoryInput,
  notFound: 'password_history_policy_not_found',
  exists: 'password_history_policy_already_exists',
  // Frontegg documents enabled=false and historySize=1 as the create defaults.
  createDefaults: { enabled: false, value: 1 },
  atLeastAsStrict: (next, vendor) => !vendor.enabled || (next.enabled && next.value >= vendor.value),
};

const stateOf = <F extends string>(spec: ToggleSpec<F>, r: PolicyRow): ToggleState => ({
  enabled: r.enabled,
  value: positiveInt(readConfig(r.config)[spec.field], spec.max) ?? 1,
});

export function createPasswordPoliciesService(deps: Pick<Deps, 'db'>) {
  const { db } = deps;

  async function assertTenant(tenantId: string | null) {
    if (tenantId && !(await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) fail('tenant_not_found');
  }

  function toggle<F extends 'maxAttempts' | 'historySize'>(spec: ToggleSpec<F>) {
    type View = TogglePolicyView & { [K in F]: number };
    const view = (r: PolicyRow): View => {
      const { enabled, value } = stateOf(spec, r);
      return { id: r.id, tenantId: r.tenantId, enabled, createdAt: r.createdAt, updatedAt: r.updatedAt, [spec.field]: value } as TogglePolicyView as View;
    };

    async function assertTightens(tenantId: string | null, next: ToggleState, writer: PolicyWriter) {
      if (!writer.byTenantAdmin || tenantId === null) return;
      const vendor = await findRow(db, spec.type, null);
      if (vendor && !spec.atLeastAsStrict(next, stateOf(spec, vendor))) {
        fail('auth_forbidden', "A tenant's policy may be stricter than the vendor's, not weaker");
      }
    }

    return {
      /** The policy in force for the tenant (its own row, else the vendor's); null for the vendor's alone. */
      async get(tenantId: string | null): Promise<View | null> {
        const row = await effectiveRow(db, spec.type, tenantId);
        return row ? view(row) : null;
      },

      async create(tenantId: string | null, raw: unknown, writer: PolicyWriter): Promise<View> {
        const input = parseInput(spec.schema, raw);
        const enabled = input.enabled ?? spec.createDefaults.enabled;
        const value = input[spec.field] ?? spec.createDefaults.value;
        if (enabled === undefined || value === undefined) {
          const missing = [enabled === undefined && 'enabled: is required', value === undefined && `${spec.field}: is required`];
          fail('validation_failed', missing.filter(Boolean).join('; '));
        }
        await assertTenant(tenantId);
        await assertTightens(tenantId, { enabled, value }, writer);
        try {
          const row = await db.policy.create({
            data: { ...(tenantId ? {} : { id: VENDOR_ROW_ID[spec.type] }), type: spec.type, tenantId, enabled, config: { [spec.field]: value } },
            select: rowSelect,
          });
          return view(row);
        } catch (e) {
          // The unique (type, tenantId) index, or the fixed vendor id, refuses a second row.
          if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') fail(spec.exists);
          throw e;
        }
      },

      async update(tenantId: string | null, raw: unknown, writer: PolicyWriter): Promise<View> {
        const input = parseInput(spec.schema, raw);
        const row = await findRow(db, spec.type, tenantId);
        if (!row) fail(spec.notFound);
        const current = stateOf(spec, row);
        const next = { enabled: input.enabled ?? current.enabled, value: input[spec.field] ?? current.value };
        await assertTightens(tenantId, next, writer);
        const updated = await db.policy.update({
          where: { id: row.id },
          data: { enabled: next.enabled, config: { [spec.field]: next.value } },
          select: rowSelect,
        });
        return view(updated);
      },
    };
  }

  return {
    lockout: toggle(LOCKOUT),
    history: toggle(HISTORY),

    password: {
      /** The complexity policy in force for the tenant (its row, else the vendor's, else the default); null reads the vendor's. */
      async get(tenantId: string | null): Promise<PasswordPolicy & { tenantId: string | null }> {
        const row = await effectiveRow(db, 'PASSWORD', tenantId);
        return { ...(row ? readPasswordPolicy(row.config) : structuredClone(DEFAULT_PASSWORD_POLICY)), tenantId };
      },

      /**
       * Creates or updates the policy of one scope. Fields left out keep their value; a tenant's
       * first write starts from what was in force for it (the vendor's), so it changes only what
       * it names.
       */
      async set(tenantId: string | null, raw: PasswordPolicyInput) {
        const input = parseInput(PasswordPolicyInput, raw);
        await assertTenant(tenantId);
        const base = await effectiveRow(db, 'PASSWORD', tenantId);
        const next = mergePasswordPolicy(base ? readPasswordPolicy(base.config) : structuredClone(DEFAULT_PASSWORD_POLICY), input);
        if (typeof next === 'string') fail('validation_failed', next);
        const config = next as unknown as Prisma.InputJsonObject;
        await upsertPolicyRow(db, 'PASSWORD', tenantId, config);
        return { ...next, tenantId };
      },

      /**
       * What a login box shows before a password is chosen: the strictest policy that will judge
       * it. For a user, that of all their tenants; else the tenant's; else the vendor's.
       */
      async strictest(o: { userId?: string | null; tenantId?: string | null }): Promise<PasswordPolicy & { tenantId: string | null }> {
        let tenantIds: string[] = o.tenantId ? [o.tenantId] : [];
        if (o.userId) {
          const memberships = await db.userTenant.findMany({ where: { userId: o.userId }, select: { tenantId: true } });
          if (memberships.length) tenantIds = memberships.map((m) => m.tenantId);
        }
        return { ...strictestPasswordPolicy(await passwordPoliciesFor(db, tenantIds)), tenantId: tenantIds.length === 1 ? tenantIds[0]! : null };
      },
    },
  };
}

export type PasswordPoliciesService = ReturnType<typeof createPasswordPoliciesService>;
