// Bulk seed for the user-management scale bench: N users across M tenants, each user with one
// membership holding one role, three groups per tenant (with roles) and most users in a group.
//
//   npm run bench:seed -- [--users 1000000] [--tenants 10000] [--data-dir .gatehouse-bench]
//   DATABASE_URL=postgresql://…/db npm run bench:seed -- --users 1000000   (fills that database)
//
// Everything is set-based SQL (INSERT … SELECT … FROM generate_series) in a handful of
// statements inside ONE transaction: row-by-row Prisma creates would take hours at 1 M users,
// and one transaction means a failed seed leaves nothing half-done. For the load the secondary
// indexes of the four big tables are dropped and rebuilt afterwards (building a GIN trigram
// index once over sorted input is several times cheaper than maintaining it per row), and, when
// the role is a superuser, foreign-key triggers are skipped with session_replication_role
// (the rows are consistent by construction). Then ANALYZE, so the planner sees the real sizes.
//
// Ids are deterministic (md5 of a label, shaped as a UUID) so the bench can name a tenant or a
// user without asking the database: see benchTenantId / benchUserId.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { PrismaClient } from '../src/platform/db.ts';
import { bootGatehouse, type DatabaseChoice } from './harness.ts';

export interface SeedOptions {
  users: number;
  tenants: number;
  /** Progress lines (stderr by default). */
  log?: (msg: string) => void;
}

export interface SeedResult {
  users: number;
  tenants: number;
  /** [step, ms] in order. */
  timings: Array<[string, number]>;
  totalMs: number;
}

// Word lists: enough variety that trigram search has realistic selectivity (a last name matches
// ~1/60 of the users, a first+last pair ~1/4500, a full email one user).
const FIRST = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Lisa', 'Daniel', 'Nancy',
  'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily',
  'Andrew', 'Donna', 'Joshua', 'Michelle', 'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Deborah',
  'Timothy', 'Stephanie', 'Ronald', 'Rebecca', 'Jason', 'Sharon', 'Edward', 'Laura', 'Jeffrey', 'Cynthia', 'Ryan', 'Amara',
  'Yuki', 'Mateo', 'Chloe', 'Lucas', 'Ingrid', 'Omar', 'Priya', 'Wei', 'Fatima', 'Sven', 'Aisha', 'Diego',
];
const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson',
  'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright',
  'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell',
  'Mitchell', 'Carter', 'Roberts', 'Kowalski', 'Tanaka', 'Okafor', 'Lindqvist', 'Novak', 'Haddad', 'Patel', 'Kim',
  'Schmidt', 'Rossi', 'Dubois', 'Fischer',
];
const DOMAINS = [
  'example.com', 'acme.io', 'globex.net', 'initech.org', 'umbrella.co', 'hooli.com', 'stark.dev', 'wayne.biz',
  'tyrell.ai', 'cyberdyne.tech', 'soylent.io', 'wonka.shop', 'aperture.science', 'massive.dynamic',
];
const COMPANY = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Wonka', 'Aperture'];
const COMPANY_KIND = ['Labs', 'Systems', 'Holdings', 'Analytics', 'Logistics', 'Health', 'Media', 'Energy'];
const GROUPS = [
  { key: 1, name: 'Engineering', color: '#1e88e5' },
  { key: 2, name: 'Sales', color: '#43a047' },
  { key: 3, name: 'Support', color: '#fb8c00' },
];
/** Tenants (1…this) that also get tenant-specific roles. */
const TENANTS_WITH_OWN_ROLES = 100;

export const BENCH_WORDS = { first: FIRST, last: LAST, domains: DOMAINS };

/** md5(label) shaped as a UUID: the same value `md5(label)::uuid::text` gives in SQL. */
function md5Uuid(label: string): string {
  const h = createHash('md5').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
/** Tenant 1 is the big one (2 % of all users); the others share the rest evenly. */
export const benchTenantId = (t: number) => md5Uuid(`ghb:t:${t}`);
export const benchUserId = (i: number) => md5Uuid(`ghb:u:${i}`);

const sqlArray = (words: string[]) => `ARRAY[${words.map((w) => `'${w.replace(/'/g, "''")}'`).join(',')}]::text[]`;
const uuidOf = (label: string) => `md5(${label})::uuid::text`;

