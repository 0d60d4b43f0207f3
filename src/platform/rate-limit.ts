// Counters for abuse throttling, on rate-limiter-flexible. Services see only RateLimitStore:
// named limiters with a rule, `consume` answering allowed or how long to wait, `reward` (give an
// attempt back) and `reset`. Two stores: `memory` (RateLimiterMemory, one process) and `redis`
// (RateLimiterRedis over the ioredis command connection, shared by every instance of a fleet,
// keys under GATEHOUSE_REDIS_PREFIX + `rl:`), selected by bootstrap from REDIS_URL.
//
// Redis unreachable: each Redis limiter has an in-memory insurance limiter with the same rule
// (rate-limiter-flexible's insuranceLimiter), so while Redis is down the limits still hold, per
// process (a fleet of N then allows up to N times a limit), and logins neither fail (closed) nor
// go unlimited (open). The connection refuses commands at once while down (redis.ts: no offline
// queue, 1 s command timeout), so no request waits for Redis; redis.ts logs each change of
// reachability, and the first fallback of each limiter is logged here.
//
// Fixed windows: a key's window starts with its first point and lasts `windowSeconds`; the limit
// is `points` per window. rate-limiter-flexible keeps time with Date.now(), not the injected
// Clock, so tests move windows by waiting (short windows), not by advancing a ManualClock.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface LimitRule {
  /** Points a key may spend per window; 0 turns the limit off. */
  points: number;
  windowSeconds: number;
}

/**
 * The abuse limits (see services/security/throttle.ts for where each applies, and the README for
 * why these defaults). Each is GATEHOUSE_RATE_LIMIT_<NAME> = `<points>/<window>` (window: 30s, 15m,
 * 1h, 1d) or `off` / `0`; the vendor can override them at runtime (setRateLimits).
 */
export const RATE_LIMIT_DEFAULTS = {
  FAILURES_PER_IP: '50/15m',
  LOGIN_PER_ACCOUNT: '10/15m',
  MFA_PER_ACCOUNT: '10/15m',
  CODES_PER_ACCOUNT: '10/15m',
  SECRETS_PER_CLIENT: '100/15m',
  SIGNUPS_PER_IP: '20/1h',
  SENDS_PER_IP: '30/1h',
  SENDS_PER_ACCOUNT: '5/1h',
  MAIL_PER_RECIPIENT: '1/30s',
  MAIL_PER_RECIPIENT_DAILY: '20/1d',
  SMS_PER_RECIPIENT: '1/30s',
  SMS_PER_RECIPIENT_DAILY: '10/1d',
} as const;
export type RateLimitName = keyof typeof RATE_LIMIT_DEFAULTS;
export const RATE_LIMIT_NAMES = Object.keys(RATE_LIMIT_DEFAULTS) as RateLimitName[];

const WINDOW_UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** `10/15m` → 10 points per 900 s; `off` or `0` → points 0 (the limit is off). */
export function parseLimitRule(spec: string): LimitRule | null {
  const v = spec.trim().toLowerCase();
  if (v === 'off' || v === '0') return { points: 0, windowSeconds: 1 };
  const m = /^(\d{1,9})\s*\/\s*(\d{0,9}(?:\.\d+)?)\s*([smhd])$/.exec(v);
  if (!m) return null;
  const points = Number(m[1]);
  const windowSeconds = Number(m[2] || '1') * WINDOW_UNITS[m[3] as keyof typeof WINDOW_UNITS];
  return windowSeconds > 0 ? { points, windowSeconds } : null;
}
export type LimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  consume(key: string, points?: number): Promise<LimitDecision>;
  /** Gives points back in the current window (a successful attempt is not a failure). */
  reward(key: string, points?: number): Promise<void>;
  /** Forgets the key (e.g. a successful login clears the account's failure count). */
  reset(key: string): Promise<void>;
}

export interface RateLimitStore {
  /**
   * The limiter `name` under `rule`. The same name and rule give the same counters; a changed
   * rule (the vendor tuned it) starts fresh counters for that name.
   */
  limiter(name: string, rule: LimitRule): RateLimiter;
}

/** Where counters live: `memory` (one process) or `redis` (shared by a fleet). */
export type RateLimitStoreKind = 'memory' | 'redis';
export type RateLimitStoreOptions =
  | { kind: 'memory' }
  | {
      kind: 'redis';
      client: Redis;
      /** GATEHOUSE_REDIS_PREFIX; counters live under `<prefix>rl:<name>:…`. */
      keyPrefix: string;
      /** Called the first time a limiter falls back to its in-memory insurance (Redis unreachable). */
      onFallback?: (name: string, error: unknown) => void;
    };

const OFF: RateLimiter = {
  consume: async () => ({ allowed: true, remaining: Number.POSITIVE_INFINITY }),
  reward: async () => {},
  reset: async () => {},
};

/** The per-process stand-in while Redis is unreachable; says so the first time it answers. */
class InsuranceLimiter extends RateLimiterMemory {
  #warned = false;
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onFirstUse: (error: unknown) => void,
  ) {
    super(options);
  }
  #note() {
    if (this.#warned) return;
    this.#warned = true;
    this.onFirstUse(new Error('redis unavailable'));
  }
  override consume(...args: Parameters<RateLimiterMemory['consume']>) {
    this.#note();
    return super.consume(...args);
  }
  override reward(...args: Parameters<RateLimiterMemory['reward']>) {
    this.#note();
    return super.reward(...args);
  }
  override delete(...args: Parameters<RateLimiterMemory['delete']>) {
    this.#note();
    return super.delete(...args);
  }
}

function build(o: RateLimitStoreOptions, name: string, rule: LimitRule): RateLimiterAbstract {
  const options = { keyPrefix: name, points: rule.points, duration: rule.windowSeconds };
  switch (o.kind) {
    case 'memory':
      return new RateLimiterMemory(options);
    case 'redis': {
      const insurance = new InsuranceLimiter(options, (error) => o.onFallback?.(name, error));
      return new RateLimiterRedis({
        ...options,
        // The rule is part of the key: a changed rule starts fresh counters, as with memory.
        keyPrefix: `${o.keyPrefix}rl:${name}${rule.points}/${rule.windowSeconds}`,
        storeClient: o.client,
        // Do not wait for a reconnect: the insurance answers at once.
        rejectIfRedisNotReady: true,
        insuranceLimiter: insurance,
      });
    }
  }
}

function wrap(limiter: RateLimiterAbstract): RateLimiter {
  return {
    async consume(key, points = 1) {
      try {
        const res = await limiter.consume(key, points);
        return { allowed: true, remaining: res.remainingPoints };
      } catch (rejection) {
        // A RateLimiterRes is "no points left"; anything else is a store failure and propagates.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
    },
    async reward(key, points = 1) {
      await limiter.reward(key, points);
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}

export function createRateLimitStore(o: RateLimitStoreOptions = { kind: 'memory' }): RateLimitStore {
  const limiters = new Map<string, RateLimiter>();
  return {
    limiter(name, rule) {
      if (rule.points <= 0 || rule.windowSeconds <= 0) return OFF;
      const id = `${name}:${rule.points}/${rule.windowSeconds}`;
      let l = limiters.get(id);
      if (!l) {
        l = wrap(build(o, `${name}:`, rule));
        limiters.set(id, l);
      }
      return l;
    },
  };
}
