// One structured log line per security event, in one format: `{"event":"login.failure",
// "securityEvent":true,"reason":"auth_invalid_credentials","requestId":…,"clientIp":…,
// "userId":…,"tenantId":…}`. The request id, client IP and trace id come from the request
// context (platform/request-context.ts); callers pass ids and reasons only — never a password,
// token, code or hash (the logger's redact paths are the safety net, not the plan).
//
// Most events are recorded where services are composed (index.ts) by wrapping the flow's entry
// point: a resolved call is the success, a thrown DomainError the failure with its code as the
// reason. Events that happen inside a flow (a lockout, a rate-limit hit) call `securityEvent`.
//
// The same event points write the audit log (services/audit): the wrapper awaits the row after
// the call returns or throws, before the answer leaves (see audit.service.ts for why a failed
// audit write is logged rather than failing the call). Changes that are not security events
// (role created, policy updated…) use `event: 'change'`: an audit row, no log line.
import { DomainError } from '../../errors/domain-errors.ts';
import { auditOfSecurityEvent } from '../audit/audit-actions.ts';
import { recordAuditSafely, type AuditRecord } from '../audit/audit.service.ts';
import type { AuthFlow } from '../../platform/metrics.ts';
import { currentRequest } from '../../platform/request-context.ts';
import type { Deps } from '../deps.ts';

export type SecurityEventName =
  | 'login.success'
  | 'login.failure'
  | 'login.mfa_required'
  | 'login.password_expired'
  | 'account.locked'
  | 'mfa.success'
  | 'mfa.failure'
  | 'refresh.success'
  | 'refresh.failure'
  | 'password.change'
  | 'password.change_failure'
  | 'password.reset'
  | 'password.reset_failure'
  | 'token.issue'
  | 'token.issue_failure'
  | 'token.revoke'
  | 'vendor.auth.success'
  | 'vendor.auth.failure'
  | 'rate_limit.hit';

export interface SecurityEventFields {
  userId?: string | null;
  tenantId?: string | null;
  /** Failure: the error code (errors/codes.ts). Revocation: why (logout, password_change…). */
  reason?: string;
  /** How: password, magic_link, email_code, sms_code, passkey, totp, webauthn, recovery_code, api_token, session… */
  method?: string;
  /** rate_limit.hit: the limit's name. */
  limit?: string;
  /** A public identifier of the thing acted on (an API token's client id, a session id). */
  subjectId?: string | null;
}

type EventDeps = Pick<Deps, 'logger' | 'metrics'>;
type AuditedDeps = EventDeps & Pick<Deps, 'db' | 'clock'>;

const WARN_EVENTS = new Set<SecurityEventName>(['account.locked', 'rate_limit.hit']);

/** Writes the event's line (info; warn for lockouts and rate-limit hits: never error, they are 4xx) and counts it. */
export function securityEvent(deps: EventDeps, event: SecurityEventName, fields: SecurityEventFields = {}): void {
  const r = currentRequest();
  const line: Record<string, unknown> = { event, securityEvent: true };
  // Ids may come from the caller before validation: bounded, so a log line stays a line.
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) line[k] = typeof v === 'string' ? v.slice(0, 128) : v;
  line.clientIp = r?.clientIp ?? null;
  if (WARN_EVENTS.has(event)) deps.logger.warn(line, `security event ${event}`);
  else deps.logger.info(line, `security event ${event}`);
  deps.metrics.securityEvent(event);
}

/** securityEvent, and its audit row awaited (for events raised inside a flow, e.g. a lockout). */
export async function auditedSecurityEvent(deps: AuditedDeps, event: SecurityEventName, fields: SecurityEventFields = {}, extra?: Partial<AuditRecord>) {
  securityEvent(deps, event, fields);
  const row = auditOfSecurityEvent(event, fields);
  if (row) await recordAuditSafely(deps, { ...row, ...extra, data: { ...row.data, ...extra?.data } });
}

const reasonOf = (e: unknown) => (e instanceof DomainError ? e.code : 'internal_error');

type SecurityKind = 'login' | 'mfa' | 'refresh' | 'password.change' | 'password.reset' | 'token.issue' | 'token.revoke' | 'vendor.auth';

export interface EventSpec {
  /** Names the events: `${event}.success` / `${event}.failure` (or the names in SUCCESS/FAILURE). */
  event: SecurityKind;
  method?: string;
  /** Fields known from the arguments (a user id passed in). */
  fields?(...args: any[]): SecurityEventFields;
  /** Fields read from the result; may rename the event (an MFA challenge is not a login success). */
  result?(result: any, ...args: any[]): SecurityEventFields & { event?: SecurityEventName };
  /** Audit only: more of the row, from the arguments (and the failure), e.g. the user a failed login named. */
  audit?(args: any[], error: unknown): Promise<Partial<AuditRecord> | undefined> | Partial<AuditRecord> | undefined;
}

