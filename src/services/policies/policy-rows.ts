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
