// Who reads and writes a security policy (password, lockout, history, session, MFA, IP
// restrictions). The tenant is the service rule's (scopeFor: the vendor names one or, naming
// none, the vendor default; anyone else only their own tenant).
import { canInTenant } from './auth-scopes.ts';
import type { GraphQLContext } from './context.ts';

/** A tenant admin may only tighten what the vendor set; the vendor writes freely. */
export const policyWriter = (ctx: GraphQLContext) => ({ byTenantAdmin: ctx.principal.kind !== 'vendor' });

export const readPolicyScopes = canInTenant('fe.secure.read.securityPolicy');
export const writePolicyScopes = canInTenant('fe.secure.write.securityPolicy');
