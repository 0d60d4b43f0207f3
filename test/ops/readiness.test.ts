// GET /health is liveness (answers without touching the database); GET /health/ready reports the
// database, the migrations on disk against those applied, and Redis (not_configured without
// REDIS_URL), 200 or 503 with {status, checks}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';
import { runReadiness } from '../../src/platform/readiness.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const get = async (gh: TestGatehouse, path: string) => {
  const r = await gh.app.fetch(new Request(`http://gatehouse.test${path}`));
  return { status: r.status, body: (await r.json()) as any, cache: r.headers.get('cache-control') };
};

describe('readiness', () => {
  it('is ready with the database up, every migration applied and no Redis configured', async () => {
    const r = await get(t, '/health/ready');
    expect(r).toMatchObject({ status: 200, cache: 'no-store' });
    expect(r.body).toEqual({ status: 'ok', checks: { database: 'up', migrations: 'up', redis: 'not_configured' }, details: { migrations: { applied: expect.any(Number), pending: [], failed: [] } } });
    expect(r.body.details.migrations.applied).toBeGreaterThan(5);
  });

  it('is unavailable while a migration on disk is not applied, and names it', async () => {
    const [last] = await t.deps.db.$queryRawUnsafe<Array<Record<string, unknown>>>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1');
    await t.deps.db.$executeRawUnsafe('DELETE FROM "_prisma_migrations" WHERE id = $1', last!.id);
    try {
      const r = await get(t, '/health/ready');
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ status: 'unavailable', checks: { database: 'up', migrations: 'pending' }, details: { migrations: { pending: [last!.migration_name] } } });
    } finally {
      await t.deps.db.$executeRawUnsafe(
        'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, $4, $5, $6)',
        last!.id, last!.checksum, last!.finished_at, last!.migration_name, last!.started_at, last!.applied_steps_count,
      );
    }
    expect((await get(t, '/health/ready')).status).toBe(200);
  });

  it('takes the checks bootstrap is given: a Redis check replaces not_configured, and a failing one answers 503', async () => {
    let redis: 'up' | 'down' = 'up';
    const withRedis = await startGatehouse({}, { readiness: [{ name: 'redis', check: async () => redis }] });
    try {
      expect((await get(withRedis, '/health/ready')).body.checks).toEqual({ database: 'up', migrations: 'up', redis: 'up' });
      redis = 'down';
      const r = await get(withRedis, '/health/ready');
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ status: 'unavailable', checks: { database: 'up', migrations: 'up', redis: 'down' } });
    } finally {
      await withRedis.close();
    }
  });

  it('bounds each check by a timeout and counts a throwing check as down', async () => {
    const r = await runReadiness(
      [
        { name: 'hangs', check: () => new Promise(() => {}) },
        { name: 'throws', check: async () => { throw new Error('boom'); } },
        { name: 'fine', check: () => true },
      ],
      50,
    );
    expect(r).toEqual({ status: 'unavailable', checks: { hangs: 'timeout', throws: 'down', fine: 'up' } });
  });
});

describe('liveness', () => {
  it('answers 200 {status: ok} without waiting for the database; readiness reports it', async () => {
    const ping = t.database.ping;
    t.database.ping = () => new Promise<boolean>(() => {});
    try {
      const live = await get(t, '/health');
      expect(live).toEqual({ status: 200, body: { status: 'ok' }, cache: 'no-store' });
      const ready = await get(t, '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database).toBe('timeout');
    } finally {
      t.database.ping = ping;
    }
  });
});
