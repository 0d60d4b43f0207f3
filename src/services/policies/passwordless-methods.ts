// Which passwordless login methods the vendor allows: one PASSWORDLESS policy row (vendor-wide,
// tenantId null). No row means every method is on, which is how Gatehouse behaved before the
// switch existed. The passwordless services check it at request and at login, so turning a method
// off also stops links and codes already sent.
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma, PrismaClient, Tx } from '../../platform/db.ts';
import { mergeVendorPolicyConfig, vendorPolicyRowId } from './policy-rows.ts';

export const PASSWORDLESS_METHODS = ['magicLink', 'code', 'smsCode'] as const;
export type PasswordlessMethod = (typeof PASSWORDLESS_METHODS)[number];
export type PasswordlessMethods = Record<PasswordlessMethod, boolean>;

const DEFAULTS: PasswordlessMethods = { magicLink: true, code: true, smsCode: true };

type Db = PrismaClient | Tx;

export async function readPasswordlessMethods(db: Db): Promise<PasswordlessMethods> {
  const row = await db.policy.findUnique({ where: { id: vendorPolicyRowId('PASSWORDLESS') }, select: { config: true } });
  const c = row?.config && typeof row.config === 'object' && !Array.isArray(row.config) ? (row.config as Record<string, unknown>) : {};
  return Object.fromEntries(PASSWORDLESS_METHODS.map((m) => [m, typeof c[m] === 'boolean' ? c[m] : DEFAULTS[m]])) as PasswordlessMethods;
}

/** Merges `patch` into the stored switches atomically (fields left out keep their value). */
export async function writePasswordlessMethods(db: Db, patch: Partial<PasswordlessMethods>, now: Date) {
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => typeof v === 'boolean')) as Prisma.InputJsonObject;
  await mergeVendorPolicyConfig(db, 'PASSWORDLESS', set, now);
}

/** Refuses a passwordless step of a method the vendor turned off. */
export async function assertPasswordlessMethodEnabled(db: Db, method: PasswordlessMethod) {
  if (!(await readPasswordlessMethods(db))[method]) fail('passwordless_method_disabled');
}
