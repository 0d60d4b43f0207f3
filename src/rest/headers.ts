// Request parts many routes share: one definition each, so the generated OpenAPI document
// describes them the same way everywhere.
import { z } from 'zod';

/** Vendor calls name the tenant they act in; user tokens act in their own tenant. */
export const actingTenantHeader = z.object({
  'frontegg-tenant-id': z.string().optional().describe('The tenant a vendor call acts in; user tokens act in their own tenant'),
});

/** A tenant id in the path. */
export const tenantIdParams = z.object({ tenantId: z.string() });

/**
 * GraphQL's Int is 32-bit, so every REST number that becomes an Int variable is bounded here: a
 * larger one would pass validation and then fail variable coercion. The bounds also reach the
 * OpenAPI document as minimum/maximum.
 */
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;
/** A JSON number that maps to a GraphQL Int. */
export const int32 = z.int32();
/** A query-string number that maps to a GraphQL Int. */
export const queryInt32 = z.coerce.number().int().min(INT32_MIN).max(INT32_MAX);
