import type { RouteDefinition } from '../define-route.ts';
import { accountRecoveryRoutes } from './account-recovery.routes.ts';
import { apiTokenRoutes } from './api-tokens.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { mfaRoutes } from './mfa.routes.ts';
import { passwordRoutes } from './passwords.routes.ts';
import { passwordlessRoutes } from './passwordless.routes.ts';
import { sessionRoutes } from './sessions.routes.ts';
import { tenantRoutes } from './tenants.routes.ts';
import { userRoutes } from './users.routes.ts';
import { userManagementRoutes } from './user-management.routes.ts';

/** Every REST route Gatehouse serves. */
export const routes: readonly RouteDefinition[] = [...authRoutes, ...userRoutes, ...tenantRoutes, ...sessionRoutes, ...apiTokenRoutes, ...passwordRoutes, ...mfaRoutes, ...accountRecoveryRoutes, ...passwordlessRoutes, ...userManagementRoutes];