/** A change that is audited but is no security event (no log line): role.created, policy.updated… */
export interface ChangeSpec {
  event: 'change';
  action: string;
  /** The row's tenant, user and target, from the result (success) and the arguments. */
  audit(result: any, ...args: any[]): Partial<AuditRecord>;
}

// Failed changes are audited when they were refused (an attempt beyond the caller's rights);
// validation errors and not-found are ordinary answers, not events.
const REFUSALS = /^auth_/;

const SUCCESS: Record<SecurityKind, SecurityEventName> = {
  login: 'login.success',
  mfa: 'mfa.success',
  refresh: 'refresh.success',
  'password.change': 'password.change',
  'password.reset': 'password.reset',
  'token.issue': 'token.issue',
  'token.revoke': 'token.revoke',
  'vendor.auth': 'vendor.auth.success',
};
const FAILURE: Partial<Record<SecurityKind, SecurityEventName>> = {
  login: 'login.failure',
  mfa: 'mfa.failure',
  refresh: 'refresh.failure',
  'password.change': 'password.change_failure',
  'password.reset': 'password.reset_failure',
  'token.issue': 'token.issue_failure',
  'vendor.auth': 'vendor.auth.failure',
  // A failed revocation (not found, not yours) is an ordinary 4xx, not a security event.
};
const FLOWS: Partial<Record<SecurityKind, AuthFlow>> = { login: 'login', mfa: 'mfa', refresh: 'refresh' };

/**
 * The service with the listed methods recording their outcome as security events (and the
 * login/refresh/MFA outcome metric). Other methods and properties pass through untouched.
 */
export function withSecurityEvents<T extends object>(deps: AuditedDeps, service: T, specs: Record<string, EventSpec | ChangeSpec>): T {
  // Getters (live views such as an outbox) must stay live: copy descriptors, then replace methods.
  const wrapped = Object.defineProperties({}, Object.getOwnPropertyDescriptors(service)) as Record<string, unknown>;
  for (const [name, spec] of Object.entries(specs) as Array<[string, EventSpec | ChangeSpec | undefined]>) {
    if (!spec) continue;
    const original = (service as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
    // A renamed method must not silently lose its events.
    if (typeof original !== 'function') throw new Error(`withSecurityEvents: ${name} is not a method`);
    if (spec.event === 'change') {
      wrapped[name] = async (...args: unknown[]) => {
        let result: unknown;
        try {
          result = await original.apply(service, args);
        } catch (e) {
          if (e instanceof DomainError && REFUSALS.test(e.code)) {
            const known = safe(() => spec.audit(undefined, ...args));
            await recordAuditSafely(deps, { ...known, action: spec.action, outcome: 'failure', reason: e.code });
          }
          throw e;
        }
        await recordAuditSafely(deps, { ...safe(() => spec.audit(result, ...args)), action: spec.action });
        return result;
      };
      continue;
    }
    const flow = FLOWS[spec.event];
    wrapped[name] = async (...args: unknown[]) => {
      const known = { ...(spec.method && { method: spec.method }), ...spec.fields?.(...args) };
      let result: unknown;
      try {
        result = await original.apply(service, args);
      } catch (e) {
        const failure = FAILURE[spec.event];
        if (failure) {
          const fields = { ...known, reason: reasonOf(e) };
          securityEvent(deps, failure, fields);
          if (flow) deps.metrics.authOutcome(flow, 'failure', reasonOf(e));
          await audit(deps, failure, fields, spec, args, e);
        }
        throw e;
      }
      const { event, ...fields } = spec.result?.(result, ...args) ?? {};
      const name = event ?? SUCCESS[spec.event];
      securityEvent(deps, name, { ...known, ...fields });
      if (flow) deps.metrics.authOutcome(flow, name === 'login.mfa_required' ? 'mfa_required' : name === 'login.password_expired' ? 'password_expired' : 'success');
      await audit(deps, name, { ...known, ...fields }, spec, args, undefined);
      return result;
    };
  }
  return wrapped as T;
}

/** A spec's extractor on arguments that failed validation must not throw: then the row has less. */
function safe<R extends object>(fn: () => R): Partial<R> {
  try {
    return fn() ?? {};
  } catch {
    return {};
  }
}

async function audit(deps: AuditedDeps, event: SecurityEventName, fields: SecurityEventFields, spec: EventSpec, args: unknown[], error: unknown) {
  const row = auditOfSecurityEvent(event, fields);
  if (!row) return;
  let extra: Partial<AuditRecord> | undefined;
  try {
    extra = await spec.audit?.(args, error);
  } catch (err) {
    deps.logger.warn({ err, event }, 'audit detail lookup failed');
  }
  await recordAuditSafely(deps, { ...row, ...extra, target: extra?.target ?? row.target, data: { ...row.data, ...extra?.data } });
}