/** The tenant index (1…tenants) of user i: every 50th user in tenant 1, the rest spread over 2…tenants. */
const tenantOf = (i: string, tenants: number) => (tenants < 2 ? '1' : `(CASE WHEN ${i} % 50 = 0 THEN 1 ELSE 2 + (${i}::bigint * 7919) % ${tenants - 1} END)`);

const TABLES = ['User', 'UserTenant', 'UserTenantRole', 'GroupUser'];

/**
 * Knuth's multiplicative hash (high 16 of the low 32 bits of i × 2654435761): picks the last name,
 * so the users matching a name are scattered over the table as in real data, not stored in runs
 * (which would make every search read a few pages and flatter the numbers).
 */
const mix = (i: string) => `((${i}::bigint * 2654435761) % 4294967296 / 65536)`;
export const mixJs = (i: number) => (Math.imul(i, 2654435761 | 0) >>> 0) >>> 16;
/** The email seed.ts gives user i, without the domain. */
export const benchEmailLocalPart = (i: number) => `${FIRST[i % FIRST.length]!.toLowerCase()}.${LAST[mixJs(i) % LAST.length]!.toLowerCase()}${i}`;

/** True once a seed ran in this database (tenant 1 exists). */
export async function isSeeded(db: PrismaClient): Promise<{ users: number; tenants: number } | null> {
  const t = await db.tenant.findUnique({ where: { id: benchTenantId(1) }, select: { metadata: true } });
  if (!t) return null;
  const m = t.metadata as { benchSeed?: { users: number; tenants: number } };
  return m.benchSeed ?? null;
}

