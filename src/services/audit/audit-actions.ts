// How a security event (security-events.ts) becomes an audit row: its stable dotted action, the
// entity it acts on and its severity. One table, so the log line and the row of one event point
// can never drift apart.
// (security-events.ts imports this file; the shapes below are its event names and fields.)
import type { AuditRecord, AuditSeverity } from './audit.service.ts';

type SecurityEventName = string;
interface SecurityEventFields {
  userId?: string | null;
  tenantId?: string | null;
  reason?: string;
  method?: string;
  subjectId?: string | null;
}

interface ActionSpec {
  action: string | ((f: SecurityEventFields) => string);
  severity?: AuditSeverity;
  target?: (f: SecurityEventFields) => AuditRecord['target'];
}

const user = (f: SecurityEventFields) => (f.userId ? { type: 'user', id: f.userId } : null);
const token = (f: SecurityEventFields) => ({ type: f.method === 'session' ? 'session' : (f.method ?? 'token'), id: f.subjectId ?? null });

/**
 * Security events that are audited. `refresh.success` is not: every live session refreshes about
 * hourly, which would make the log mostly refreshes; its failures (a replayed refresh token
 * revokes the family) are. `rate_limit.hit` stays a log line and a metric (per-IP noise).
 */
export const AUDITED: Record<string, ActionSpec | undefined> = {
  'login.success': { action: 'user.login.succeeded', target: user },
  'login.failure': { action: 'user.login.failed', target: user },
  'login.mfa_required': { action: 'user.login.mfa_required', target: user },
  'login.password_expired': { action: 'user.login.password_expired', target: user },
  'account.locked': { action: 'user.locked', severity: 'High', target: user },
  'mfa.success': { action: 'mfa.verified', target: user },
  'mfa.failure': { action: 'mfa.failed', target: user },
  'refresh.failure': { action: (f) => (f.method === 'api_token' ? 'token.refresh.failed' : 'session.refresh.failed'), target: user },
  'password.change': { action: 'password.changed', target: user },
  'password.change_failure': { action: 'password.change.failed', target: user },
  'password.reset': { action: 'password.reset', target: user },
  'password.reset_failure': { action: 'password.reset.failed', target: user },
  'token.issue': { action: 'token.issued', target: token },
  'token.issue_failure': { action: 'token.issue.failed', target: token },
  'token.revoke': { action: (f) => (f.method === 'session' ? 'session.revoked' : 'token.revoked'), target: (f) => (f.method === 'session' ? (f.subjectId ? { type: 'session', id: f.subjectId } : user(f)) : token(f)) },
  'vendor.auth.success': { action: 'vendor.login.succeeded', target: (f) => ({ type: 'vendor', id: f.subjectId ?? null }) },
  'vendor.auth.failure': { action: 'vendor.login.failed', target: (f) => ({ type: 'vendor', id: f.subjectId ?? null }) },
};

const FAILURES = new Set<SecurityEventName>(['login.failure', 'mfa.failure', 'refresh.failure', 'password.change_failure', 'password.reset_failure', 'token.issue_failure', 'vendor.auth.failure']);

/** The audit row of a security event, or null when the event is not audited. */
export function auditOfSecurityEvent(event: SecurityEventName, f: SecurityEventFields): AuditRecord | null {
  const spec = AUDITED[event];
  if (!spec) return null;
  const failure = FAILURES.has(event);
  return {
    action: typeof spec.action === 'function' ? spec.action(f) : spec.action,
    outcome: failure ? 'failure' : 'success',
    reason: f.reason ?? null,
    tenantId: f.tenantId ?? null,
    userId: f.userId ?? null,
    target: spec.target?.(f) ?? null,
    severity: spec.severity ?? (failure ? 'Medium' : 'Info'),
    data: { ...(f.method && { method: f.method }) },
  };
}
