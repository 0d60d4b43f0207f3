// Who manages roles, permissions and groups, as the services see it. The transport resolves the
// caller into one of these; the rules (what a scope sees, what it may change, what it may hand
// out) live in the services.
import { fail } from '../../errors/domain-errors.ts';

export type ManagementActor =
  /** The vendor token: every tenant; `tenantId` is the tenant it acts in (frontegg-tenant-id), null for vendor-wide. */
  | { kind: 'vendor'; tenantId: string | null }
  /** A user or API token: its own tenant only, and only the permissions it holds. */
  | { kind: 'tenant'; tenantId: string; permissions: readonly string[] };

/** The tenant the actor works in, or a validation error when a tenant is needed and none is named. */
export function requireTenant(actor: ManagementActor): string {
  return actor.tenantId ?? fail('tenant_header_required');
}

/**
 * A user may only hand out permissions it holds itself (through roles on groups or in roles it
 * edits), so write access to roles or groups is never a way to escalate; the vendor holds all.
 */
export function assertGrantable(actor: ManagementActor, permissionKeys: Iterable<string>) {
  if (actor.kind === 'vendor') return;
  for (const key of permissionKeys) if (!actor.permissions.includes(key)) fail('role_exceeds_grantor');
}
