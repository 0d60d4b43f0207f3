// The embedded database's vacuum/analyze pass (PGlite runs no autovacuum): tables past
// autovacuum's thresholds are vacuumed, the rest are left alone; PostgreSQL keeps its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const deadRows = async (table: string) => {
  await t.deps.db.$executeRawUnsafe('SELECT pg_stat_force_next_flush()');
  return Number(
    (
      await t.deps.db.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT n_dead_tup AS n FROM pg_stat_user_tables WHERE relname = $1`, table)
    )[0]?.n ?? 0,
  );
};

describe('database maintenance', () => {
  it('vacuums the tables whose dead rows pass the threshold (PGlite), and only those', async () => {
    if (t.database.kind !== 'pglite') {
      // PostgreSQL servers run autovacuum: the pass does nothing there.
      expect(await t.database.maintain()).toEqual({ vacuumed: [], analyzed: [] });
      return;
    }
    await t.database.maintain();
    // Deleted rows in a table of their own: far past 50 + 20 % of what is left.
    await t.deps.db.$executeRawUnsafe(`CREATE TABLE maintenance_probe (id int PRIMARY KEY)`);
    await t.deps.db.$executeRawUnsafe(`INSERT INTO maintenance_probe SELECT g FROM generate_series(1, 1000) g`);
    await t.deps.db.$executeRawUnsafe(`DELETE FROM maintenance_probe WHERE id > 100`);
    expect(await deadRows('maintenance_probe')).toBe(900);
    const pass = await t.database.maintain();
    expect(pass.vacuumed).toContain('maintenance_probe');
    expect(await deadRows('maintenance_probe')).toBe(0);
    // Nothing left to do: a second pass touches nothing.
    expect(await t.database.maintain()).toEqual({ vacuumed: [], analyzed: [] });
    // Real traffic: refreshes rotate tokens (dead rows in the session tables) until a pass takes them.
    const owner = await signUp(t);
    let token: string = owner.refreshToken;
    for (let i = 0; i < 5; i++) {
      const r = await t.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { body: { refreshToken: token } });
      token = r.body.refreshToken;
    }
    expect(typeof token).toBe('string');
    await t.database.maintain();
    await t.deps.db.$executeRawUnsafe('SELECT pg_stat_force_next_flush()');
    const dead = await t.deps.db.$queryRawUnsafe<Array<{ relname: string; n: bigint }>>(
      `SELECT relname, n_dead_tup AS n FROM pg_stat_user_tables WHERE n_dead_tup > 50 + 0.2 * n_live_tup`,
    );
    expect(dead).toEqual([]);
    await t.deps.db.$executeRawUnsafe(`DROP TABLE maintenance_probe`);
  });
});
