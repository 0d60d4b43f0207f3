// The MFA policy (Frontegg "security policy / MFA"): whether MFA is forced, and whether a device
// may be remembered (and for how long) after a second factor. A Policy row of type MFA:
// tenantId null is the vendor policy, a tenant's row overrides it as a whole. No row anywhere
// means MFA is not forced (Frontegg answers 404 "MFA is disabled" then).
// A user belongs to several tenants but logs in once, so login judges them by every tenant they
// are in (as the password policies do): forced if any tenant forces, a device remembered only if
// every tenant allows it, for the shortest expiration.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma, type PrismaClient, type Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { parseInput } from '../validation.ts';
import { upsertPolicyRow, vendorPolicyRowId } from '../policies/policy-rows.ts';

type Db = PrismaClient | Tx;

export const ENFORCE_MFA_TYPES = ['DontForce', 'Force', 'ForceExceptSAML'] as const;
export type EnforceMfaType = (typeof ENFORCE_MFA_TYPES)[number];

export interface MfaPolicy {
  enforceMFAType: EnforceMfaType;
  allowRememberMyDevice: boolean;
  /** Seconds a remembered device skips MFA. */
  mfaDeviceExpiration: number;
}

export type MfaPolicyView = MfaPolicy & { id: string; tenantId: string | null; createdAt: Date; updatedAt: Date };

/** Frontegg's documented create defaults (14 days for a remembered device). */
export const MFA_POLICY_DEFAULTS: MfaPolicy = { enforceMFAType: 'Force', allowRememberMyDevice: false, mfaDeviceExpiration: 14 * 24 * 3600 };
const MAX_DEVICE_EXPIRATION = 365 * 24 * 3600;

const MfaPolicyInput = z.object({
  enforceMFAType: z.enum(ENFORCE_MFA_TYPES).nullish(),
  allowRememberMyDevice: z.boolean().nullish(),
  mfaDeviceExpiration: z
    .number()
    .int('must be a whole number of seconds')
    .min(60, 'must be at least 60 seconds')
    .max(MAX_DEVICE_EXPIRATION, 'must be at most one year (in seconds)')
    .nullish(),
});
export type MfaPolicyInput = z.input<typeof MfaPolicyInput>;

const rowSelect = { id: true, tenantId: true, config: true, createdAt: true, updatedAt: true } as const;
type Row = Prisma.PolicyGetPayload<{ select: typeof rowSelect }>;

/** Tolerant read: a hand-edited row must not break logins; anything malformed falls back to the default. */
export function readMfaPolicy(config: unknown): MfaPolicy {
  const c = (config && typeof config === 'object' && !Array.isArray(config) ? config : {}) as Record<string, unknown>;
  const exp = c.mfaDeviceExpiration;
  return {
    enforceMFAType: (ENFORCE_MFA_TYPES as readonly unknown[]).includes(c.enforceMFAType) ? (c.enforceMFAType as EnforceMfaType) : MFA_POLICY_DEFAULTS.enforceMFAType,
    allowRememberMyDevice: c.allowRememberMyDevice === true,
    mfaDeviceExpiration: typeof exp === 'number' && Number.isInteger(exp) && exp > 0 ? exp : MFA_POLICY_DEFAULTS.mfaDeviceExpiration,
  };
}

const view = (r: Row): MfaPolicyView => ({ ...readMfaPolicy(r.config), id: r.id, tenantId: r.tenantId, createdAt: r.createdAt, updatedAt: r.updatedAt });

function findRow(db: Db, tenantId: string | null) {
  return db.policy.findFirst({ where: { type: 'MFA', tenantId }, orderBy: { createdAt: 'asc' }, select: rowSelect });
}

/** Password login is not SAML, so ForceExceptSAML forces it too. */
const forces = (p: MfaPolicy) => p.enforceMFAType !== 'DontForce';
const strength: Record<EnforceMfaType, number> = { DontForce: 0, ForceExceptSAML: 1, Force: 2 };

/** What login applies to a member of `tenantIds` (see the header). */
export interface MfaLoginPolicy {
  forced: boolean;
  /** Null: no device may be remembered. */
  rememberDeviceSeconds: number | null;
}

export async function mfaLoginPolicyFor(db: Db, tenantIds: readonly string[]): Promise<MfaLoginPolicy> {
  const ids = [...new Set(tenantIds)];
  const rows = await db.policy.findMany({
    where: { type: 'MFA', OR: [{ tenantId: null }, ...(ids.length ? [{ tenantId: { in: ids } }] : [])] },
    orderBy: { createdAt: 'desc' },
    select: { tenantId: true, config: true },
  });
  return mfaLoginPolicyFromRows(rows, ids);
}

/**
 * The policy in force for a user of these tenants, from the MFA policy rows of those tenants and
 * the vendor (newest first): forced if any tenant forces MFA; a device may be remembered only if
 * every tenant allows it, for the shortest expiration.
 */
export function mfaLoginPolicyFromRows(rows: ReadonlyArray<{ tenantId: string | null; config: unknown }>, tenantIds: readonly string[]): MfaLoginPolicy {
  const ids = [...new Set(tenantIds)];
  const byScope = new Map<string | null, MfaPolicy>();
  for (const r of rows) byScope.set(r.tenantId, readMfaPolicy(r.config));
  const vendor = byScope.get(null) ?? null;
  const inForce = (ids.length ? ids.map((id) => byScope.get(id) ?? vendor) : [vendor]).filter((p): p is MfaPolicy => p !== null);
  if (inForce.length === 0) return { forced: false, rememberDeviceSeconds: null };
  // A tenant without any policy (none of its own, none from the vendor) never reaches here with
  // others that have one, since the vendor row is every tenant's fallback.
  const remember = inForce.every((p) => p.allowRememberMyDevice) ? Math.min(...inForce.map((p) => p.mfaDeviceExpiration)) : null;
  return { forced: inForce.some(forces), rememberDeviceSeconds: remember };
}

