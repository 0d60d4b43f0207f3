// The session policy (Frontegg "session configuration"): idle timeout, absolute timeout and a cap
// on concurrent sessions. Stored as a Policy row of type SESSION; tenantId null is the vendor
// default and a tenant's row overrides it as a whole (no field-by-field inheritance, as in
// Frontegg, so what a tenant admin reads is exactly what is enforced for the tenant).
// Enforcement lives in the session store (refresh and login); this module only reads and writes.
import { upsertPolicyRow } from './policy-rows.ts';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma, PrismaClient, Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { parseInput } from '../validation.ts';

export interface SessionPolicy {
  /** Seconds without a refresh after which the session ends. */
  sessionIdleTimeoutConfiguration: { isActive: boolean; timeout: number };
  /** Seconds after login after which the session ends, however active. */
  sessionTimeoutConfiguration: { isActive: boolean; timeout: number };
  sessionConcurrentConfiguration: { isActive: boolean; maxSessions: number };
}

/** Nothing enforced. The inactive values are still valid input, so a client can GET and POST back. */
export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  sessionIdleTimeoutConfiguration: { isActive: false, timeout: 30 * 60 },
  sessionTimeoutConfiguration: { isActive: false, timeout: 24 * 3600 },
  sessionConcurrentConfiguration: { isActive: false, maxSessions: 10 },
};

const YEAR = 365 * 24 * 3600;
const timeoutSchema = z.object({
  isActive: z.boolean(),
  timeout: z.number().int('must be a whole number of seconds').positive().max(YEAR, 'must be at most one year (in seconds)'),
});
const SessionPolicyInput = z.object({
  sessionIdleTimeoutConfiguration: timeoutSchema.nullish(),
  sessionTimeoutConfiguration: timeoutSchema.nullish(),
  sessionConcurrentConfiguration: z
    .object({ isActive: z.boolean(), maxSessions: z.number().int().positive().max(1000) })
    .nullish(),
});
export type SessionPolicyInput = z.input<typeof SessionPolicyInput>;

/**
 * Reads a stored config tolerantly: it was validated when written, but a hand-edited row must
 * not break logins, so anything malformed counts as "not active" rather than throwing.
 */
export function readSessionPolicy(config: unknown): SessionPolicy {
  const c = (config && typeof config === 'object' ? config : {}) as Record<string, unknown>;
  const part = <K extends keyof SessionPolicy>(key: K, numberKey: 'timeout' | 'maxSessions'): SessionPolicy[K] => {
    const v = c[key] as Record<string, unknown> | undefined;
    const n = v?.[numberKey];
    if (!v || typeof n !== 'number' || !Number.isInteger(n) || n <= 0) return { ...DEFAULT_SESSION_POLICY[key] };
    return { isActive: v.isActive === true, [numberKey]: n } as SessionPolicy[K];
  };
  return {
    sessionIdleTimeoutConfiguration: part('sessionIdleTimeoutConfiguration', 'timeout'),
    sessionTimeoutConfiguration: part('sessionTimeoutConfiguration', 'timeout'),
    sessionConcurrentConfiguration: part('sessionConcurrentConfiguration', 'maxSessions'),
  };
}

/** The limits a policy imposes, null where it imposes none. */
export interface SessionLimits {
  idleMs: number | null;
  absoluteMs: number | null;
  maxSessions: number | null;
}

export const NO_LIMITS: SessionLimits = { idleMs: null, absoluteMs: null, maxSessions: null };

export function sessionLimits(config: unknown): SessionLimits {
  if (config === null || config === undefined) return NO_LIMITS;
  const p = readSessionPolicy(config);
  return {
    idleMs: p.sessionIdleTimeoutConfiguration.isActive ? p.sessionIdleTimeoutConfiguration.timeout * 1000 : null,
    absoluteMs: p.sessionTimeoutConfiguration.isActive ? p.sessionTimeoutConfiguration.timeout * 1000 : null,
    maxSessions: p.sessionConcurrentConfiguration.isActive ? p.sessionConcurrentConfiguration.maxSessions : null,
  };
}

