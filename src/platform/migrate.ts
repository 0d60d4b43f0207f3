// Applies prisma/migrations/*/migration.sql in name order and records them in Prisma's own
// `_prisma_migrations` table (same DDL, checksum = sha256 of the file), so `prisma migrate
// status|deploy` (native or the wasm engine in scripts/prisma-wasm) agree with what ran here.
// Engine-free on purpose: start-up needs no wasm engine, only SQL.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The advisory lock id Prisma's schema engine takes on PostgreSQL, so both runners exclude each other. */
const LOCK_ID = 72707369;
const DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** The smallest SQL surface both pg and PGlite offer. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

const migrationsOnDisk = (migrationsDir: string) =>
  fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

export interface MigrationStatus {
  /** How many migrations on disk are recorded as applied. */
  applied: number;
  /** On disk, not applied (an instance older than the code, or a failed start). */
  pending: string[];
  /** Recorded as failed (started, never finished nor rolled back). */
  failed: string[];
}

/**
 * Readiness: the migrations on disk against `_prisma_migrations`. Read-only and lock-free (a
 * concurrent start applying migrations shows as pending until it commits). Applied migrations
 * that are not on disk (a newer instance migrated first) do not make this one unready.
 */
export async function migrationStatus(db: Pick<SqlRunner, 'query'>, migrationsDir = MIGRATIONS_DIR): Promise<MigrationStatus> {
  const names = migrationsOnDisk(migrationsDir);
  const table = await db.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
  if (!table[0]?.present) return { applied: 0, pending: names, failed: [] };
  const rows = await db.query<AppliedRow>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
  const done = new Set(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name));
  return {
    applied: names.filter((n) => done.has(n)).length,
    pending: names.filter((n) => !done.has(n)),
    failed: rows.filter((r) => !r.finished_at && !r.rolled_back_at).map((r) => r.migration_name),
  };
}

export async function applyMigrations(db: SqlRunner, migrationsDir = MIGRATIONS_DIR): Promise<string[]> {
  const names = migrationsOnDisk(migrationsDir);
  await db.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
  try {
    await db.exec(DDL);
    const rows = await db.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    const failed = rows.filter((r) => !r.finished_at && !r.rolled_back_at);
    if (failed.length) {
      throw new Error(`failed migration(s) recorded, resolve them first: ${failed.map((r) => r.migration_name).join(', ')}`);
    }
    const applied: string[] = [];
    for (const name of names) {
      const sql = fs.readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      if (rows.some((r) => r.migration_name === name && r.finished_at && !r.rolled_back_at)) continue;
      const id = randomUUID();
      await db.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
        [id, checksum, name],
      );
      try {
        await db.exec(`BEGIN;\n${sql}\n;COMMIT;`);
      } catch (error) {
        await db.exec('ROLLBACK').catch(() => undefined);
        await db.query('DELETE FROM "_prisma_migrations" WHERE id = $1', [id]);
        throw new Error(`migration ${name} failed: ${(error as Error).message}`);
      }
      await db.query(
        'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
        [id],
      );
      applied.push(name);
    }
    return applied;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]);
  }
}
