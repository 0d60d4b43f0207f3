// Which service entry points are security events (see security-events.ts for the format). Kept
// here, apart from the services, so the list reads as one table and the flows stay free of
// logging. The wrapped methods are looked up by name at start-up: a renamed one fails loudly.
import type { Deps } from '../deps.ts';
import { withSecurityEvents, type ChangeSpec, type EventSpec, type SecurityEventFields } from './security-events.ts';

type Obj = Record<string, any>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Ids of a session-bearing result, whatever wraps it ({auth}, {session}, or the result itself). */
function sessionFields(r: Obj | null | undefined): SecurityEventFields {
  const s = r?.auth ?? r?.session ?? r;
  return { userId: str(s?.userId), tenantId: str(s?.tenantId) };
}

/** A login answers a session, an MFA challenge (no tokens yet) or an expired-password reset token. */
function loginResult(r: Obj | null | undefined) {
  if (r?.mfaRequired) return { event: 'login.mfa_required' as const, userId: str(r.userId) };
  if (r?.resetPasswordToken) return { event: 'login.password_expired' as const, userId: str(r.userId) };
  return sessionFields(r);
}

const login = (method: string): EventSpec => ({ event: 'login', method, result: loginResult });
const mfa = (method: string): EventSpec => ({ event: 'mfa', method, result: sessionFields });
const issued = (method: string, fields: EventSpec['fields']): EventSpec => ({
  event: 'token.issue',
  method,
  fields,
  result: (r: Obj) => ({ subjectId: str(r?.id) }),
});
const revoked = (method: string, fields: EventSpec['fields']): EventSpec => ({ event: 'token.revoke', method, fields });

// ---- audited changes (an audit row each, no security log line) ----------------------------------

type Actor = { kind: 'vendor' | 'tenant'; tenantId: string | null } | null | undefined;
const idOf = (r: unknown): string | null =>
  typeof r === 'string' ? r : (str((r as Obj | null)?.id) ?? str((r as Obj | null)?.userId) ?? str((r as Obj | null)?.tenantId) ?? null);
const change = (action: string, audit: ChangeSpec['audit']): ChangeSpec => ({ event: 'change', action, audit });
/** A change made as a ManagementActor (roles, groups): the actor's tenant, the entity by id. */
const byActor = (action: string, type: string, id: (result: unknown, args: unknown[]) => string | null, data?: (args: unknown[]) => Obj) =>
  change(action, (result, actor: Actor, ...rest) => ({ tenantId: actor?.tenantId ?? null, target: { type, id: id(result, rest) }, ...(data && { data: data(rest) }) }));
const argId = (i: number) => (_r: unknown, rest: unknown[]) => str(rest[i]) ?? null;
const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 50) : []);
/** A policy write scoped by its first argument (tenant id, or null for the vendor default). */
const policy = (action: string, type: string) => change(action, (_r, tenantId: unknown) => ({ tenantId: str(tenantId) ?? null, target: { type, id: str(tenantId) ?? 'vendor' } }));
/** A vendor-wide configuration write. */
const vendorConfig = (action: string, type: string) => change(action, () => ({ tenantId: null, target: { type, id: null } }));
/** A user change with (userId, tenant scope) arguments. */
const userChange = (action: string, data?: (args: unknown[]) => Obj) =>
  change(action, (_r, userId: unknown, scope: unknown, ...rest) => ({ userId: str(userId), tenantId: str(scope) ?? null, target: { type: 'user', id: str(userId) ?? null }, ...(data && { data: data([userId, scope, ...rest]) }) }));

/**
 * A failed password login names an account by what was typed; the row gets that account's id
 * and tenant when it exists (one indexed read, failures only), so the tenant's admins see
 * failed logins of their users. What was typed is never stored.
 */
function failedLoginAccount(db: Deps['db']) {
  return async (args: unknown[], error: unknown) => {
    if (error === undefined) return undefined;
    const raw = args[0] as Obj | undefined;
    const where = typeof raw?.email === 'string' ? { email: raw.email.toLowerCase() } : typeof raw?.username === 'string' ? { username: raw.username } : null;
    if (!where) return undefined;
    const u = await db.user.findUnique({ where, select: { id: true, activeTenantId: true } });
    return u ? { userId: u.id, tenantId: u.activeTenantId, target: { type: 'user', id: u.id } } : undefined;
  };
}

