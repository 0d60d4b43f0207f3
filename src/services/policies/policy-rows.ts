// Storage of policy rows shared by every policy kind: one row per (type, scope), where the scope
// is a tenant or the vendor default (tenantId null).
import type { Prisma, Tx } from '../../platform/db.ts';

type PolicyType = Prisma.PolicyCreateInput['type'];

/**
 * Fixed id of a policy type's vendor-default row. The (type, tenantId) unique index does not
 * cover tenantId null (NULLs are distinct), so concurrent first writes upsert this id instead of
 * inserting two vendor rows.
 */
export const vendorPolicyRowId = (type: PolicyType) => `vendor-default-${type.toLowerCase().replace(/_/g, '-')}-policy`;

/** Writes a scope's config in one INSERT … ON CONFLICT statement. */
export async function upsertPolicyRow(db: Tx, type: PolicyType, tenantId: string | null, config: Prisma.InputJsonObject) {
  if (tenantId) {
    await db.policy.upsert({
      where: { type_tenantId: { type, tenantId } },
      create: { type, tenantId, config },
      update: { config },
    });
    return;
  }
  const id = vendorPolicyRowId(type);
  await db.policy.upsert({ where: { id }, create: { id, type, tenantId: null, config }, update: { config } });
}

/**
 * Merges `patch` into the vendor row's config in one INSERT … ON CONFLICT statement (jsonb `||`),
 * so two settings written at once by different callers both survive. Returns the merged config.
 */
export async function mergeVendorPolicyConfig(db: Tx, type: PolicyType, patch: Prisma.InputJsonObject, now: Date) {
  const id = vendorPolicyRowId(type);
  const rows = await db.$queryRaw<Array<{ config: unknown }>>`
    INSERT INTO "Policy" (id, type, "tenantId", enabled, config, "createdAt", "updatedAt")
    VALUES (${id}, ${type}::"PolicyType", NULL, true, ${JSON.stringify(patch)}::jsonb, ${now}, ${now})
    ON CONFLICT (id) DO UPDATE SET config = "Policy".config || EXCLUDED.config, "updatedAt" = EXCLUDED."updatedAt"
    RETURNING config`;
  return rows[0]!.config;
}
