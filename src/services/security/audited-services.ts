// Which service entry points are security events (see security-events.ts for the format). Kept
// here, apart from the services, so the list reads as one table and the flows stay free of
// logging. The wrapped methods are looked up by name at start-up: a renamed one fails loudly.
import type { Deps } from '../deps.ts';
import { withSecurityEvents, type EventSpec, type SecurityEventFields } from './security-events.ts';

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

export function auditServices<S extends Record<string, object>>(deps: Pick<Deps, 'logger' | 'metrics'>, s: S): S {
  const a = <K extends keyof S & string>(name: K, specs: Record<string, EventSpec>): S[K] => withSecurityEvents(deps, s[name] as S[K] & object, specs);
  return {
    ...s,
    auth: a('auth', {
      login: login('password'),
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
  };
}