export function auditServices<S extends Record<string, object>>(deps: Pick<Deps, 'logger' | 'metrics' | 'db' | 'clock'>, s: S): S {
  const a = <K extends keyof S & string>(name: K, specs: Record<string, EventSpec | ChangeSpec>): S[K] => withSecurityEvents(deps, s[name] as S[K] & object, specs);
  return {
    ...s,
    auth: a('auth', {
      login: { ...login('password'), audit: failedLoginAccount(deps.db) },
      refresh: { event: 'refresh', method: 'session', result: sessionFields },
      logout: revoked('session', (_token: unknown, principal: Obj) => ({ reason: 'logout', userId: str(principal?.userId) })),
    }),
    passwordless: a('passwordless', { loginWithMagicLink: login('magic_link'), loginWithCode: login('email_code') }),
    smsLogin: a('smsLogin', { loginWithCode: login('sms_code') }),
    webauthn: a('webauthn', {
      loginWithPasskey: login('passkey'),
      verifyMfaLogin: mfa('webauthn'),
      verifyEnrollmentAtLogin: mfa('webauthn_enrollment'),
    }),
    mfaLogin: a('mfaLogin', {
      verifyAuthenticator: mfa('totp'),
      verifyAuthenticatorEnrollment: mfa('totp_enrollment'),
      verifyEmailCode: mfa('email_code'),
    }),
    smsMfa: a('smsMfa', { verifyLogin: mfa('sms'), verifyEnrollAtLogin: mfa('sms_enrollment') }),
    mfa: a('mfa', { recover: { event: 'mfa', method: 'recovery_code' } }),
    passwords: a('passwords', { change: { event: 'password.change', fields: (userId: unknown) => ({ userId: str(userId) }) } }),
    passwordReset: a('passwordReset', { reset: { event: 'password.reset', method: 'email_link', fields: (raw: Obj) => ({ userId: str(raw?.userId) }) } }),
    apiTokens: a('apiTokens', {
      createTenantToken: issued('api_token', (raw: Obj) => ({ tenantId: str(raw?.tenantId) })),
      createUserToken: issued('api_token', (raw: Obj) => ({ userId: str(raw?.userId), tenantId: str(raw?.tenantId) })),
      deleteTenantToken: revoked('api_token', (id: unknown, tenantId: unknown) => ({ subjectId: str(id), tenantId: str(tenantId) })),
      deleteUserToken: revoked('api_token', (id: unknown, userId: unknown) => ({ subjectId: str(id), userId: str(userId) })),
      // The client id is public (it names the token in every route); the secret never is.
      exchange: { event: 'token.issue', method: 'api_token_exchange', fields: (raw: Obj) => ({ subjectId: str(raw?.clientId) }) },
      refresh: { event: 'refresh', method: 'api_token' },
    }),
    accessTokens: a('accessTokens', {
      createTenantToken: issued('access_token', (raw: Obj) => ({ tenantId: str(raw?.tenantId) })),
      createUserToken: issued('access_token', (raw: Obj) => ({ userId: str(raw?.userId), tenantId: str(raw?.tenantId) })),
      deleteTenantToken: revoked('access_token', (id: unknown, tenantId: unknown) => ({ subjectId: str(id), tenantId: str(tenantId) })),
      deleteUserToken: revoked('access_token', (id: unknown, userId: unknown) => ({ subjectId: str(id), userId: str(userId) })),
    }),
    // A client secret is a credential like an API-token secret (its value is never logged).
    oauthApplications: a('oauthApplications', {
      createSecret: issued('client_secret', () => ({})),
      deleteSecret: revoked('client_secret', (appId: unknown) => ({ subjectId: str(appId) })),
    }),
    sessions: a('sessions', {
      revokeOwn: revoked('session', (userId: unknown, sessionId: unknown) => ({ reason: 'user_revoked', userId: str(userId), subjectId: str(sessionId) })),
      revokeAllOwn: revoked('session', (userId: unknown) => ({ reason: 'user_revoked_all', userId: str(userId) })),
      revokeAllOfUser: revoked('session', (userId: unknown, tenantId: unknown) => ({ reason: 'admin_revoked', userId: str(userId), tenantId: str(tenantId) })),
    }),
    vendor: a('vendor', { authenticate: { event: 'vendor.auth', fields: (raw: Obj) => ({ subjectId: str(raw?.clientId) }) } }),

    users: a('users', {
      create: change('user.created', (r: Obj, raw: Obj) => ({ userId: str(r?.userId), tenantId: str(raw?.tenantId), target: { type: 'user', id: str(r?.userId) ?? null }, data: { created: r?.created } })),
    }),
    invitations: a('invitations', {
      // A new email is created (with a pending invitation), a registered one invited.
      createOrInvite: change('user.created', (r: Obj, raw: Obj) => ({ userId: str(r?.userId), tenantId: str(raw?.tenantId), target: { type: 'user', id: str(r?.userId) ?? null } })),
      invite: change('user.invited', (r: Obj, raw: Obj) => ({ userId: str(r?.userId), tenantId: str(raw?.tenantId), target: { type: 'user', id: str(r?.userId) ?? null } })),
    }),
    userManagement: a('userManagement', {
      update: userChange('user.updated'),
      updateEmail: userChange('user.email.updated'),
      remove: userChange('user.deleted'),
      lock: userChange('user.locked'),
      setFlags: change('user.updated', (_r, userId: unknown, flags: Obj) => ({ userId: str(userId), target: { type: 'user', id: str(userId) ?? null }, data: { flags } })),
      addToTenant: userChange('user.tenant.added', (a) => ({ roleIds: ids(a[2]) })),
      setDisabled: userChange('user.tenant.disabled_changed', (a) => ({ disabled: a[2] === true })),
      assignRoles: userChange('user.roles.assigned', (a) => ({ roleIds: ids(a[2]) })),
      unassignRoles: userChange('user.roles.unassigned', (a) => ({ roleIds: ids(a[2]) })),
    }),
    roles: a('roles', {
      createMany: byActor('role.created', 'role', (r) => (Array.isArray(r) ? (r.map(idOf).filter(Boolean).join(',') || null) : idOf(r))),
      update: byActor('role.updated', 'role', argId(0)),
      delete: byActor('role.deleted', 'role', argId(0)),
      setPermissions: byActor('role.permissions.set', 'role', argId(0), (a) => ({ permissionIds: ids(a[1]) })),
    }),
    permissions: a('permissions', {
      createMany: change('permission.created', (r) => ({ target: { type: 'permission', id: Array.isArray(r) ? r.map(idOf).filter(Boolean).join(',') || null : idOf(r) } })),
      update: change('permission.updated', (_r, id: unknown) => ({ target: { type: 'permission', id: str(id) ?? null } })),
      delete: change('permission.deleted', (_r, id: unknown) => ({ target: { type: 'permission', id: str(id) ?? null } })),
      setRoles: change('permission.roles.set', (_r, id: unknown, roleIds: unknown) => ({ target: { type: 'permission', id: str(id) ?? null }, data: { roleIds: ids(roleIds) } })),
    }),
    groups: a('groups', {
      setConfig: vendorConfig('vendor.config.groups.updated', 'groups_configuration'),
      create: byActor('group.created', 'group', (r) => idOf(r)),
      update: byActor('group.updated', 'group', argId(0)),
      delete: byActor('group.deleted', 'group', argId(0)),
      addRoles: byActor('group.roles.added', 'group', argId(0), (a) => ({ roleIds: ids(a[1]) })),
      removeRoles: byActor('group.roles.removed', 'group', argId(0), (a) => ({ roleIds: ids(a[1]) })),
      addUsers: byActor('group.users.added', 'group', argId(0), (a) => ({ userIds: ids(a[1]) })),
      removeUsers: byActor('group.users.removed', 'group', argId(0), (a) => ({ userIds: ids(a[1]) })),
    }),
    tenants: a('tenants', {
      create: change('tenant.created', (r: Obj) => ({ tenantId: idOf(r), target: { type: 'tenant', id: idOf(r) } })),
      update: change('tenant.updated', (_r, id: unknown) => ({ tenantId: str(id), target: { type: 'tenant', id: str(id) ?? null } })),
      delete: change('tenant.deleted', (_r, id: unknown) => ({ tenantId: str(id), target: { type: 'tenant', id: str(id) ?? null } })),
      setMetadata: change('tenant.metadata.updated', (_r, id: unknown) => ({ tenantId: str(id), target: { type: 'tenant', id: str(id) ?? null } })),
      deleteMetadataKey: change('tenant.metadata.updated', (_r, id: unknown) => ({ tenantId: str(id), target: { type: 'tenant', id: str(id) ?? null } })),
      createSubTenant: change('tenant.created', (r: Obj, raw: Obj) => ({ tenantId: idOf(r), target: { type: 'tenant', id: idOf(r) }, data: { parentTenantId: str(raw?.parentTenantId) } })),
      deleteSubTenant: change('tenant.deleted', (_r, id: unknown) => ({ tenantId: str(id), target: { type: 'tenant', id: str(id) ?? null } })),
      setSubTenantAccess: change('tenant.sub_tenant_access.updated', (_r, tenantId: unknown, userId: unknown, allow: unknown) => ({ tenantId: str(tenantId), userId: str(userId), target: { type: 'user', id: str(userId) ?? null }, data: { allowAccess: allow === true } })),
    }),
    sessionPolicy: a('sessionPolicy', { set: policy('policy.session.updated', 'session_policy') }),
    mfaPolicy: a('mfaPolicy', {
      create: policy('policy.mfa.updated', 'mfa_policy'),
      update: policy('policy.mfa.updated', 'mfa_policy'),
      upsert: policy('policy.mfa.updated', 'mfa_policy'),
    }),
    passwordPolicies: {
      ...(s.passwordPolicies as Obj),
      lockout: withSecurityEvents(deps, (s.passwordPolicies as Obj).lockout, { create: policy('policy.lockout.updated', 'lockout_policy'), update: policy('policy.lockout.updated', 'lockout_policy') }),
      history: withSecurityEvents(deps, (s.passwordPolicies as Obj).history, { create: policy('policy.password_history.updated', 'password_history_policy'), update: policy('policy.password_history.updated', 'password_history_policy') }),
      password: withSecurityEvents(deps, (s.passwordPolicies as Obj).password, { set: policy('policy.password.updated', 'password_policy') }),
    } as unknown as S[keyof S & string],
    passwordRotation: a('passwordRotation', { set: policy('policy.password_rotation.updated', 'password_rotation_policy') }),
    captchaPolicy: a('captchaPolicy', { create: vendorConfig('policy.captcha.updated', 'captcha_policy'), update: vendorConfig('policy.captcha.updated', 'captcha_policy') }),
    restrictions: a('restrictions', {
      setIpConfig: policy('policy.ip_restrictions.updated', 'ip_restrictions'),
      createIp: change('policy.ip_restriction.created', (r: Obj, tenantId: unknown) => ({ tenantId: str(tenantId), target: { type: 'ip_restriction', id: idOf(r) } })),
      deleteIp: change('policy.ip_restriction.deleted', (_r, tenantId: unknown, id: unknown) => ({ tenantId: str(tenantId), target: { type: 'ip_restriction', id: str(id) ?? null } })),
      setDomainConfig: vendorConfig('policy.domain_restrictions.updated', 'domain_restrictions'),
      createDomain: change('policy.domain_restriction.created', (r: Obj) => ({ target: { type: 'domain_restriction', id: idOf(r) } })),
      deleteDomain: change('policy.domain_restriction.deleted', (_r, id: unknown) => ({ target: { type: 'domain_restriction', id: str(id) ?? null } })),
    }),
    identityConfig: a('identityConfig', { update: vendorConfig('vendor.config.identity.updated', 'identity_configuration') }),
    mfaConfiguration: a('mfaConfiguration', { set: vendorConfig('vendor.config.mfa.updated', 'mfa_configuration') }),
    mailConfig: a('mailConfig', {
      setConfig: vendorConfig('vendor.config.mail.updated', 'mail_configuration'),
      deleteConfig: vendorConfig('vendor.config.mail.deleted', 'mail_configuration'),
      setTemplate: vendorConfig('vendor.config.mail_template.updated', 'mail_template'),
      deleteTemplate: vendorConfig('vendor.config.mail_template.deleted', 'mail_template'),
    }),
    smsConfig: a('smsConfig', {
      setConfig: vendorConfig('vendor.config.sms.updated', 'sms_configuration'),
      deleteConfig: vendorConfig('vendor.config.sms.deleted', 'sms_configuration'),
      setTemplate: vendorConfig('vendor.config.sms_template.updated', 'sms_template'),
      deleteTemplate: vendorConfig('vendor.config.sms_template.deleted', 'sms_template'),
    }),
    delegation: a('delegation', { set: vendorConfig('vendor.config.delegation.updated', 'delegation_configuration') }),
    accountStrategies: a('accountStrategies', { set: change('vendor.config.account_strategy.updated', (_r, kind: unknown) => ({ target: { type: 'account_strategy', id: str(kind) ?? null } })) }),
  };
}