/** The tenants whose policies judge a user at login (all memberships; none means the vendor's). */
export async function mfaLoginPolicyForUser(db: Db, userId: string): Promise<MfaLoginPolicy> {
  const memberships = await db.userTenant.findMany({ where: { userId }, select: { tenantId: true } });
  return mfaLoginPolicyFor(db, memberships.map((m) => m.tenantId));
}

export interface MfaPolicyWriter {
  byTenantAdmin: boolean;
}

export function createMfaPolicyService(deps: Pick<Deps, 'db'>) {
  const { db } = deps;

  async function assertTenant(tenantId: string | null) {
    if (tenantId && !(await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) fail('tenant_not_found');
  }

  /** A tenant admin may make their tenant stricter than the vendor, never weaker. */
  async function assertTightens(tenantId: string | null, next: MfaPolicy, writer: MfaPolicyWriter) {
    if (!writer.byTenantAdmin || tenantId === null) return;
    const vendorRow = await findRow(db, null);
    if (!vendorRow) return;
    const vendor = readMfaPolicy(vendorRow.config);
    const weaker =
      strength[next.enforceMFAType] < strength[vendor.enforceMFAType] ||
      (next.allowRememberMyDevice && (!vendor.allowRememberMyDevice || next.mfaDeviceExpiration > vendor.mfaDeviceExpiration));
    if (weaker) fail('auth_forbidden', "A tenant's MFA policy may be stricter than the vendor's, not weaker");
  }

  async function write(tenantId: string | null, next: MfaPolicy): Promise<MfaPolicyView> {
    await upsertPolicyRow(db, 'MFA', tenantId, next as unknown as Prisma.InputJsonObject);
    return view((await findRow(db, tenantId))!);
  }

  return {
    /** The policy in force for the tenant (its row, else the vendor's); null when neither exists. */
    async get(tenantId: string | null): Promise<MfaPolicyView | null> {
      const row = (tenantId ? await findRow(db, tenantId) : null) ?? (await findRow(db, null));
      return row ? view(row) : null;
    },

    /** Creates the scope's policy (fields left out take Frontegg's defaults); a second create is a 409. */
    async create(tenantId: string | null, raw: MfaPolicyInput, writer: MfaPolicyWriter): Promise<MfaPolicyView> {
      const input = parseInput(MfaPolicyInput, raw);
      await assertTenant(tenantId);
      const next: MfaPolicy = {
        enforceMFAType: input.enforceMFAType ?? MFA_POLICY_DEFAULTS.enforceMFAType,
        allowRememberMyDevice: input.allowRememberMyDevice ?? MFA_POLICY_DEFAULTS.allowRememberMyDevice,
        mfaDeviceExpiration: input.mfaDeviceExpiration ?? MFA_POLICY_DEFAULTS.mfaDeviceExpiration,
      };
      await assertTightens(tenantId, next, writer);
      try {
        const row = await db.policy.create({
          data: { ...(tenantId ? {} : { id: vendorPolicyRowId('MFA') }), type: 'MFA', tenantId, config: next as unknown as Prisma.InputJsonObject },
          select: rowSelect,
        });
        return view(row);
      } catch (e) {
        // The unique (type, tenantId) index, or the fixed vendor id, refuses a second row.
        if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') fail('mfa_policy_already_exists');
        throw e;
      }
    },

    /** Changes what the body names in the scope's own row (404 without one, 400 with nothing to change). */
    async update(tenantId: string | null, raw: MfaPolicyInput, writer: MfaPolicyWriter): Promise<MfaPolicyView> {
      const input = parseInput(MfaPolicyInput, raw);
      if (input.enforceMFAType == null && input.allowRememberMyDevice == null && input.mfaDeviceExpiration == null) fail('mfa_policy_update_empty');
      await assertTenant(tenantId);
      const row = (await findRow(db, tenantId)) ?? fail('mfa_policy_not_found');
      const current = readMfaPolicy(row.config);
      const next: MfaPolicy = {
        enforceMFAType: input.enforceMFAType ?? current.enforceMFAType,
        allowRememberMyDevice: input.allowRememberMyDevice ?? current.allowRememberMyDevice,
        mfaDeviceExpiration: input.mfaDeviceExpiration ?? current.mfaDeviceExpiration,
      };
      await assertTightens(tenantId, next, writer);
      return write(tenantId, next);
    },

    /** Creates or updates the scope's row; fields left out keep their value (or take the defaults). */
    async upsert(tenantId: string | null, raw: MfaPolicyInput, writer: MfaPolicyWriter): Promise<MfaPolicyView> {
      const input = parseInput(MfaPolicyInput, raw);
      await assertTenant(tenantId);
      const existing = await findRow(db, tenantId);
      const current = existing ? readMfaPolicy(existing.config) : MFA_POLICY_DEFAULTS;
      const next: MfaPolicy = {
        enforceMFAType: input.enforceMFAType ?? current.enforceMFAType,
        allowRememberMyDevice: input.allowRememberMyDevice ?? current.allowRememberMyDevice,
        mfaDeviceExpiration: input.mfaDeviceExpiration ?? current.mfaDeviceExpiration,
      };
      await assertTightens(tenantId, next, writer);
      return write(tenantId, next);
    },
  };
}

export type MfaPolicyService = ReturnType<typeof createMfaPolicyService>;
