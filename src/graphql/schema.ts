// Imports the domain type files and builds the schema; nothing else (pothos complex-app).
import { builder } from './builder.ts';
import './errors.ts';
import './types/account-recovery.ts';
import './types/api-token.ts';
import './types/auth.ts';
import './types/email-change.ts';
import './types/mfa.ts';
import './types/password.ts';
import './types/passwordless.ts';
import './types/role.ts';
import './types/session.ts';
import './types/tenant.ts';
import './types/user.ts';
import './types/user-management.ts';
import './types/vendor.ts';

export const schema = builder.toSchema({ sortSchema: true });
