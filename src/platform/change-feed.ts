// The change feed: how an instance tells the others (and itself) that something it caches
// changed, so every per-process cache of a fleet follows a write at once, plus the bounded
// fallback refresh for when no notification arrives.
//
// - `publish(topic, payload?)` after a write has committed; `subscribe(topic, handler)` runs the
//   handler for every publication of that topic, on every instance.
// - `watch(topic, drop)` is what caches use: `drop` runs on every publication of the topic AND at
//   least every GATEHOUSE_CACHE_REFRESH_SECONDS (default 30), with payload undefined ("drop
//   everything"). Caches drop and reload lazily on next use, so the hot paths' statement counts
//   stay as they were; only the first use after a drop reads again.
// - Without Redis (REDIS_URL unset) the feed is an in-process EventEmitter: one instance needs
//   nothing else, and several instances on one PostgreSQL without Redis converge within the
//   refresh bound (the only mechanism then).
// - With Redis, publications go over one pub/sub channel (`<GATEHOUSE_REDIS_PREFIX>changes`);
//   the others apply them well under a second after the write. Local delivery is synchronous
//   inside `publish` (the writer's own caches are dropped before its answer, so a read after a
//   write on the same instance sees it), and the instance ignores its own messages coming back
//   from Redis (each message carries the sender's random instance id): every subscriber runs
//   exactly once per publication. Publishing never fails a write: a lost message (Redis down) is
//   covered by the refresh bound, and after the subscriber reconnects every watcher is dropped
//   once (messages sent while it was away are lost, so nothing is trusted).
//
// The per-process caches, and what invalidates them (topic → where it is published):
//   ip-restrictions     services/policies/restrictions.service.ts: compiled IP rules of every tenant
//                       with an active IP restriction (login, refresh, session starts). Every write
//                       of an IP config or entry publishes.
//   rate-limit-overrides services/security/throttle.ts: the vendor's runtime overrides of the abuse
//                       limits (setRateLimits publishes).
//   sessions            services/auth/session-check.ts: positive "session is live" answers of the
//                       opt-in sid check (GATEHOUSE_SESSION_CHECK), at most
//                       GATEHOUSE_SESSION_CHECK_CACHE_SECONDS old. Every revocation publishes the
//                       session id (`s:<id>`), the user (`u:<id>`) or, for bulk revocations, nothing
//                       (drop all): logout, session APIs, password change/reset, removal from or
//                       disabling in a tenant, tenant deletion, concurrent-session limit.
//   mail-config         services/mail/mail-config.service.ts: whether a stored mail configuration
//                       exists (`mailer.available`: mail flows answer mail_not_configured without
//                       it). Sending itself reads the rows every time. Saving/deleting publishes.
//   signing-keys        services/keys/signing-keys.service.ts: `deps.keys.current`, the KeySet that
//                       signs (newest ACTIVE key) and verifies (every ACTIVE key) and is the JWKS.
//                       Rotation and retirement publish; a reload builds a new KeySet and swaps it
//                       whole, so JWKS and verification always agree.
// Not caches (read per request, fresh across instances): session policy, password policies and
// history, MFA policy, lockout policy, vendor identity config, SMS config, captcha policy, email
// domain restrictions, tenants and the hierarchy, roles/permissions (loaded into each token at
// issue), account strategies, password rotation. The vendor credential is read per vendor login.
// Per process by nature: the development mail and SMS outboxes (in-memory, only without SMTP/SMS
// provider), the in-process task queue (mail after the answer) and running bulk jobs' progress.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.ts';
import type { RedisConnections } from './redis.ts';

export type ChangeHandler = (payload: string | undefined) => void;

export interface ChangeFeed {
  /** Tells every instance (this one first, synchronously) that `topic` changed. Never throws. */
  publish(topic: string, payload?: string): void;
  /** Runs `handler` for every publication of `topic` on any instance; returns an unsubscribe. */
  subscribe(topic: string, handler: ChangeHandler): () => void;
  /** `subscribe`, plus `drop(undefined)` at least every refresh period (the fallback bound). */
  watch(topic: string, drop: ChangeHandler): () => void;
  /** The fallback bound in seconds (GATEHOUSE_CACHE_REFRESH_SECONDS). */
  readonly refreshSeconds: number;
  /** Whether publications reach other instances (Redis configured). */
  readonly shared: boolean;
  close(): Promise<void>;
}

interface Message {
  o: string;
  t: string;
  p?: string;
}

export interface ChangeFeedOptions {
  refreshSeconds: number;
  logger: Logger;
  /** Redis pub/sub; null: in-process only. */
  redis?: RedisConnections | null;
}

export function createChangeFeed(o: ChangeFeedOptions): ChangeFeed {
  const { logger } = o;
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const watchers = new Set<ChangeHandler>();
  const deliver = (topic: string, payload: string | undefined) => {
    for (const h of local.listeners(topic) as ChangeHandler[]) {
      try {
        h(payload);
      } catch (err) {
        logger.error({ err, topic }, 'change handler failed');
      }
    }
  };
  const dropAll = () => {
    for (const w of watchers) {
      try {
        w(undefined);
      } catch (err) {
        logger.error({ err }, 'cache refresh failed');
      }
    }
  };
  // The fallback bound: every watcher is dropped at least this often, whatever arrives.
  const timer = setInterval(dropAll, o.refreshSeconds * 1000);
  timer.unref();

  const instance = randomUUID();
  const redis = o.redis ?? null;
  const channel = redis ? `${redis.keyPrefix}changes` : '';
  if (redis) {
    const sub = redis.subscriber();
    let subscribedOnce = false;
    sub.on('message', (ch: string, raw: string) => {
      if (ch !== channel) return;
      let m: Message;
      try {
        m = JSON.parse(raw) as Message;
      } catch {
        return;
      }
      if (m.o === instance || typeof m.t !== 'string') return;
      deliver(m.t, typeof m.p === 'string' ? m.p : undefined);
    });
    // ioredis re-subscribes after a reconnect; what was published meanwhile is lost, so drop everything.
    sub.on('ready', () => {
      if (subscribedOnce) dropAll();
      subscribedOnce = true;
    });
    sub.subscribe(channel).catch((err: Error) => logger.warn({ err: err.message }, 'change feed: subscribe failed; caches rely on the refresh bound'));
  }

  return {
    refreshSeconds: o.refreshSeconds,
    shared: redis !== null,
    publish(topic, payload) {
      deliver(topic, payload);
      if (!redis) return;
      const m: Message = { o: instance, t: topic, ...(payload !== undefined && { p: payload }) };
      redis.client.publish(channel, JSON.stringify(m)).catch((err: Error) => {
        logger.warn({ err: err.message, topic }, 'change feed: publish failed; other instances pick the change up within the refresh bound');
      });
    },
    subscribe(topic, handler) {
      local.on(topic, handler);
      return () => local.off(topic, handler);
    },
    watch(topic, drop) {
      local.on(topic, drop);
      watchers.add(drop);
      return () => {
        local.off(topic, drop);
        watchers.delete(drop);
      };
    },
    async close() {
      clearInterval(timer);
      local.removeAllListeners();
      watchers.clear();
    },
  };
}
