// Drive the WebAssembly build of Prisma's schema engine (@prisma/schema-engine-wasm) through
// Prisma driver adapters. Same engine code as the native `schema-engine` binary that the Prisma 7
// CLI downloads from binaries.prisma.sh, but installed from npm and running in-process.
// Pin @prisma/schema-engine-wasm to the engine hash of the installed prisma:
//   npm view @prisma/engines-version@<prisma version> version  -> 7.10.0-4.<hash>
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wasmBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

export const DEFAULT_DATABASE_URL = 'pglite:./.gatehouse/db';
export const FILTERS = Object.freeze({ externalTables: [], externalEnums: [] });

let SchemaEngineClass;
/** Instantiate the wasm module once per process (same steps as the Prisma 6.x CLI loader). */
export function loadSchemaEngine() {
  if (SchemaEngineClass) return SchemaEngineClass;
  const glue = fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const bytes = fs.readFileSync(path.join(path.dirname(glue), 'schema_engine_bg.wasm'));
  // The engine arms timers (e.g. its 10 s advisory-lock timeout) that it never clears; unref
  // them so that they do not keep the Node.js process alive after the work is done.
  const imports = { ...wasmBindings };
  for (const key of Object.keys(imports)) {
    if (key.startsWith('__wbg_setTimeout_')) {
      imports[key] = (fn, ms) => {
        const t = setTimeout(fn, ms >>> 0);
        t.unref?.();
        return t;
      };
    }
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { './schema_engine_bg.js': imports });
  wasmBindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  SchemaEngineClass = wasmBindings.SchemaEngine;
  checkEngineHash(wasmBindings.version());
  return SchemaEngineClass;
}

/** Warn when @prisma/schema-engine-wasm was built from another engine commit than the CLI's. */
function checkEngineHash(wasmHash) {
  try {
    const pkg = JSON.parse(fs.readFileSync(fileURLToPath(import.meta.resolve('@prisma/engines-version/package.json')), 'utf8'));
    const cliHash = pkg.prisma?.enginesVersion;
    if (cliHash && cliHash !== wasmHash)
      console.warn(`warning: @prisma/schema-engine-wasm is engine ${wasmHash}, prisma CLI uses ${cliHash}; pin @prisma/schema-engine-wasm@${pkg.version}`);
  } catch {
    /* best effort */
  }
}

export const isPostgresUrl = (url) => /^postgres(ql)?:\/\//i.test(url);
export const redactUrl = (url) => url.replace(/:[^:@/]*@/, ':***@');

