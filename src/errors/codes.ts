// The one error-code registry (supabase apierrors, logto RequestError): every failure has a
// stable snake_case code with exactly one HTTP status, one default message (Frontegg's wording
// where Frontegg has one) and one GraphQL error type. REST and GraphQL both read this table.

export type ErrorKind =
  | 'ValidationError'
  | 'InvalidCredentialsError'
  | 'UnauthenticatedError'
  | 'InvalidTokenError'
  | 'ForbiddenError'
  | 'NotFoundError'
  | 'ConflictError'
  | 'UserLockedError'
  | 'NotImplementedError'
  | 'RequestError'
  | 'InternalError';

interface ErrorSpec {
  status: number;
  message: string;
  kind: ErrorKind;
}

const spec = (status: number, kind: ErrorKind, message: string): ErrorSpec => ({ status, kind, message });

export const ERROR_CODES = {
  // request shape (transport level)
  request_malformed_json: spec(400, 'RequestError', 'Request body is not valid JSON'),
  request_too_large: spec(413, 'RequestError', 'Request body is too large'),
  request_unsupported_media_type: spec(415, 'RequestError', 'Content-Type must be application/json'),
  route_not_found: spec(404, 'RequestError', 'Route not found'),
  route_method_not_allowed: spec(405, 'RequestError', 'Method not allowed'),
  graphql_invalid_query: spec(400, 'RequestError', 'Invalid GraphQL request'),
  // validation
  validation_failed: spec(400, 'ValidationError', 'Validation failed'),
  tenant_header_required: spec(400, 'ValidationError', 'frontegg-tenant-id header is required'),
  user_header_required: spec(400, 'ValidationError', 'frontegg-user-id header is required'),
  role_ids_invalid: spec(400, 'ValidationError', 'One or more roles were not found'),
  temporary_users_disabled: spec(400, 'ValidationError', 'Temporary users are not enabled'),
  password_policy_violation: spec(400, 'ValidationError', 'Password does not meet the password policy'),
  password_history_violation: spec(400, 'ValidationError', 'Password was used recently; choose another one'),
  api_token_permissions_invalid: spec(400, 'ValidationError', 'One or more permissions were not found or cannot be assigned'),
  password_reset_token_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired password reset token'),
  activation_token_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired activation token'),
  email_change_code_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired verification code'),
  activation_password_required: spec(400, 'ValidationError', 'A password is required to activate this user'),
  passwordless_token_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired login link'),
  passwordless_code_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired login code'),
  // authentication
  auth_invalid_credentials: spec(401, 'InvalidCredentialsError', 'Invalid authentication'),
  auth_vendor_invalid_credentials: spec(401, 'InvalidCredentialsError', 'Invalid client credentials'),
  api_token_invalid_credentials: spec(401, 'InvalidCredentialsError', 'Invalid client credentials'),
  auth_unauthenticated: spec(401, 'UnauthenticatedError', 'Unauthorized'),
  auth_token_invalid: spec(401, 'InvalidTokenError', 'Invalid token'),
  auth_token_expired: spec(401, 'InvalidTokenError', 'Token expired'),
  auth_refresh_token_invalid: spec(401, 'InvalidTokenError', 'Invalid refresh token'),
  auth_session_revoked: spec(401, 'InvalidTokenError', 'Session was revoked'),
  // one message for wrong, replayed and out-of-window codes, so a replay is not distinguishable
  mfa_code_invalid: spec(400, 'InvalidCredentialsError', 'Invalid MFA code'),
  mfa_recovery_code_invalid: spec(400, 'InvalidCredentialsError', 'Invalid recovery code'),
  mfa_token_invalid: spec(401, 'InvalidTokenError', 'Invalid or expired MFA token'),
  // authorization
  auth_forbidden: spec(403, 'ForbiddenError', 'Insufficient permissions'),
  auth_vendor_only: spec(403, 'ForbiddenError', 'This action requires a vendor token'),
  user_locked: spec(403, 'UserLockedError', 'User is locked'),
  user_not_verified: spec(403, 'ForbiddenError', 'User is not verified'),
  user_no_tenant_access: spec(403, 'ForbiddenError', 'User has no active membership in a tenant'),
  user_not_member_of_tenant: spec(403, 'ForbiddenError', 'User is not a member of this tenant'),
  signup_disabled: spec(403, 'ForbiddenError', 'Sign up is disabled'),
  role_exceeds_grantor: spec(403, 'ForbiddenError', 'A role cannot be assigned with permissions its assigner does not hold'),
  api_token_exceeds_grantor: spec(403, 'ForbiddenError', 'A token cannot be given permissions its creator does not hold'),
  // lookups
  user_not_found: spec(404, 'NotFoundError', 'User not found'),
  tenant_not_found: spec(404, 'NotFoundError', 'Tenant not found'),
  lockout_policy_not_found: spec(404, 'NotFoundError', 'Lockout policy is not defined'),
  password_history_policy_not_found: spec(404, 'NotFoundError', 'Password History Policy not found'),
  session_not_found: spec(404, 'NotFoundError', 'Session not found'),
  mfa_device_not_found: spec(404, 'NotFoundError', 'MFA device not found'),
  mfa_enrollment_not_found: spec(404, 'NotFoundError', 'No pending authenticator enrollment; start enrollment first'),
  mfa_not_enrolled: spec(404, 'NotFoundError', 'MFA is not enrolled'),
  api_token_not_found: spec(404, 'NotFoundError', 'API token not found'),
  vendor_settings_not_found: spec(404, 'NotFoundError', 'Vendor settings are not initialised'),
  // conflicts
  user_already_exists: spec(409, 'ConflictError', 'User already exists'),
  mfa_already_enrolled: spec(409, 'ConflictError', 'An authenticator app is already enrolled'),
  user_already_in_tenant: spec(409, 'ConflictError', 'User already exists in this tenant'),
  username_taken: spec(409, 'ConflictError', 'Username is already taken'),
  tenant_already_exists: spec(409, 'ConflictError', 'Tenant already exists'),
  tenant_has_sub_tenants: spec(409, 'ConflictError', 'Tenant has sub-tenants; delete them first'),
  lockout_policy_already_exists: spec(409, 'ConflictError', 'Lockout Policy already exists'),
  password_history_policy_already_exists: spec(409, 'ConflictError', 'Policy already exists. Use the Update Password History Policy API.'),
  // features that are not built yet answer this, never a fake success
  feature_not_implemented: spec(501, 'NotImplementedError', 'Not implemented'),
  // a server configuration problem, not bad input: the vendor must set GATEHOUSE_SMTP_URL
  mail_not_configured: spec(503, 'NotImplementedError', 'Email delivery is not configured'),
  internal_error: spec(500, 'InternalError', 'Internal server error'),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

export const errorSpec = (code: ErrorCode): ErrorSpec => ERROR_CODES[code];
