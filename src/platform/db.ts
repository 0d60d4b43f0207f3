// The only place that makes a PrismaClient. One URL picks the database:
//   postgresql://…  real PostgreSQL through @prisma/adapter-pg (pooled)
//   pglite:<dir>    embedded PGlite (PostgreSQL in wasm), file-backed, in-process
//   pglite:memory   embedded PGlite in memory (tests)
import fs from 'node:fs';
import path from 'node:path';
import { PrismaClient } from '../generated/prisma/client.ts';
import { applyMigrations, migrationStatus, type MigrationStatus, type SqlRunner } from './migrate.ts';
import type { PoolStats } from './metrics.ts';
import { maintainTables, scheduleMaintenance, type MaintenanceResult } from './pglite-maintenance.ts';
import { withPreparedStatements } from './pglite-prepared.ts';

export type { PrismaClient } from '../generated/prisma/client.ts';
export { Prisma } from '../generated/prisma/client.ts';

/** A Prisma client or the transaction client handed to `$transaction` callbacks. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface Database {
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
  appliedMigrations: string[];
  /** Cheap probe (readiness): one `SELECT 1`. */
  ping(): Promise<boolean>;
  /** Migrations on disk against those recorded as applied (readiness). */
  migrationStatus(): Promise<MigrationStatus>;
  /** Connection counts for /metrics; PGlite is one in-process connection. */
  poolStats(): PoolStats | null;
  /** PGlite: one vacuum/analyze pass now (see pglite-maintenance.ts); PostgreSQL has autovacuum and does nothing. */
  maintain(): Promise<MaintenanceResult>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  migrate?: boolean;
  /** Called with each SQL statement Prisma sends (tests count them to catch N+1). */
  onQuery?: (sql: string) => void;
  poolSize?: number;
  /** PGlite only: run Prisma's statements as named prepared statements (default on; off only to measure the difference). */
  preparedStatements?: boolean;
  /** PGlite only: seconds between vacuum/analyze passes (PGlite has no autovacuum); 0 turns them off. */
  maintenanceIntervalSeconds?: number;
  /** Where a failed maintenance pass is reported. */
  onMaintenanceError?: (e: unknown) => void;
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);
export const redactUrl = (url: string) => url.replace(/:[^:@/]*@/, ':***@');

function withQueryLog(prisma: PrismaClient, onQuery?: (sql: string) => void): PrismaClient {
  if (onQuery) (prisma as unknown as { $on(e: 'query', cb: (ev: { query: string }) => void): void }).$on('query', (e) => onQuery(e.query));
  return prisma;
}

/** Read-only SQL through Prisma (readiness checks; never used for writes). */
function prismaRunner(prisma: PrismaClient): Pick<SqlRunner, 'query'> {
  return { query: <T,>(sql: string, params: unknown[] = []) => prisma.$queryRawUnsafe<T[]>(sql, ...params) };
}

export async function createDatabase(url: string, options: DatabaseOptions = {}): Promise<Database> {
  const { migrate = true, onQuery } = options;
  const log = onQuery ? [{ level: 'query' as const, emit: 'event' as const }] : [];
  if (isPostgresUrl(url)) {
    const [{ PrismaPg }, { default: pg }] = await Promise.all([import('@prisma/adapter-pg'), import('pg')]);
    let appliedMigrations: string[] = [];
    if (migrate) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        appliedMigrations = await applyMigrations({
          query: async (sql, params) => (await client.query(sql, params)).rows,
          exec: async (sql) => void (await client.query(sql)),
        });
      } finally {
        await client.end();
      }
    }
    // Our own pool (the adapter's would be out of reach), so /metrics can read its counts.
    const max = options.poolSize ?? 10;
    const pool = new pg.Pool({ connectionString: url, max });
    const adapter = new PrismaPg(pool, { disposeExternalPool: true });
    const prisma = withQueryLog(new PrismaClient({ adapter, log }), onQuery);
    return {
      prisma,
      kind: 'postgres',
      appliedMigrations,
      ping: () => prisma.$queryRaw`SELECT 1`.then(() => true, () => false),
      migrationStatus: () => migrationStatus(prismaRunner(prisma)),
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
      maintain: async () => ({ vacuumed: [], analyzed: [] }),
      close: async () => {
        await prisma.$disconnect();
        // disposeExternalPool ends it when the adapter connected; a client that never ran a query did not.
        if (!pool.ended) await pool.end().catch(() => undefined);
      },
    };
  }
  if (url.startsWith('pglite:')) {
    const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('pglite-prisma-adapter'),
    ]);
    const target = url.slice('pglite:'.length);
    const inMemory = target === 'memory' || target === '';
    const dataDir = inMemory ? 'memory://' : path.resolve(target);
    if (!inMemory) fs.mkdirSync(dataDir, { recursive: true });
    // pg_trgm backs the user search indexes (migration users_search_trgm).
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const client = await PGlite.create(dataDir, { extensions: { pg_trgm } });
    let appliedMigrations: string[] = [];
    if (migrate) {
      // The same PGlite instance as the client: a data directory may be opened only once.
      const runner: SqlRunner = {
        query: async <T,>(sql: string, params?: unknown[]) => (await client.query<T>(sql, params)).rows,
        exec: async (sql) => void (await client.exec(sql)),
      };
      appliedMigrations = await applyMigrations(runner);
    }
    const prisma = withQueryLog(new PrismaClient({ adapter: new PrismaPGlite(options.preparedStatements === false ? client : withPreparedStatements(client)), log }), onQuery);
    const interval = options.maintenanceIntervalSeconds ?? 0;
    const stopMaintenance = interval > 0 ? scheduleMaintenance(client, interval * 1000, options.onMaintenanceError ?? (() => {})) : async () => {};
    return {
      prisma,
      kind: 'pglite',
      appliedMigrations,
      ping: () => prisma.$queryRaw`SELECT 1`.then(() => true, () => false),
      migrationStatus: () => migrationStatus(prismaRunner(prisma)),
      // One in-process connection, serialised: "waiting" is not observable from outside PGlite.
      poolStats: () => ({ total: 1, idle: 1, waiting: 0, max: 1 }),
      maintain: () => maintainTables(client),
      close: async () => {
        await stopMaintenance();
        await prisma.$disconnect();
        await client.close();
      },
    };
  }
  throw new Error(`Unsupported DATABASE_URL ${redactUrl(url)} (use postgresql://…, pglite:<dir> or pglite:memory)`);
}
