import type { RouteDefinition } from '../define-route.ts';
import { auditRoutes } from './audits.routes.ts';
import { accessTokenRoutes } from './access-tokens.routes.ts';
import { accountRecoveryRoutes } from './account-recovery.routes.ts';
import { apiTokenRoutes } from './api-tokens.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { identityConfigRoutes } from './identity-config.routes.ts';
import { hierarchyRoutes } from './hierarchy.routes.ts';
import { invitationRoutes } from './invitations.routes.ts';
import { mfaRoutes } from './mfa.routes.ts';
import { mfaLoginRoutes } from './mfa-login.routes.ts';
import { mfaPolicyRoutes } from './mfa-policy.routes.ts';
import { passwordRoutes } from './passwords.routes.ts';
import { passwordlessRoutes } from './passwordless.routes.ts';
import { phoneNumberRoutes } from './phone-numbers.routes.ts';
import { sessionRoutes } from './sessions.routes.ts';
import { smsRoutes } from './sms.routes.ts';
import { mailConfigRoutes } from './mail-config.routes.ts';
import { tenantRoutes } from './tenants.routes.ts';
import { unlockRoutes } from './unlock.routes.ts';
import { tenantInviteRoutes } from './tenant-invites.routes.ts';
import { userRoutes } from './users.routes.ts';
import { applicationRoutes } from './applications.routes.ts';
import { groupRoutes } from './groups.routes.ts';
import { roleRoutes } from './roles.routes.ts';
import { webauthnRoutes } from './webauthn.routes.ts';
import { userManagementRoutes } from './user-management.routes.ts';
import { bulkInviteRoutes } from './bulk-invite.routes.ts';
import { userEmailRoutes } from './user-emails.routes.ts';
import { usernameRoutes } from './usernames.routes.ts';
import { tenantSettingsRoutes } from './tenant-settings.routes.ts';
import { subTenantUserRoutes } from './sub-tenant-users.routes.ts';
import { restrictionRoutes } from './restrictions.routes.ts';
import { migrationRoutes } from './migrations.routes.ts';
import { configPolicyRoutes } from './config-policies.routes.ts';

/** Every REST route Gatehouse serves. */
export const routes: readonly RouteDefinition[] = [
  ...authRoutes,
  ...userRoutes,
  ...tenantRoutes,
  ...sessionRoutes,
  ...apiTokenRoutes,
  ...passwordRoutes,
  ...mfaRoutes,
  ...mfaLoginRoutes,
  ...mfaPolicyRoutes,
  ...accountRecoveryRoutes,
  ...passwordlessRoutes,
  ...roleRoutes,
  ...groupRoutes,
  ...applicationRoutes,
  ...phoneNumberRoutes,
  ...smsRoutes,
  ...mailConfigRoutes,
  ...accessTokenRoutes,
  ...identityConfigRoutes,
  ...unlockRoutes,
  ...hierarchyRoutes,
  ...webauthnRoutes,
  ...invitationRoutes,
  ...tenantInviteRoutes,
  ...userManagementRoutes,
  ...bulkInviteRoutes,
  ...userEmailRoutes,
  ...usernameRoutes,
  ...tenantSettingsRoutes,
  ...subTenantUserRoutes,
  ...restrictionRoutes,
  ...migrationRoutes,
  ...configPolicyRoutes,
  ...auditRoutes,
];
