// Wires the services once per app. Transports receive this object, never the database.
import type { Deps } from './deps.ts';
import { createApiTokensService } from './api-tokens/api-tokens.service.ts';
import { createAuthService } from './auth/auth.service.ts';
import { createPasswordlessService } from './auth/passwordless.service.ts';
import { createSessionStore } from './auth/sessions.service.ts';
import { createTokenIssuer } from './auth/tokens.ts';
import { createMfaService } from './mfa/mfa.service.ts';
import { createSessionPolicyService } from './policies/session-policy.service.ts';
import { createPasswordPoliciesService } from './policies/password-policies.service.ts';
import { createTenantsService } from './tenants/tenants.service.ts';
import { createActivationService } from './users/activation.service.ts';
import { createEmailChangeService } from './users/email-change.service.ts';
import { createPasswordResetService } from './users/password-reset.service.ts';
import { createPasswordsService } from './users/passwords.service.ts';
import { createUsersService } from './users/users.service.ts';
import { createUserManagementService } from './users/user-management.service.ts';
import { createVendorService } from './vendor/vendor.service.ts';

export function createServices(deps: Deps) {
  const sessions = createSessionStore(deps);
  const tokens = createTokenIssuer(deps);
  const auth = createAuthService({ ...deps, sessions, tokens });
  return {
    auth,
    passwordReset: createPasswordResetService(deps),
    activation: createActivationService({ ...deps, startSession: auth.startSessionFor }),
    passwordless: createPasswordlessService({ ...deps, login: auth.loginProvenUser }),
    sessions,
    sessionPolicy: createSessionPolicyService(deps),
    users: createUsersService(deps),
    userManagement: createUserManagementService(deps),
    emailChange: createEmailChangeService(deps),
    passwords: createPasswordsService(deps),
    passwordPolicies: createPasswordPoliciesService(deps),
    tenants: createTenantsService(deps),
    vendor: createVendorService(deps),
    apiTokens: createApiTokensService(deps),
    mfa: createMfaService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
