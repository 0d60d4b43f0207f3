// Wires the services once per app. Transports receive this object, never the database.
import type { Deps } from './deps.ts';
import { createApiTokensService } from './api-tokens/api-tokens.service.ts';
import { createAccessTokensService } from './api-tokens/access-tokens.service.ts';
import { createAuthService } from './auth/auth.service.ts';
import { createPasswordlessService } from './auth/passwordless.service.ts';
import { createSessionStore } from './auth/sessions.service.ts';
import { createTokenIssuer } from './auth/tokens.ts';
import { createMfaService } from './mfa/mfa.service.ts';
import { createApplicationsService } from './applications/applications.service.ts';
import { createOAuthApplicationsService } from './applications/oauth-applications.service.ts';
import { createApiResourcesService } from './resources/api-resources.service.ts';
import { createGroupsService } from './roles/groups.service.ts';
import { createPermissionsService } from './roles/permissions.service.ts';
import { createRolesService } from './roles/roles.service.ts';
import { createMfaLoginService } from './mfa/mfa-login.service.ts';
import { createMfaPolicyService } from './mfa/mfa-policy.service.ts';
import { createMfaConfigurationService } from './mfa/mfa-strategies.ts';
import { createSmsMfaService } from './mfa/sms-mfa.service.ts';
import { createWebAuthnService } from './mfa/webauthn.service.ts';
import { createSessionPolicyService } from './policies/session-policy.service.ts';
import { createPhoneNumbersService } from './sms/phone-numbers.service.ts';
import { createSmsConfigService } from './sms/sms-config.service.ts';
import { createSmsLoginService } from './sms/sms-login.service.ts';
import { createPasswordPoliciesService } from './policies/password-policies.service.ts';
import { createTenantsService } from './tenants/tenants.service.ts';
import { createActivationService } from './users/activation.service.ts';
import { createEmailChangeService } from './users/email-change.service.ts';
import { createPasswordResetService } from './users/password-reset.service.ts';
import { createPasswordsService } from './users/passwords.service.ts';
import { createUsersService } from './users/users.service.ts';
import { createUnlockService } from './users/unlock.service.ts';
import { createAccountStrategiesService } from './users/account-strategies.ts';
import { createInvitationsService } from './users/invitations.service.ts';
import { createTenantInvitesService } from './tenants/tenant-invites.service.ts';
import { createTenantSettingsService } from './tenants/tenant-settings.service.ts';
import { createUserManagementService } from './users/user-management.service.ts';
import { createSubTenantUsersService } from './users/sub-tenant-users.service.ts';
import { createBulkInvitesService } from './users/bulk-invites.service.ts';
import { createMigrationsService } from './users/migrations.service.ts';
import { createUserEmailsService } from './users/user-emails.service.ts';
import { createUsernamesService } from './users/usernames.service.ts';
import { createVendorService } from './vendor/vendor.service.ts';
import { createIdentityConfigService } from './vendor/identity-config.service.ts';
import { createNodesService } from './nodes/nodes.service.ts';
import { createMailConfigService } from './mail/mail-config.service.ts';
import { createRestrictionsService } from './policies/restrictions.service.ts';
import { createPasswordRotationService } from './policies/password-rotation.service.ts';
import { createCaptchaPolicyService } from './policies/captcha-policy.service.ts';
import { createDelegationService } from './vendor/delegation.service.ts';
import { createThrottle, type ThrottleDeps } from './security/throttle.ts';
import { createJobWorker } from './jobs/job-worker.ts';
import { createSigningKeysService } from './keys/signing-keys.service.ts';
import { createOidcArtifacts } from './oauth/artifacts.ts';
import { createOauthClients } from './oauth/oauth-clients.ts';
import { auditServices } from './security/audited-services.ts';
import { createAuditService } from './audit/audit.service.ts';

export function createServices(base: Deps) {
  // Every service gets the throttle, and mail and SMS that pass the per-recipient limits first.
  const throttle = createThrottle(base);
  const deps: Deps & ThrottleDeps = { ...base, mailer: throttle.guardMailer(base.mailer), sms: throttle.guardSms(base.sms), throttle };
  const sessions = createSessionStore(deps);
  const tokens = createTokenIssuer(deps);
  const restrictions = createRestrictionsService(deps);
  const auth = createAuthService({ ...deps, sessions, tokens, ipRestrictions: restrictions.ipGuard });
  const mfa = createMfaService(deps);
  // Durable background jobs (bulk invites, migrations register their kinds); bootstrap starts it.
  const jobs = createJobWorker(deps);
  // Login, MFA, refresh, password and token entry points log one security event each (audited-services.ts).
  return auditServices(deps, {
    jobs,
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
    roles: createRolesService(deps),
    permissions: createPermissionsService(deps),
    groups: createGroupsService(deps),
    applications: createApplicationsService(deps),
    /** The same applications as OAuth clients (Logto's types, redirect URIs, secrets, M2M roles). */
    oauthApplications: createOAuthApplicationsService(deps),
    apiResources: createApiResourcesService(deps),
    mfa,
    mfaLogin: createMfaLoginService({ ...deps, mfa, startSession: auth.startSessionFor }),
    mfaPolicy: createMfaPolicyService(deps),
    mfaConfiguration: createMfaConfigurationService(deps),
    smsConfig: createSmsConfigService(deps),
    phoneNumbers: createPhoneNumbersService(deps),
    smsMfa: createSmsMfaService({ ...deps, startSession: auth.startSessionFor }),
    smsLogin: createSmsLoginService({ ...deps, login: auth.loginProvenUser }),
    /** The development SMS outbox; null when a provider delivers (or nothing can). */
    smsOutbox: () => deps.sms.outbox,
    accessTokens: createAccessTokensService(deps),
    identityConfig: createIdentityConfigService(deps),
    unlock: createUnlockService(deps),
    webauthn: createWebAuthnService({ ...deps, startSession: auth.startSessionFor }),
    invitations: createInvitationsService(deps),
    accountStrategies: createAccountStrategiesService(deps),
    tenantInvites: createTenantInvitesService(deps),
    // Its own (stateless) invitations instance: the same invite path as single invites.
    bulkInvites: createBulkInvitesService({ ...deps, jobs, invitations: createInvitationsService(deps) }),
    userEmails: createUserEmailsService(deps),
    subTenantUsers: createSubTenantUsersService({ ...deps, invitations: createInvitationsService(deps) }),
    usernames: createUsernamesService(deps),
    tenantSettings: createTenantSettingsService(deps),
    nodes: createNodesService(deps),
    mailConfig: createMailConfigService(deps),
    restrictions,
    migrations: createMigrationsService({ ...deps, jobs }),
    passwordRotation: createPasswordRotationService(deps),
    captchaPolicy: createCaptchaPolicyService(deps),
    delegation: createDelegationService(deps),
    signingKeys: createSigningKeysService(deps),
    /** The OpenID provider's read side (clients, secrets, resources, scopes) and its artifact store. */
    oauthClients: createOauthClients(deps),
    oidcArtifacts: createOidcArtifacts(deps),
    audit: createAuditService(deps),
    throttle,
  });
}

export type Services = ReturnType<typeof createServices>;
