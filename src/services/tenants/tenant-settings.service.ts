// A tenant's own settings in Frontegg's Tenants API: account settings (address, timezone, date
// and time formats, currency, logo) and the sub-account management/hierarchy settings a parent
// sets on a tenant below it. They live in Tenant columns (one row per tenant, read with it);
// who may read or write them is decided by the GraphQL fields, the values' rules here.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { currencySchema, parseInput, timeZoneSchema } from '../validation.ts';
import { isWithin } from './hierarchy.ts';

/**
 * A data-URL logo is stored in the row and sent with every tenant read, so it is kept small
 * (Frontegg's admin portal caps uploaded logos at 1 MB; a row this size would slow every list).
 */
export const MAX_LOGO_DATA_URL_CHARS = 512 * 1024;

const logoSchema = z
  .string()
  .trim()
  .max(MAX_LOGO_DATA_URL_CHARS, `must be at most ${MAX_LOGO_DATA_URL_CHARS} characters`)
  .refine((v) => {
    if (/^data:image\/(png|jpe?g|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/.test(v)) return true;
    if (v.length > 2048) return false;
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL or a base64 image data URL');

/** null clears a setting; an absent key leaves it as it is. */
export const AccountSettingsInput = z
  .object({
    address: z.string().trim().max(1024).nullish(),
    timezone: timeZoneSchema.nullish(),
    dateFormat: z.string().trim().min(1).max(64).nullish(),
    timeFormat: z.string().trim().min(1).max(64).nullish(),
    currency: currencySchema.nullish(),
    logo: logoSchema.nullish(),
  })
  .refine((o) => Object.values(o).some((v) => v !== undefined), 'at least one setting is required');
export type AccountSettingsInput = z.input<typeof AccountSettingsInput>;

export const SUB_ACCOUNT_ACCESS_TYPES = ['defaultOff', 'defaultOn', 'alwaysOn'] as const;
export type SubAccountAccessType = (typeof SUB_ACCOUNT_ACCESS_TYPES)[number];

export function createTenantSettingsService({ db }: Pick<Deps, 'db'>) {
  /**
   * `within` (non-vendor callers): the tenant the caller administers; the target must lie
   * strictly below it. Outside that sub-tree the answer is "not found", as for an unknown id.
   */
  const assertManagedBy = async (within: string | null, id: string) => {
    if (within !== null && (id === within || !(await isWithin(db, within, id)))) fail('tenant_not_found');
  };

  /** Writes one tenant's columns; an unknown tenant is not found (no upsert of a missing row). */
  const write = async <Q extends object>(id: string, data: Prisma.TenantUpdateInput, query?: Q) => {
    const { count } = await db.tenant.updateMany({ where: { id }, data });
    if (count !== 1) fail('tenant_not_found');
    return (await db.tenant.findUnique({ ...(query ?? {}), where: { id } }))!;
  };

  return {
    async updateAccountSettings<Q extends object>(tenantId: string, raw: AccountSettingsInput, query?: Q) {
      const { logo, ...rest } = parseInput(AccountSettingsInput, raw);
      const data: Prisma.TenantUpdateInput = {};
      for (const [k, v] of Object.entries({ ...rest, logoUrl: logo })) if (v !== undefined) (data as Record<string, unknown>)[k] = v;
      return write(tenantId, data, query);
    },

    /** Frontegg's "sub-account management": whether the tenant may resell (run its own sub-accounts). */
    async setReseller<Q extends object>(id: string, isReseller: boolean, within: string | null, query?: Q) {
      const value = parseInput(z.boolean({ message: 'isReseller must be a boolean' }), isReseller);
      await assertManagedBy(within, id);
      return write(id, { isReseller: value }, query);
    },

    async setHierarchySettings<Q extends object>(id: string, raw: { subAccountAccessType: string }, within: string | null, query?: Q) {
      const { subAccountAccessType } = parseInput(z.object({ subAccountAccessType: z.enum(SUB_ACCOUNT_ACCESS_TYPES) }), raw);
      await assertManagedBy(within, id);
      return write(id, { subAccountAccessType }, query);
    },
  };
}

export type TenantSettingsService = ReturnType<typeof createTenantSettingsService>;
