// Abuse throttling: which limit applies to which flow (the numbers are configuration, see
// config.ts RATE_LIMIT_DEFAULTS and the README). Services call this; transports never do, so
// GraphQL and every REST route are throttled alike.
//
// - Credential checks (password, MFA, codes, links, client secrets) go through `attempt`: one
//   point per attempt from the client IP's failure budget and the account's, taken before the
//   check (parallel guesses cannot overshoot); a success gives the IP point back and clears the
//   account's count. The account key is the identifier as typed (normalised), so an unknown
//   account is counted exactly like a known one and a 429 tells nothing about existence.
// - Requests that make Gatehouse send an email or SMS to an address the caller names (`request`)
//   spend per IP and per (flow, identifier), again the same for unknown identifiers.
// - Every email and SMS is also checked per recipient where it is delivered (the Mailer and
//   SmsSender handed to services are guarded): a cool-down per (recipient, template) and a daily
//   cap. A throttled message is dropped and logged; the API answers as if it had been sent.
//
// Keys are keyed hashes (secrets.hashToken), so a shared store never holds addresses. A request
// without a client address (in-process callers, a Unix-socket listener without
// GATEHOUSE_TRUST_PROXY) skips the per-IP limits: over TCP there is always an address, so an
// attacker cannot opt out, and one shared "unknown" bucket would let anyone throttle everyone.
import { z } from 'zod';
import { failRateLimited } from '../../errors/domain-errors.ts';
import type { Mailer } from '../../platform/mail.ts';
import { RATE_LIMIT_NAMES, type LimitRule, type RateLimiter, type RateLimitName } from '../../platform/rate-limit.ts';
import type { SmsSender } from '../../platform/sms.ts';
import type { Deps } from '../deps.ts';
import { vendorPolicyRowId } from '../policies/policy-rows.ts';
import { parseInput } from '../validation.ts';
import { securityEvent } from './security-events.ts';

/** What a credential check is: picks the per-account limit (all share the per-IP failure budget). */
export type AttemptKind = 'login' | 'mfa' | 'code' | 'secret';
const ACCOUNT_LIMIT: Record<AttemptKind, RateLimitName> = {
  login: 'LOGIN_PER_ACCOUNT',
  mfa: 'MFA_PER_ACCOUNT',
  code: 'CODES_PER_ACCOUNT',
  secret: 'SECRETS_PER_CLIENT',
};

export interface ThrottleKeys {
  ip?: string | null;
  /** The account as the caller named it (email, username, phone, user id, client id); normalised here. */
  account?: string | null;
}

export interface RateLimitView {
  name: RateLimitName;
  points: number;
  windowSeconds: number;
  enabled: boolean;
  /** SERVER: environment or built-in default; VENDOR: set at runtime through setRateLimits. */
  source: 'SERVER' | 'VENDOR';
}

const ROW_ID = vendorPolicyRowId('RATE_LIMITS');
const StoredRule = z.object({ points: z.number().int().min(0), windowSeconds: z.number().positive() });
const SetInput = z
  .array(
    z.object({
      name: z.enum(RATE_LIMIT_NAMES as [RateLimitName, ...RateLimitName[]]),
      // null: back to the server's value
      points: z.number().int().min(0).max(1_000_000).nullish(),
      windowSeconds: z.number().int().min(1).max(7 * 86_400).nullish(),
    }),
  )
  .max(RATE_LIMIT_NAMES.length * 2);
export type SetRateLimitsInput = z.input<typeof SetInput>;

type ThrottleServiceDeps = Pick<Deps, 'db' | 'config' | 'logger' | 'secrets' | 'rateLimits' | 'changes' | 'metrics'>;

const OVERRIDES_TOPIC = 'rate-limit-overrides';

const normalise = (v: string) => v.trim().toLowerCase().replace(/\s+/g, '');

