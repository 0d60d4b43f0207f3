// Vacuum and analyze for the embedded database. PGlite runs PostgreSQL in single-user mode: the
// autovacuum setting reads "on" but no autovacuum worker ever runs. Without one, every rotated
// refresh token and every updated session leaves a dead row behind, tables and indexes grow, the
// visibility map goes stale (index-only scans fall back to the heap) and the planner's statistics
// drift. This does autovacuum's job with its own thresholds: a table is vacuumed once its dead
// rows exceed 50 + 20 % of its live rows, and analyzed once 50 + 10 % of its rows changed.
// PostgreSQL servers have their autovacuum; this runs for PGlite only.

export interface MaintenanceRunner {
  query<T>(sql: string): Promise<{ rows: T[] }>;
}

export interface MaintenanceResult {
  vacuumed: string[];
  analyzed: string[];
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** One pass: vacuum (with analyze) or analyze the tables past the thresholds. */
export async function maintainTables(db: MaintenanceRunner): Promise<MaintenanceResult> {
  // Statistics reach pg_stat_user_tables when a backend flushes them; PGlite's one backend
  // flushes on its own schedule, so ask for it first (the flush happens before the next statement).
  await db.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await db.query<{ table: string; vacuum: boolean; analyze: boolean }>(`
    SELECT relname AS "table",
           n_dead_tup > 50 + 0.2 * n_live_tup AS vacuum,
           n_mod_since_analyze > 50 + 0.1 * n_live_tup AS analyze
    FROM pg_stat_user_tables
    WHERE schemaname = 'public'
      AND (n_dead_tup > 50 + 0.2 * n_live_tup OR n_mod_since_analyze > 50 + 0.1 * n_live_tup)
    ORDER BY relname`);
  const result: MaintenanceResult = { vacuumed: [], analyzed: [] };
  // One table at a time: each statement holds the single connection only briefly.
  for (const r of rows) {
    if (r.vacuum) {
      await db.query(`VACUUM (ANALYZE) ${quoteIdent(r.table)}`);
      result.vacuumed.push(r.table);
    } else {
      await db.query(`ANALYZE ${quoteIdent(r.table)}`);
      result.analyzed.push(r.table);
    }
  }
  return result;
}

/**
 * Runs `maintainTables` every `intervalMs` (never two passes at once); the timer does not keep
 * the process alive. Returns the function that stops it and waits for a running pass.
 */
export function scheduleMaintenance(db: MaintenanceRunner, intervalMs: number, onError: (e: unknown) => void): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = maintainTables(db)
      .catch(onError)
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