// @prisma/adapter-pg (<= 7.10.1) throws UnsupportedNativeDataType for the one-byte `"char"` type
// (OID 18), which the schema describer reads from pg_catalog (e.g. pg_constraint.contype).
// Report it as text (OID 25); pg hands the values over as strings either way.
function patchCharColumns(queryable) {
  const performIO = queryable.performIO;
  if (typeof performIO === 'function') {
    queryable.performIO = async function (...args) {
      const result = await performIO.apply(this, args);
      for (const f of result.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
      return result;
    };
  }
  const startTransaction = queryable.startTransaction;
  if (typeof startTransaction === 'function') {
    queryable.startTransaction = async function (...args) {
      return patchCharColumns(await startTransaction.apply(this, args));
    };
  }
  return queryable;
}

/**
 * Migration-aware adapter factory for the schema engine.
 * postgres://… -> @prisma/adapter-pg (shadow DB: temporary database, needs CREATEDB)
 * pglite:<dir> | pglite:memory -> pglite-prisma-adapter (shadow DB: in-memory PGlite)
 * Pass `pglite` to reuse an already open PGlite instance (PGlite is single-process).
 */
export async function createAdapterFactory(url, { pglite } = {}) {
  if (pglite) {
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    return { factory: new PrismaPGlite(pglite), close: async () => {} };
  }
  if (isPostgresUrl(url)) {
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const { parse } = await import('pg-connection-string');
    const { default: pg } = await import('pg');
    // Discrete fields, not `connectionString`: pg lets connectionString win over `database`.
    const { schema, ...pgConfig } = parse(url);
    const options = schema ? { schema } : undefined;
    const opened = [];
    const track = (a) => (opened.push(a), patchCharColumns(a));
    const factory = {
      provider: 'postgres',
      adapterName: '@prisma/adapter-pg',
      connect: async () => track(await new PrismaPg(pgConfig, options).connect()),
      // Own shadow handling: PrismaPg.connectToShadowDb() (7.10) ignores the database name when
      // given a connectionString and issues DROP DATABASE while its pool still holds a session.
      connectToShadowDb: async () => {
        const name = `prisma_migrate_shadow_db_${crypto.randomUUID()}`;
        const admin = new pg.Client(pgConfig);
        await admin.connect();
        await admin.query(`CREATE DATABASE "${name}"`);
        const shadow = await new PrismaPg({ ...pgConfig, database: name }).connect();
        const dispose = shadow.dispose.bind(shadow);
        shadow.dispose = async () => {
          await dispose();
          await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
          await admin.end();
        };
        return track(shadow);
      },
    };
    // The engine does not dispose the connections it opened; end the pools ourselves.
    return { factory, close: async () => void (await Promise.allSettled(opened.map((a) => a.dispose()))) };
  }
  if (url.startsWith('pglite:')) {
    const { PGlite } = await import('@electric-sql/pglite');
    const target = url.slice('pglite:'.length);
    const dataDir = target === 'memory' || target === '' ? 'memory://' : path.resolve(target);
    if (!dataDir.startsWith('memory://')) fs.mkdirSync(dataDir, { recursive: true });
    // pg_trgm: the user search indexes need it, in the database and in the shadow database.
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const client = new PGlite(dataDir, { extensions: { pg_trgm } });
    await client.waitReady;
    const { factory } = await createAdapterFactory(url, { pglite: client });
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    factory.connectToShadowDb = async () =>
      new PrismaPGlite(new PGlite({ dataDir: 'memory://shadow', extensions: { pg_trgm } })).connect();
    return { factory, close: () => client.close() };
  }
  throw new Error(`Unsupported database URL "${url}" (use postgres://…, pglite:<dir> or pglite:memory)`);
}

function collectPrismaFiles(p) {
  if (fs.statSync(p).isFile()) return [p];
  return fs
    .readdirSync(p, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.prisma'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** schema.prisma file, or a folder of *.prisma files (multi-file schema). */
export function loadSchemaFiles(schemaPath = 'prisma/schema.prisma') {
  return collectPrismaFiles(path.resolve(schemaPath)).map((file) => ({
    path: file,
    content: fs.readFileSync(file, 'utf8'),
  }));
}

/** Same structure @prisma/migrate's listMigrations() hands to the engine. */
export async function listMigrations(migrationsDir = 'prisma/migrations') {
  const baseDir = path.resolve(migrationsDir);
  const lockfile = {
    path: 'migration_lock.toml',
    content: await fsp.readFile(path.join(baseDir, 'migration_lock.toml'), 'utf8').catch(() => null),
  };
  const entries = await fsp.readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const content = await fsp
      .readFile(path.join(baseDir, entry.name, 'migration.sql'), 'utf8')
      .then((value) => ({ tag: 'ok', value }))
      .catch((error) => ({ tag: 'error', value: error.message }));
    migrationDirectories.push({ path: entry.name, migrationFile: { path: 'migration.sql', content } });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return { baseDir, lockfile, migrationDirectories, shadowDbInitScript: '' };
}

/** Writes <baseDir>/<generatedMigrationName>/migration.sql and migration_lock.toml like the CLI. */
export async function writeMigration(baseDir, { generatedMigrationName, migrationScript, extension, connectorType }) {
  const dir = path.join(baseDir, generatedMigrationName);
  if (fs.existsSync(dir)) throw new Error(`The migration directory already exists at ${dir}`);
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, `migration.${extension}`), migrationScript, 'utf8');
  await fsp.writeFile(
    path.join(baseDir, 'migration_lock.toml'),
    `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${connectorType}"\n`,
    'utf8',
  );
  return dir;
}

/** Open a schema engine on a migration-aware adapter factory. Call engine.free() when done. */
export async function openEngine(factory, schemaFiles, log = () => {}) {
  const SchemaEngine = loadSchemaEngine();
  return SchemaEngine.new(
    { datamodels: schemaFiles?.map((f) => [f.path, f.content]) },
    log,
    bindMigrationAwareSqlAdapterFactory(factory),
  );
}

/** `prisma migrate deploy` equivalent. Returns the names of the migrations applied now. */
export async function deployMigrations(factory, migrationsDir = 'prisma/migrations') {
  const engine = await openEngine(factory, undefined);
  try {
    const migrationsList = await listMigrations(migrationsDir);
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: FILTERS });
    return appliedMigrationNames;
  } finally {
    engine.free();
  }
}