export function createThrottle(deps: ThrottleServiceDeps) {
  const { db, config, logger, secrets } = deps;
  let overrides: Promise<Partial<Record<RateLimitName, LimitRule>>> | null = null;

  async function loadOverrides() {
    const row = await db.policy.findUnique({ where: { id: ROW_ID }, select: { config: true } });
    const stored = (row?.config ?? {}) as Record<string, unknown>;
    const out: Partial<Record<RateLimitName, LimitRule>> = {};
    for (const name of RATE_LIMIT_NAMES) {
      const r = StoredRule.safeParse(stored[name]);
      if (r.success) out[name] = r.data;
    }
    return out;
  }
  // Read at start (reload), then dropped after every write (on every instance, through the change
  // feed) and at the refresh bound, and read again on next use.
  deps.changes.watch(OVERRIDES_TOPIC, () => {
    overrides = null;
  });
  function current() {
    if (!overrides) {
      const loading = loadOverrides();
      overrides = loading;
      loading.catch(() => {
        if (overrides === loading) overrides = null;
      });
    }
    return overrides;
  }

  async function rule(name: RateLimitName): Promise<LimitRule> {
    if (!config.rateLimits.enabled) return { points: 0, windowSeconds: 1 };
    return (await current())[name] ?? config.rateLimits.rules[name];
  }
  const limiter = async (name: RateLimitName): Promise<RateLimiter> => deps.rateLimits.limiter(name, await rule(name));
  const key = (scope: string, value: string) => secrets.hashToken(`throttle:${scope}:${normalise(value)}`);

  /** Spends a point of each (limit, key); the first exhausted one fails the call with its wait. */
  async function spend(entries: Array<[RateLimitName, string]>) {
    const decisions = await Promise.all(entries.map(async ([name, k]) => ({ name, d: await (await limiter(name)).consume(k) })));
    const refused = decisions.filter((x) => !x.d.allowed);
    if (refused.length) {
      const wait = Math.max(...refused.map((x) => (x.d.allowed ? 0 : x.d.retryAfterSeconds)));
      for (const x of refused) {
        securityEvent(deps, 'rate_limit.hit', { limit: x.name });
        deps.metrics.rateLimitHit(x.name);
      }
      failRateLimited(wait);
    }
  }

  /** Whether one more message may go to `to` (cool-down per template, daily cap); false: drop it. */
  async function mayDeliver(channel: 'MAIL' | 'SMS', to: string, template: string) {
    const [cooldown, daily] = channel === 'MAIL' ? (['MAIL_PER_RECIPIENT', 'MAIL_PER_RECIPIENT_DAILY'] as const) : (['SMS_PER_RECIPIENT', 'SMS_PER_RECIPIENT_DAILY'] as const);
    const first = await (await limiter(cooldown)).consume(key(`${channel}:${template}`, to));
    if (!first.allowed) return false;
    return (await (await limiter(daily)).consume(key(channel, to))).allowed;
  }

  const view = async (): Promise<RateLimitView[]> => {
    const o = await current();
    return RATE_LIMIT_NAMES.map((name) => {
      const r = o[name] ?? config.rateLimits.rules[name];
      return { name, points: r.points, windowSeconds: r.windowSeconds, enabled: config.rateLimits.enabled && r.points > 0, source: o[name] ? 'VENDOR' : 'SERVER' };
    });
  };

  return {
    /**
     * Runs a credential check of `kind` under the per-IP failure budget and the per-account limit.
     * A failure (any error) keeps the points; a success gives the IP's back and clears the account's.
     */
    async attempt<T>(kind: AttemptKind, keys: ThrottleKeys, check: () => Promise<T>, o: { flow?: string } = {}): Promise<T> {
      const scope = `${kind}:${o.flow ?? ''}`;
      const entries: Array<[RateLimitName, string]> = [];
      if (keys.ip) entries.push(['FAILURES_PER_IP', key('ip', keys.ip)]);
      if (keys.account) entries.push([ACCOUNT_LIMIT[kind], key(scope, keys.account)]);
      await spend(entries);
      const result = await check();
      await Promise.all(
        entries.map(async ([name, k]) => {
          const l = await limiter(name);
          await (name === 'FAILURES_PER_IP' ? l.reward(k) : l.reset(k));
        }),
      );
      return result;
    },

    /** A request that sends a code or link for `flow` to the identifier's address (per IP and per identifier). */
    async request(flow: string, keys: ThrottleKeys) {
      const entries: Array<[RateLimitName, string]> = [];
      if (keys.ip) entries.push(['SENDS_PER_IP', key('send-ip', keys.ip)]);
      if (keys.account) entries.push(['SENDS_PER_ACCOUNT', key(`send:${flow}`, keys.account)]);
      await spend(entries);
    },

    /** A sign-up from this address. */
    async signUp(ip: string | null | undefined) {
      if (ip) await spend([['SIGNUPS_PER_IP', key('signup-ip', ip)]]);
    },

    /** The mailer services use: every message is checked per recipient first. */
    guardMailer(inner: Mailer): Mailer {
      return {
        get available() {
          return inner.available;
        },
        ...(inner.reload && { reload: () => inner.reload!() }),
        async send(message) {
          if (await mayDeliver('MAIL', message.to, message.template?.type ?? message.subject)) return inner.send(message);
          // Subject only: the body holds a live token.
          logger.warn({ subject: message.subject, template: message.template?.type }, 'mail dropped: recipient rate limit');
        },
      };
    },

    /** The SMS sender services use: every message is checked per recipient first. */
    guardSms(inner: SmsSender): SmsSender {
      return {
        get kind() {
          return inner.kind;
        },
        get available() {
          return inner.available;
        },
        get outbox() {
          return inner.outbox;
        },
        async send(message) {
          if (await mayDeliver('SMS', message.to, message.template ?? 'sms')) return inner.send(message);
          logger.warn({ template: message.template }, 'SMS dropped: recipient rate limit');
        },
      };
    },

    /** Reads the vendor's overrides again (start-up, and after a write by another path). */
    async reload() {
      overrides = null;
      await current();
    },

    /** Every limit as it applies now. */
    limits: view,

    /** Vendor: overrides limits at runtime; points null returns a limit to the server's value, 0 turns it off. */
    async setLimits(raw: SetRateLimitsInput) {
      const input = parseInput(SetInput, raw);
      const next: Record<string, { points: number; windowSeconds: number }> = { ...(await current()) };
      for (const l of input) {
        if (l.points === null || l.points === undefined) {
          delete next[l.name];
          continue;
        }
        next[l.name] = { points: l.points, windowSeconds: l.windowSeconds ?? next[l.name]?.windowSeconds ?? config.rateLimits.rules[l.name].windowSeconds };
      }
      await db.policy.upsert({ where: { id: ROW_ID }, create: { id: ROW_ID, type: 'RATE_LIMITS', tenantId: null, config: next }, update: { config: next } });
      deps.changes.publish(OVERRIDES_TOPIC);
      return view();
    },
  };
}

export type Throttle = ReturnType<typeof createThrottle>;
/** What a service needs to be throttled. */
export interface ThrottleDeps {
  throttle: Throttle;
}
