// Redis for a fleet (REDIS_URL): shared rate-limit counters and the change feed's pub/sub. Two
// connections, because a connection in subscriber mode cannot run other commands: `client` for
// commands (counters, PUBLISH), `subscriber` for SUBSCRIBE, opened on first use.
//
// Redis is an accelerator here, never a dependency of correctness or of starting: the process
// starts while Redis is down and ioredis reconnects in the background. Commands fail fast while
// the connection is not ready (no offline queue, a command timeout), so a request never hangs on
// Redis: the rate limits fall back to per-process counters (rate-limit.ts) and cache
// invalidation to the refresh bound (change-feed.ts). Every change of reachability is logged once.
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.ts';

export interface RedisSettings {
  url: string | null;
  keyPrefix: string;
}

export interface RedisConnections {
  /** The command connection (counters, PUBLISH). */
  readonly client: Redis;
  /** The subscriber connection, opened on first call. */
  subscriber(): Redis;
  /** Prefix of every key and channel Gatehouse uses (GATEHOUSE_REDIS_PREFIX). */
  readonly keyPrefix: string;
  /** Whether Redis answers PING within `timeoutMs`. Never throws. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** A command that got no answer in this time fails (then the fallback applies); Redis answers in well under 1 ms on a LAN. */
const COMMAND_TIMEOUT_MS = 1000;

function options(name: string): RedisOptions {
  return {
    connectionName: name,
    // Fail at once while disconnected instead of queueing: callers have a fallback, and a
    // queued command would hold a login until Redis came back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    // Reconnect forever, backing off to 2 s.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    lazyConnect: false,
  };
}

function watchState(redis: Redis, role: string, logger: Logger) {
  let up: boolean | null = null;
  redis.on('ready', () => {
    if (up !== true) logger.info({ role }, 'redis connected');
    up = true;
  });
  redis.on('error', (err: Error) => {
    if (up !== false) logger.warn({ role, err: err.message }, 'redis unreachable: rate limits use per-process counters and caches rely on the refresh bound until it is back');
    up = false;
  });
  redis.on('end', () => {
    up = false;
  });
}

/** null when REDIS_URL is unset: everything runs in-process. */
export function createRedis(settings: RedisSettings, logger: Logger): RedisConnections | null {
  if (!settings.url) return null;
  const url = settings.url;
  const client = new Redis(url, options('gatehouse'));
  watchState(client, 'commands', logger);
  let sub: Redis | null = null;
  return {
    client,
    keyPrefix: settings.keyPrefix,
    subscriber() {
      if (!sub) {
        // The subscriber must queue SUBSCRIBE until connected, and re-subscribes itself on reconnect.
        sub = new Redis(url, { ...options('gatehouse-subscriber'), enableOfflineQueue: true, commandTimeout: undefined });
        watchState(sub, 'subscriber', logger);
      }
      return sub;
    },
    async ping(timeoutMs = COMMAND_TIMEOUT_MS) {
      if (client.status !== 'ready') return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const answer = await Promise.race([
          client.ping(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
          }),
        ]);
        return answer === 'PONG';
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await Promise.all(
        [client, sub].map(async (c) => {
          if (!c) return;
          try {
            await c.quit();
          } catch {
            c.disconnect();
          }
        }),
      );
    },
  };
}
