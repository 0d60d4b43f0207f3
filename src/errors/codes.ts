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
  | 'RateLimitedError'
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
  request_cross_origin: spec(403, 'RequestError', 'Cross-origin request refused: this origin may not use the session cookie'),
  graphql_invalid_query: spec(400, 'RequestError', 'Invalid GraphQL request'),
  // validation
  validation_failed: spec(400, 'ValidationError', 'Validation failed'),
  tenant_header_required: spec(400, 'ValidationError', 'frontegg-tenant-id header is required'),
  user_header_required: spec(400, 'ValidationError', 'frontegg-user-id header is required'),
  role_ids_invalid: spec(400, 'ValidationError', 'One or more roles were not found'),
  mfa_policy_update_empty: spec(400, 'ValidationError', 'Missing parameters to update'),
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
  permission_ids_invalid: spec(400, 'ValidationError', 'One or more permissions were not found or cannot be assigned'),
  permission_key_reserved: spec(400, 'ValidationError', 'Permission keys starting with fe. are reserved for built-in permissions'),
  group_user_ids_invalid: spec(400, 'ValidationError', 'One or more users are not members of this tenant'),
  application_not_assigned: spec(400, 'ValidationError', 'The user is not assigned to this application in that tenant'),
  identity_config_fixed: spec(400, 'ValidationError', 'This setting is fixed by the server configuration'),
  unlock_token_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired unlock token'),
  invitation_token_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired invitation'),
  invitation_code_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired invitation code'),
  tenant_invite_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired invitation token'),
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
  // one answer for a wrong signature, origin, RP id, counter, unknown credential or someone else's device
  webauthn_verification_failed: spec(400, 'InvalidCredentialsError', 'WebAuthn verification failed'),
  webauthn_challenge_invalid: spec(400, 'InvalidTokenError', 'Invalid, used or expired WebAuthn challenge'),
  // authorization
  auth_forbidden: spec(403, 'ForbiddenError', 'Insufficient permissions'),
  auth_vendor_only: spec(403, 'ForbiddenError', 'This action requires a vendor token'),
  auth_ip_restricted: spec(403, 'ForbiddenError', 'Access from your IP address is restricted for this account'),
  email_domain_restricted: spec(403, 'ForbiddenError', 'Email domain is not allowed'),
  user_locked: spec(403, 'UserLockedError', 'User is locked'),
  user_not_verified: spec(403, 'ForbiddenError', 'User is not verified'),
  mfa_strategy_disabled: spec(403, 'ForbiddenError', 'This MFA method is not enabled'),
  user_no_tenant_access: spec(403, 'ForbiddenError', 'User has no active membership in a tenant'),
  user_not_member_of_tenant: spec(403, 'ForbiddenError', 'User is not a member of this tenant'),
  signup_disabled: spec(403, 'ForbiddenError', 'Sign up is disabled'),
  passwordless_method_disabled: spec(403, 'ForbiddenError', 'This login method is disabled'),
  tenant_invites_disabled: spec(403, 'ForbiddenError', 'Account invitations are disabled'),
  api_token_exceeds_grantor: spec(403, 'ForbiddenError', 'A token cannot be given permissions its creator does not hold'),
  role_exceeds_grantor: spec(403, 'ForbiddenError', 'Cannot grant permissions the caller does not hold'),
  role_vendor_managed: spec(403, 'ForbiddenError', 'Vendor-wide roles are managed by the vendor'),
  permission_built_in: spec(403, 'ForbiddenError', 'Built-in permissions cannot be changed'),
  permission_category_built_in: spec(403, 'ForbiddenError', 'Built-in permission categories cannot be changed'),
  groups_disabled: spec(403, 'ForbiddenError', 'Groups are disabled'),
  group_roles_disabled: spec(403, 'ForbiddenError', 'Roles on groups are disabled'),
  // lookups
  user_not_found: spec(404, 'NotFoundError', 'User not found'),
  tenant_not_found: spec(404, 'NotFoundError', 'Tenant not found'),
  lockout_policy_not_found: spec(404, 'NotFoundError', 'Lockout policy is not defined'),
  password_history_policy_not_found: spec(404, 'NotFoundError', 'Password History Policy not found'),
  mfa_policy_not_found: spec(404, 'NotFoundError', 'Security Policy not found. MFA is disabled'),
  session_not_found: spec(404, 'NotFoundError', 'Session not found'),
  mfa_device_not_found: spec(404, 'NotFoundError', 'MFA device not found'),
  mfa_enrollment_not_found: spec(404, 'NotFoundError', 'No pending authenticator enrollment; start enrollment first'),
  mfa_not_enrolled: spec(404, 'NotFoundError', 'MFA is not enrolled'),
  webauthn_device_not_found: spec(404, 'NotFoundError', 'WebAuthn device not found'),
  api_token_not_found: spec(404, 'NotFoundError', 'API token not found'),
  invitation_not_found: spec(404, 'NotFoundError', 'No pending invitation for this user in this tenant'),
  tenant_invite_not_found: spec(404, 'NotFoundError', 'Invitation not found'),
  vendor_settings_not_found: spec(404, 'NotFoundError', 'Vendor settings are not initialised'),
  role_not_found: spec(404, 'NotFoundError', 'Role not found'),
  permission_not_found: spec(404, 'NotFoundError', 'Permission not found'),
  permission_category_not_found: spec(404, 'NotFoundError', 'Permission category not found'),
  group_not_found: spec(404, 'NotFoundError', 'Group not found'),
  application_not_found: spec(404, 'NotFoundError', 'Application not found'),
  // conflicts
  user_already_exists: spec(409, 'ConflictError', 'User already exists'),
  mfa_already_enrolled: spec(409, 'ConflictError', 'An authenticator app is already enrolled'),
  webauthn_credential_exists: spec(409, 'ConflictError', 'This authenticator is already registered'),
  user_already_in_tenant: spec(409, 'ConflictError', 'User already exists in this tenant'),
  username_taken: spec(409, 'ConflictError', 'Username is already taken'),
  tenant_already_exists: spec(409, 'ConflictError', 'Tenant already exists'),
  tenant_has_sub_tenants: spec(409, 'ConflictError', 'Tenant has sub-tenants; delete them first'),
  lockout_policy_already_exists: spec(409, 'ConflictError', 'Lockout Policy already exists'),
  mfa_policy_already_exists: spec(409, 'ConflictError', 'MFA Policy already exists. Try to use the Update MFA Policy API'),
  password_history_policy_already_exists: spec(409, 'ConflictError', 'Policy already exists. Use the Update Password History Policy API.'),
  role_already_exists: spec(409, 'ConflictError', 'A role with this key already exists'),
  permission_already_exists: spec(409, 'ConflictError', 'A permission with this key already exists'),
  permission_category_already_exists: spec(409, 'ConflictError', 'A permission category with this id or name already exists'),
  group_already_exists: spec(409, 'ConflictError', 'A group with this name already exists'),
  // abuse throttling: one answer for known and unknown accounts (the limit is counted for both)
  rate_limited: spec(429, 'RateLimitedError', 'Too many requests'),
  // features that are not built yet answer this, never a fake success
  feature_not_implemented: spec(501, 'NotImplementedError', 'Not implemented'),
  // a server configuration problem, not bad input: the vendor must set GATEHOUSE_SMTP_URL
  mail_not_configured: spec(503, 'NotImplementedError', 'Email delivery is not configured'),
  // SMS (phone numbers, SMS MFA, SMS login and reset codes, SMS configuration)
  sms_not_configured: spec(503, 'NotImplementedError', 'SMS delivery is not configured'),
  sms_delivery_failed: spec(502, 'NotImplementedError', 'The SMS could not be sent; try again later'),
  sms_code_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired code'),
  sms_outbox_not_available: spec(404, 'NotFoundError', 'The SMS outbox is only kept when no SMS provider is configured'),
  sms_config_not_found: spec(404, 'NotFoundError', 'SMS configuration not found'),
  sms_template_not_found: spec(404, 'NotFoundError', 'SMS template not found'),
  sms_template_type_unknown: spec(400, 'ValidationError', 'Unknown SMS template type'),
  phone_number_invalid: spec(400, 'ValidationError', 'Invalid phone number; use the international format (+15551234567)'),
  phone_number_not_found: spec(404, 'NotFoundError', 'Phone number not found'),
  phone_number_exists: spec(409, 'ConflictError', 'This phone number is already set for the user'),
  mfa_sms_already_enrolled: spec(409, 'ConflictError', 'This phone number is already enrolled for SMS MFA'),
  // additional user emails, usernames, bulk jobs
  user_email_exists: spec(409, 'ConflictError', 'This email is already in use'),
  user_email_not_found: spec(404, 'NotFoundError', 'User email not found'),
  user_email_code_invalid: spec(400, 'InvalidTokenError', 'Invalid or expired verification code'),
  user_email_not_verified: spec(400, 'ValidationError', 'Only a verified email can become the primary email'),
  user_email_change_disabled: spec(403, 'ForbiddenError', 'Email changes are disabled by the user emails policy'),
  username_exists: spec(409, 'ConflictError', 'This username is already taken'),
  username_not_found: spec(404, 'NotFoundError', 'Username not found'),
  job_not_found: spec(404, 'NotFoundError', 'Job not found'),
  restriction_not_found: spec(404, 'NotFoundError', 'Restriction not found'),
  job_queue_full: spec(429, 'RateLimitedError', 'Too many bulk jobs are queued or running; wait for one to finish'),
  // signing keys (vendor)
  signing_key_not_found: spec(404, 'NotFoundError', 'Signing key not found'),
  signing_key_in_use: spec(409, 'ConflictError', 'The current signing key cannot be retired; rotate first'),
  job_shutting_down: spec(503, 'NotImplementedError', 'The server is shutting down; try again later'),
  // vendor mail configuration and templates
  mail_config_not_found: spec(404, 'NotFoundError', 'Mail configuration not found'),
  mail_config_invalid: spec(400, 'ValidationError', 'Invalid mail configuration'),
  mail_provider_unknown: spec(400, 'ValidationError', 'Unknown mail provider; use smtp or sendgrid'),
  mail_provider_not_supported: spec(501, 'NotImplementedError', 'This mail provider is not supported; use smtp or sendgrid'),
  mail_template_not_found: spec(404, 'NotFoundError', 'Mail template not found'),
  mail_template_type_unknown: spec(400, 'ValidationError', 'Unknown mail template type'),
  mail_template_type_not_supported: spec(501, 'NotImplementedError', 'Gatehouse does not send this type of mail'),
  // user migration
  migration_password_hash_invalid: spec(400, 'ValidationError', 'Invalid password hash'),
  // captcha, password rotation (expiration)
  captcha_failed: spec(400, 'InvalidTokenError', 'Captcha verification failed'),
  captcha_policy_not_found: spec(404, 'NotFoundError', 'Captcha policy not found'),
  captcha_policy_already_exists: spec(409, 'ConflictError', 'Captcha policy already exists. Use the Update Captcha Policy API.'),
  password_rotation_not_found: spec(404, 'NotFoundError', 'Password rotation configuration not found'),
  // applications as OAuth clients (services/applications/oauth-applications.service.ts)
  not_implemented: spec(501, 'NotImplementedError', 'Not implemented'),
  application_redirect_uri_invalid: spec(400, 'ValidationError', 'Invalid redirect URI: an absolute https URL without fragment or wildcard (http only for loopback, custom schemes only for native apps)'),
  application_cors_origin_invalid: spec(400, 'ValidationError', 'Invalid CORS origin: scheme://host[:port] only, https unless loopback'),
  application_secret_not_allowed: spec(400, 'ValidationError', 'Public clients (SPA and native applications) have no secrets'),
  application_secret_not_found: spec(404, 'NotFoundError', 'Application secret not found'),
  application_secret_already_exists: spec(409, 'ConflictError', 'The application already has a secret with this name'),
  application_roles_not_allowed: spec(400, 'ValidationError', 'Only machine-to-machine applications have roles'),
  role_not_for_applications: spec(400, 'ValidationError', 'Only machine-to-machine roles can be given to applications'),
  role_not_for_users: spec(400, 'ValidationError', 'Machine-to-machine roles cannot be given to users, groups or API tokens'),
  role_type_invalid: spec(400, 'ValidationError', 'Machine-to-machine roles are vendor-wide and never default or first-user roles'),
  // API resources (RFC 8707) and their scopes (services/resources)
  api_resource_not_found: spec(404, 'NotFoundError', 'API resource not found'),
  api_resource_already_exists: spec(409, 'ConflictError', 'An API resource with this indicator already exists'),
  api_resource_indicator_invalid: spec(400, 'ValidationError', 'The indicator must be an absolute URI without fragment or wildcard (RFC 8707)'),
  api_scope_not_found: spec(404, 'NotFoundError', 'API scope not found'),
  api_scope_already_exists: spec(409, 'ConflictError', 'The API resource already has a scope with this name'),
  // database refusals no service anticipated (services/database-errors.ts): the input named a row
  // that does not exist or collides with one, never a server fault
  reference_not_found: spec(404, 'NotFoundError', 'A referenced resource was not found'),
  resource_not_found: spec(404, 'NotFoundError', 'Resource not found'),
  resource_already_exists: spec(409, 'ConflictError', 'A resource with these values already exists'),
  resource_in_use: spec(409, 'ConflictError', 'The resource is still referenced by others'),
  internal_error: spec(500, 'InternalError', 'Internal server error'),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

export const errorSpec = (code: ErrorCode): ErrorSpec => ERROR_CODES[code];