export async function seedUsers(db: PrismaClient, o: SeedOptions): Promise<SeedResult> {
  const { users, tenants } = o;
  if (!Number.isInteger(users) || users < 1 || !Number.isInteger(tenants) || tenants < 1) throw new Error('users and tenants must be positive integers');
  const log = o.log ?? ((m: string) => process.stderr.write(`… ${m}\n`));
  if (await isSeeded(db)) throw new Error('this database is already seeded (bench tenant 1 exists)');
  const [admin, readOnly] = await Promise.all(
    ['Admin', 'ReadOnly'].map(async (key) => (await db.role.findFirstOrThrow({ where: { tenantId: null, key }, select: { id: true } })).id),
  );
  const [role] = await db.$queryRawUnsafe<Array<{ superuser: boolean }>>(`SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`);
  const superuser = role?.superuser === true;

  const timings: Array<[string, number]> = [];
  const t0 = performance.now();
  const step = async (name: string, run: () => Promise<unknown>) => {
    const s = performance.now();
    const n = await run();
    const ms = performance.now() - s;
    timings.push([name, ms]);
    log(`${name}: ${(ms / 1000).toFixed(1)} s${typeof n === 'number' && n > 0 ? ` (${n} rows)` : ''}`);
  };

  const fn = sqlArray(FIRST);
  const ln = sqlArray(LAST);
  const dm = sqlArray(DOMAINS);
  const nf = FIRST.length;
  const nl = LAST.length;
  const nd = DOMAINS.length;
  const userTenant = tenantOf('i', tenants);
  // Created over the last two years, so sorting by createdAt is not just the insertion order.
  const createdAt = `now() - ((i::bigint * 7331) % 1051200) * interval '1 minute'`;
  const ownRoleTenants = Math.min(tenants, TENANTS_WITH_OWN_ROLES);

  await db.$transaction(
    async (tx) => {
      const exec = (sql: string, ...params: unknown[]) => tx.$executeRawUnsafe(sql, ...params);
      // Bigger sort memory makes the index rebuilds (GIN especially) much faster.
      await exec(`SET LOCAL maintenance_work_mem = '256MB'`);
      if (superuser) await exec(`SET LOCAL session_replication_role = replica`);

      const indexes = await tx.$queryRawUnsafe<Array<{ name: string; def: string }>>(
        `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
         WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)`,
        TABLES,
      );
      await step(`drop ${indexes.length} secondary indexes`, async () => {
        for (const ix of indexes) await exec(`DROP INDEX "${ix.name}"`);
      });

      await step(`tenants`, () =>
        exec(
          `INSERT INTO "Tenant" (id, name, metadata, "createdAt", "updatedAt")
           SELECT ${uuidOf(`'ghb:t:' || t`)},
                  (${sqlArray(COMPANY)})[1 + t % ${COMPANY.length}] || ' ' || (${sqlArray(COMPANY_KIND)})[1 + (t / ${COMPANY.length}) % ${COMPANY_KIND.length}] || ' ' || t,
                  CASE WHEN t = 1 THEN jsonb_build_object('benchSeed', jsonb_build_object('users', $1::int, 'tenants', $2::int)) ELSE '{}'::jsonb END,
                  now() - (t % 1000) * interval '1 day', now()
           FROM generate_series(1, $2::int) t`,
          users,
          tenants,
        ),
      );

      await step('tenant roles', () =>
        exec(
          `INSERT INTO "Role" (id, "tenantId", key, name, description, level, "createdAt", "updatedAt")
           SELECT ${uuidOf(`'ghb:r:' || t || ':' || k`)}, ${uuidOf(`'ghb:t:' || t`)},
                  (ARRAY['Billing','Auditor'])[k], (ARRAY['Billing manager','Auditor'])[k], 'Bench tenant role', 2, now(), now()
           FROM generate_series(1, $1::int) t, generate_series(1, 2) k`,
          ownRoleTenants,
        ),
      );
      // The tenant roles carry a read permission, like a real custom role would.
      await step('tenant role permissions', () =>
        exec(
          `INSERT INTO "RolePermission" ("roleId", "permissionId")
           SELECT r.id, p.id FROM "Role" r JOIN "Permission" p ON p.key = 'fe.secure.read.users'
           WHERE r.description = 'Bench tenant role'`,
        ),
      );

      await step('users', () =>
        exec(
          `INSERT INTO "User" (id, email, name, verified, "verifiedAt", "lockedAt", "lastLoginAt", provider, "activeTenantId", "createdAt", "updatedAt")
           SELECT ${uuidOf(`'ghb:u:' || i`)},
                  lower(w.f || '.' || w.l || i || '@' || w.d),
                  w.f || ' ' || w.l,
                  i % 20 <> 0, CASE WHEN i % 20 <> 0 THEN c END,
                  CASE WHEN i % 500 = 0 THEN now() END,
                  CASE WHEN i % 10 < 7 THEN now() - (i % 90) * interval '1 day' END,
                  CASE WHEN i % 25 = 0 THEN 'saml' ELSE 'local' END,
                  ${uuidOf(`'ghb:t:' || ${userTenant}`)},
                  c, c
           FROM generate_series(1, $1::int) i,
                LATERAL (SELECT (${fn})[1 + i % ${nf}] AS f, (${ln})[1 + ${mix('i')} % ${nl}] AS l,
                                (${dm})[1 + (i / 7) % ${nd}] AS d, ${createdAt} AS c) w`,
          users,
        ),
      );

      await step('memberships', () =>
        exec(
          `INSERT INTO "UserTenant" (id, "userId", "tenantId", "createdAt", "updatedAt")
           SELECT ${uuidOf(`'ghb:m:' || i`)}, ${uuidOf(`'ghb:u:' || i`)}, ${uuidOf(`'ghb:t:' || ${userTenant}`)}, ${createdAt}, now()
           FROM generate_series(1, $1::int) i`,
          users,
        ),
      );

      // One role per membership: a tenant role for a third of the members of the first tenants,
      // else Admin for one in ten, else Read only.
      await step('membership roles', () =>
        exec(
          `INSERT INTO "UserTenantRole" ("membershipId", "roleId", "createdAt")
           SELECT ${uuidOf(`'ghb:m:' || i`)},
                  CASE WHEN x.t <= $2::int AND i % 3 = 0 THEN ${uuidOf(`'ghb:r:' || x.t || ':' || (1 + i % 2)`)}
                       WHEN i % 10 = 0 THEN $3 ELSE $4 END,
                  now()
           FROM generate_series(1, $1::int) i, LATERAL (SELECT ${userTenant} AS t) x`,
          users,
          ownRoleTenants,
          admin,
          readOnly,
        ),
      );

      await step('groups', () =>
        exec(
          `INSERT INTO "Group" (id, "tenantId", name, description, color, "createdAt", "updatedAt")
           SELECT ${uuidOf(`'ghb:g:' || t || ':' || g.key`)}, ${uuidOf(`'ghb:t:' || t`)}, g.name, g.name || ' team', g.color, now(), now()
           FROM generate_series(1, $1::int) t,
                (VALUES ${GROUPS.map((g) => `(${g.key}, '${g.name}', '${g.color}')`).join(', ')}) AS g(key, name, color)`,
          tenants,
        ),
      );
      // Engineering grants Admin, the other groups Read only.
      await step('group roles', () =>
        exec(
          `INSERT INTO "GroupRole" ("groupId", "roleId")
           SELECT ${uuidOf(`'ghb:g:' || t || ':' || k`)}, CASE WHEN k = 1 THEN $2 ELSE $3 END
           FROM generate_series(1, $1::int) t, generate_series(1, ${GROUPS.length}) k`,
          tenants,
          admin,
          readOnly,
        ),
      );
      // Three in four users are in one group of their tenant, one in five in a second one too.
      await step('group members', () =>
        exec(
          `INSERT INTO "GroupUser" ("groupId", "userId", "createdAt")
           SELECT ${uuidOf(`'ghb:g:' || x.t || ':' || g`)}, ${uuidOf(`'ghb:u:' || i`)}, now()
           FROM generate_series(1, $1::int) i, LATERAL (SELECT ${userTenant} AS t) x,
                LATERAL (SELECT 1 + i % 3 AS g WHERE i % 4 <> 0
                         UNION ALL SELECT 1 + (i + 1) % 3 WHERE i % 5 = 0 AND i % 4 <> 0) gs`,
          users,
        ),
      );

      for (const ix of indexes) await step(`index ${ix.name}`, () => exec(ix.def));
    },
    // A 1 M-user load takes minutes: no interactive-transaction timeout applies here.
    { timeout: 24 * 3600_000, maxWait: 60_000 },
  );

  // Outside the transaction (VACUUM cannot run in one): statistics for the planner, and the
  // visibility map index-only scans need — what autovacuum does on a server soon after a load
  // (PGlite has no autovacuum).
  await step('vacuum analyze', () => db.$executeRawUnsafe(`VACUUM ANALYZE`));
  const totalMs = performance.now() - t0;
  log(`seeded ${users} users across ${tenants} tenants in ${(totalMs / 1000).toFixed(1)} s`);
  return { users, tenants, timings, totalMs };
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main() {
  const { values: args } = parseArgs({
    options: {
      users: { type: 'string', default: '1000000' },
      tenants: { type: 'string', default: '10000' },
      'data-dir': { type: 'string', default: '.gatehouse-bench' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (args.help) {
    console.log('usage: npm run bench:seed -- [--users N] [--tenants N] [--data-dir DIR]   (DATABASE_URL=postgresql://… to fill that database instead)');
    return;
  }
  const users = Number(args.users);
  const tenants = Number(args.tenants);
  const dataDir = path.resolve(args['data-dir']!);
  const envUrl = process.env.DATABASE_URL;
  // PGlite in <data-dir>/db, or the PostgreSQL database DATABASE_URL names: either is kept, so
  // `npm run bench:search -- --reuse` can use it. DATA_DIR is kept too (its secret decrypts the keys).
  const db: DatabaseChoice = envUrl && /^postgres(ql)?:\/\//i.test(envUrl) ? { kind: 'existing', url: envUrl } : { kind: 'pglite', url: `pglite:${path.join(dataDir, 'db')}` };
  const b = await bootGatehouse('EdDSA', db, { dataDir });
  try {
    const r = await seedUsers(b.gh.deps.db, { users, tenants });
    console.log(`\nSeed: ${r.users} users, ${r.tenants} tenants, ${b.gh.database.kind} (${db.kind === 'pglite' ? db.url : 'DATABASE_URL'})`);
    for (const [name, ms] of r.timings) console.log(`  ${name.padEnd(40)} ${(ms / 1000).toFixed(2).padStart(8)} s`);
    console.log(`  ${'total'.padEnd(40)} ${(r.totalMs / 1000).toFixed(2).padStart(8)} s`);
  } finally {
    await b.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
