// Request parts many routes share: one definition each, so the generated OpenAPI document
// describes them the same way everywhere.
import { z } from 'zod';

/** Vendor calls name the tenant they act in; user tokens act in their own tenant. */
export const actingTenantHeader = z.object({
  'frontegg-tenant-id': z.string().optional().describe('The tenant a vendor call acts in; user tokens act in their own tenant'),
});

/** A tenant id in the path. */
export const tenantIdParams = z.object({ tenantId: z.string() });
