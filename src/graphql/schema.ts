// Imports the domain type files and builds the schema; nothing else (pothos complex-app).
import { builder } from './builder.ts';
import './errors.ts';
import './types/account-recovery.ts';
import './types/access-token.ts';
import './types/api-token.ts';
import './types/auth.ts';
import './types/email-change.ts';
import './types/identity-config.ts';
import './types/invitation.ts';
import './types/mfa.ts';
import './types/mfa-login.ts';
import './types/mfa-policy.ts';
import './types/password.ts';
import './types/passwordless.ts';
import './types/phone-number.ts';
import './types/role.ts';
import './types/session.ts';
import './types/sms.ts';
import './types/sms-mfa.ts';
import './types/tenant.ts';
import './types/unlock.ts';
import './types/user.ts';
import './types/vendor.ts';
import './types/group.ts';
import './types/application.ts';
import './types/webauthn.ts';

export const schema = builder.toSchema({ sortSchema: true });
