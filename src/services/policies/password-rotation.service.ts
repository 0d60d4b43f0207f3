// Password expiration (Frontegg: password rotation). A PASSWORD_ROTATION Policy row per scope:
// tenantId null is the vendor's, a tenant's row overrides it as a whole. `enabled` is Frontegg's
// isActive; config holds rotationPeriod and notificationPeriod (minutes). Login enforces it in the
// statement it already runs (rotationMinutesSql, read by auth.service readLoginUser): a user whose
// password is older than the shortest active period of their tenants gets a reset token instead
// of a session, and sets a new password through the ordinary reset flow.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma, type PrismaClient, type Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { parseInput } from '../validation.ts';
import { vendorPolicyRowId } from './policy-rows.ts';
import type { PolicyWriter } from './password-policies.service.ts';

type Db = PrismaClient | Tx;

const VENDOR_ROW_ID = vendorPolicyRowId('PASSWORD_ROTATION');
/** Frontegg's documented defaults: 90 days, notified 7 days before. */
export const DEFAULT_ROTATION_PERIOD = 129_600;
export const DEFAULT_NOTIFICATION_PERIOD = 10_080;
/** Ten years in minutes: beyond it the setting means nothing, and the number stays a safe int4. */
const MAX_PERIOD = 5_256_000;

const minutes = z.number().int('must be a whole number of minutes').max(MAX_PERIOD, `must be at most ${MAX_PERIOD} minutes`);
const RotationInput = z.object({
  isActive: z.boolean().nullish(),
  rotationPeriod: minutes.min(1, 'must be at least 1 minute').nullish(),
  notificationPeriod: minutes.min(0, 'must not be negative').nullish(),
});
export type PasswordRotationInput = z.input<typeof RotationInput>;

export interface PasswordRotationView {
  id: string;
  tenantId: string | null;
  isActive: boolean;
  rotationPeriod: number;
  notificationPeriod: number;
  createdAt: Date;
  updatedAt: Date;
}

const rowSelect = { id: true, tenantId: true, enabled: true, config: true, createdAt: true, updatedAt: true } as const;
type Row = Prisma.PolicyGetPayload<{ select: typeof rowSelect }>;

const intOr = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_PERIOD ? v : fallback);
const view = (r: Row): PasswordRotationView => {
  const c = (r.config ?? {}) as Record<string, unknown>;
  return {
    id: r.id,
    tenantId: r.tenantId,
    isActive: r.enabled,
    rotationPeriod: Math.max(1, intOr(c.rotationPeriod, DEFAULT_ROTATION_PERIOD)),
    notificationPeriod: intOr(c.notificationPeriod, DEFAULT_NOTIFICATION_PERIOD),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
};

const findRow = (db: Db, tenantId: string | null) =>
  db.policy.findFirst({ where: { type: 'PASSWORD_ROTATION', tenantId }, orderBy: { createdAt: 'asc' }, select: rowSelect });

/**
 * SQL (for a user id expression): the shortest active rotation period, in minutes, among the
 * policies in force in the user's tenants (a tenant's row, else the vendor's; the vendor's for a
 * user without tenants); NULL when none is active. A user has one password, so the strictest wins.
 */
export const rotationMinutesSql = (userId: Prisma.Sql) => Prisma.sql`(
  SELECT MIN(CASE WHEN COALESCE(tp.enabled, vp.enabled) AND (COALESCE(tp.config, vp.config) ->> 'rotationPeriod') ~ '^[0-9]{1,9}$'
             THEN (COALESCE(tp.config, vp.config) ->> 'rotationPeriod')::int END)
  FROM (
    SELECT m."tenantId" FROM "UserTenant" m WHERE m."userId" = ${userId}
    UNION ALL
    SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM "UserTenant" m2 WHERE m2."userId" = ${userId})
  ) mt
  LEFT JOIN "Policy" tp ON tp.type = 'PASSWORD_ROTATION' AND tp."tenantId" = mt."tenantId"
  LEFT JOIN "Policy" vp ON vp.id = ${VENDOR_ROW_ID})`;

/** True when a password set at `changedAt` has outlived `rotationMinutes` (null: no active policy). */
export function passwordExpired(changedAt: Date | null, rotationMinutes: number | null, now: Date): boolean {
  if (rotationMinutes === null || changedAt === null) return false;
  return now.getTime() - changedAt.getTime() >= rotationMinutes * 60_000;
}

export function createPasswordRotationService(deps: Pick<Deps, 'db'>) {
  const { db } = deps;

  return {
    /** The policy in force for the tenant (its own, else the vendor's); null for the vendor scope reads the vendor's. */
    async get(tenantId: string | null): Promise<PasswordRotationView | null> {
      const row = (tenantId ? await findRow(db, tenantId) : null) ?? (await findRow(db, null));
      return row ? view(row) : null;
    },

    async vendor(): Promise<PasswordRotationView | null> {
      const row = await findRow(db, null);
      return row ? view(row) : null;
    },

    /**
     * Creates or updates one scope's policy; fields left out keep the scope's value (a first write
     * starts from what was in force there, else Frontegg's defaults). A tenant admin may only
     * tighten an active vendor policy: keep it active with a period no longer than the vendor's.
     */
    async set(tenantId: string | null, raw: PasswordRotationInput, writer: PolicyWriter): Promise<PasswordRotationView> {
      const input = parseInput(RotationInput, raw);
      if (tenantId && !(await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) fail('tenant_not_found');
      const vendorRow = await findRow(db, null);
      const own = tenantId ? await findRow(db, tenantId) : vendorRow;
      const base = own ?? vendorRow;
      const current = base ? view(base) : { isActive: false, rotationPeriod: DEFAULT_ROTATION_PERIOD, notificationPeriod: DEFAULT_NOTIFICATION_PERIOD };
      const next = {
        isActive: input.isActive ?? current.isActive,
        rotationPeriod: input.rotationPeriod ?? current.rotationPeriod,
        notificationPeriod: input.notificationPeriod ?? current.notificationPeriod,
      };
      if (writer.byTenantAdmin && tenantId && vendorRow) {
        const v = view(vendorRow);
        if (v.isActive && (!next.isActive || next.rotationPeriod > v.rotationPeriod)) {
          fail('auth_forbidden', "A tenant's policy may be stricter than the vendor's, not weaker");
        }
      }
      const data = { enabled: next.isActive, config: { rotationPeriod: next.rotationPeriod, notificationPeriod: next.notificationPeriod } };
      // One INSERT … ON CONFLICT per scope (the vendor row has a fixed id: NULL tenantIds are distinct).
      const row = tenantId
        ? await db.policy.upsert({
            where: { type_tenantId: { type: 'PASSWORD_ROTATION', tenantId } },
            create: { type: 'PASSWORD_ROTATION', tenantId, ...data },
            update: data,
            select: rowSelect,
          })
        : await db.policy.upsert({
            where: { id: VENDOR_ROW_ID },
            create: { id: VENDOR_ROW_ID, type: 'PASSWORD_ROTATION', tenantId: null, ...data },
            update: data,
            select: rowSelect,
          });
      return view(row);
    },
  };
}

export type PasswordRotationService = ReturnType<typeof createPasswordRotationService>;
