// Who reads and writes a security policy (password, lockout, history, session, MFA): one rule.
import { fail } from '../errors/domain-errors.ts';
import { actingTenantId, type GraphQLContext } from './context.ts';

/**
 * The scope a policy call reads or writes: the vendor names a tenant (argument or
 * frontegg-tenant-id) or, naming none, the vendor default; anyone else only their own tenant.
 */
export function policyScope(ctx: GraphQLContext, requested: string | null | undefined): string | null {
  if (ctx.principal.kind === 'vendor') return requested ?? ctx.headerTenantId ?? null;
  const own = actingTenantId(ctx) ?? fail('auth_forbidden');
  if (requested && requested !== own) fail('auth_forbidden');
  return own;
}

/** A tenant admin may only tighten what the vendor set; the vendor writes freely. */
export const policyWriter = (ctx: GraphQLContext) => ({ byTenantAdmin: ctx.principal.kind !== 'vendor' });

export const readPolicyScopes = { $any: { vendor: true, permission: 'fe.secure.read.securityPolicy' } } as const;
export const writePolicyScopes = { $any: { vendor: true, permission: 'fe.secure.write.securityPolicy' } } as const;