export type SessionEndReason = 'idle_timeout' | 'absolute_timeout';

/** Why the policy ends this session now, or null. The absolute limit is reported first: it is the stronger one. */
export function sessionEndReason(s: { createdAt: Date; lastActiveAt: Date }, limits: SessionLimits, now: Date): SessionEndReason | null {
  const t = now.getTime();
  if (limits.absoluteMs !== null && t - s.createdAt.getTime() > limits.absoluteMs) return 'absolute_timeout';
  if (limits.idleMs !== null && t - s.lastActiveAt.getTime() > limits.idleMs) return 'idle_timeout';
  return null;
}

type Db = PrismaClient | Tx;

/** The SESSION row of one scope (a tenant, or null for the vendor default); oldest first if a race ever made two. */
function findRow(db: Db, tenantId: string | null) {
  return db.policy.findFirst({ where: { type: 'SESSION', tenantId }, orderBy: { createdAt: 'asc' }, select: { id: true, config: true } });
}

/**
 * The limits in force in each of `tenantIds` (the tenant's row, else the vendor default, else
 * none), in one read however many tenants.
 */
export async function loadSessionLimits(db: Db, tenantIds: ReadonlyArray<string | null>): Promise<(tenantId: string | null) => SessionLimits> {
  const ids = [...new Set(tenantIds.filter((id): id is string => id !== null))];
  const rows = await db.policy.findMany({
    where: { type: 'SESSION', OR: [{ tenantId: null }, ...(ids.length ? [{ tenantId: { in: ids } }] : [])] },
    orderBy: { createdAt: 'desc' },
    select: { tenantId: true, config: true },
  });
  // Descending, so the oldest row of a scope is set last and wins, as in findRow.
  const byTenant = new Map<string | null, unknown>();
  for (const r of rows) byTenant.set(r.tenantId, r.config);
  const vendor = byTenant.has(null) ? sessionLimits(byTenant.get(null)) : NO_LIMITS;
  const cache = new Map<string | null, SessionLimits>();
  return (tenantId) => {
    if (tenantId === null || !byTenant.has(tenantId)) return vendor;
    let l = cache.get(tenantId);
    if (!l) cache.set(tenantId, (l = sessionLimits(byTenant.get(tenantId))));
    return l;
  };
}

export function createSessionPolicyService(deps: Pick<Deps, 'db'>) {
  const { db } = deps;

  async function effective(tenantId: string | null) {
    const row = (tenantId ? await findRow(db, tenantId) : null) ?? (await findRow(db, null));
    return { ...(row ? readSessionPolicy(row.config) : structuredClone(DEFAULT_SESSION_POLICY)), tenantId: tenantId };
  }

  return {
    /** What is in force for the tenant (its own row, else the vendor default); null reads the vendor default. */
    get: (tenantId: string | null) => effective(tenantId),

    getVendorDefault: () => effective(null),

    /**
     * Creates or updates the configuration of one scope. Sections left out keep their current
     * value (Frontegg's body has every section optional), so partial updates are safe.
     */
    async set(tenantId: string | null, raw: SessionPolicyInput) {
      const input = parseInput(SessionPolicyInput, raw);
      if (tenantId && !(await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) fail('tenant_not_found');
      const existing = await findRow(db, tenantId);
      const current = existing ? readSessionPolicy(existing.config) : structuredClone(DEFAULT_SESSION_POLICY);
      const next: SessionPolicy = {
        sessionIdleTimeoutConfiguration: input.sessionIdleTimeoutConfiguration ?? current.sessionIdleTimeoutConfiguration,
        sessionTimeoutConfiguration: input.sessionTimeoutConfiguration ?? current.sessionTimeoutConfiguration,
        sessionConcurrentConfiguration: input.sessionConcurrentConfiguration ?? current.sessionConcurrentConfiguration,
      };
      const config = next as unknown as Prisma.InputJsonObject;
      await upsertPolicyRow(db, 'SESSION', tenantId, config);
      return { ...next, tenantId };
    },
  };
}

export type SessionPolicyService = ReturnType<typeof createSessionPolicyService>;
