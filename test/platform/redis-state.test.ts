// The fleet's shared state at the platform level, against a throwaway redis-server: two rate-limit
// stores on one Redis share counters (two instances), the insurance limiter keeps limits per
// process while Redis is down, and the change feed delivers each publication exactly once to
// every subscriber, locally and across feeds, with the refresh bound as the fallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChangeFeed, type ChangeFeed } from '../../src/platform/change-feed.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRateLimitStore } from '../../src/platform/rate-limit.ts';
import { createRedis, type RedisConnections } from '../../src/platform/redis.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

const logger = createLogger('silent');
let redis: TestRedis;
const opened: Array<{ close(): Promise<void> }> = [];
const connect = (keyPrefix = 'test:') => {
  const c = createRedis({ url: redis.url, keyPrefix }, logger)!;
  opened.push(c);
  return c;
};
const feed = (r: RedisConnections | null, refreshSeconds = 3600) => {
  const f = createChangeFeed({ refreshSeconds, logger, redis: r });
  opened.push(f);
  return f;
};
const until = async (what: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};
/** A feed's subscription is live once a probe it publishes itself comes back through another feed. */
const subscribed = async (a: ChangeFeed, b: ChangeFeed) => {
  let seen = false;
  const off = b.subscribe('probe', () => (seen = true));
  await until(() => {
    a.publish('probe');
    return seen;
  });
  off();
};

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of opened.reverse()) await c.close();
  await redis?.stop();
});

describe('rate limits in Redis', () => {
  it('two stores (two instances) on one Redis count one budget; another prefix is another installation', async () => {
    const a = connect();
    const b = connect();
    await until(() => a.client.status === 'ready' && b.client.status === 'ready');
    const rule = { points: 3, windowSeconds: 60 };
    const la = createRateLimitStore({ kind: 'redis', client: a.client, keyPrefix: a.keyPrefix }).limiter('LOGIN', rule);
    const lb = createRateLimitStore({ kind: 'redis', client: b.client, keyPrefix: b.keyPrefix }).limiter('LOGIN', rule);
    expect(await la.consume('k')).toEqual({ allowed: true, remaining: 2 });
    expect(await lb.consume('k')).toEqual({ allowed: true, remaining: 1 });
    expect(await la.consume('k')).toEqual({ allowed: true, remaining: 0 });
    expect((await lb.consume('k')).allowed).toBe(false);
    // reward and reset are shared too
    await la.reset('k');
    expect(await lb.consume('k')).toEqual({ allowed: true, remaining: 2 });
    await lb.reward('k');
    expect(await la.consume('k')).toEqual({ allowed: true, remaining: 2 });

    const other = connect('other:');
    const lo = createRateLimitStore({ kind: 'redis', client: other.client, keyPrefix: other.keyPrefix }).limiter('LOGIN', rule);
    await until(() => other.client.status === 'ready');
    expect(await lo.consume('k')).toEqual({ allowed: true, remaining: 2 });
    // A changed rule starts fresh counters, as in memory.
    const changed = createRateLimitStore({ kind: 'redis', client: a.client, keyPrefix: a.keyPrefix }).limiter('LOGIN', { points: 5, windowSeconds: 60 });
    expect(await changed.consume('k')).toEqual({ allowed: true, remaining: 4 });
    expect(await a.client.keys('test:rl:*')).not.toHaveLength(0);
  });

  it('while Redis is unreachable, limits still hold per process (insurance), and the fallback is reported', async () => {
    // A port nothing listens on: the connection never becomes ready.
    const down = createRedis({ url: 'redis://127.0.0.1:1', keyPrefix: 'test:' }, logger)!;
    opened.push(down);
    const fallbacks: string[] = [];
    const store = createRateLimitStore({ kind: 'redis', client: down.client, keyPrefix: 'test:', onFallback: (name) => fallbacks.push(name) });
    const l = store.limiter('CODES', { points: 2, windowSeconds: 60 });
    expect((await l.consume('k')).allowed).toBe(true);
    expect((await l.consume('k')).allowed).toBe(true);
    expect((await l.consume('k')).allowed).toBe(false);
    expect(fallbacks).toEqual(['CODES:']);
    expect(await down.ping(200)).toBe(false);
  });
});

describe('change feed', () => {
  it('in process: each subscriber of the topic runs once per publication; unsubscribe stops it', () => {
    const f = feed(null);
    const got: Array<string | undefined> = [];
    const off = f.subscribe('t', (p) => got.push(p));
    f.subscribe('other', () => got.push('wrong topic'));
    f.publish('t', 'x');
    f.publish('t');
    off();
    f.publish('t', 'y');
    expect(got).toEqual(['x', undefined]);
    expect(f.shared).toBe(false);
  });

  it('over Redis: a publication reaches the other instance once and the publisher itself once (synchronously)', async () => {
    const a = feed(connect());
    const b = feed(connect());
    await subscribed(a, b);
    await subscribed(b, a);
    const onA: Array<string | undefined> = [];
    const onB: Array<string | undefined> = [];
    a.subscribe('ip-restrictions', (p) => onA.push(p));
    b.subscribe('ip-restrictions', (p) => onB.push(p));
    a.publish('ip-restrictions', 'tenant-1');
    expect(onA).toEqual(['tenant-1']);
    await until(() => onB.length > 0);
    b.publish('ip-restrictions');
    await until(() => onA.length > 1);
    // Let any duplicate arrive before counting.
    await new Promise((r) => setTimeout(r, 100));
    expect(onA).toEqual(['tenant-1', undefined]);
    expect(onB).toEqual(['tenant-1', undefined]);
    expect(a.shared).toBe(true);
  });

  it('a watcher is dropped at the refresh bound even when nothing is published', async () => {
    const f = feed(null, 1);
    let drops = 0;
    f.watch('quiet', () => drops++);
    await until(() => drops >= 2, 5000);
    expect(drops).toBeGreaterThanOrEqual(2);
  });
});
