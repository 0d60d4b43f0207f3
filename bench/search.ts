// User-management scale bench: seeds (bench/seed.ts) N users across M tenants, then measures,
// one request at a time (p50/p95/ops per second):
//   a. user search by phrase with random terms (REST …/users/v1/query/phrase, substring and
//      fuzzy; …/users/v3?_email=), as the vendor in the big tenant and across all tenants
//   b. listing 100 users of a tenant with roles and groups over GraphQL
//   c. the same listing over REST …/users/v3?_limit=100, and REST ÷ GraphQL for it
// and EXPLAIN ANALYZE of the SQL one search runs (is the trigram index used?).
// Target: search p95 < 50 ms at 1 M users. Nothing is asserted; numbers are indicative.
//
//   npm run bench:search -- [--db postgres] [--users 100000] [--tenants N] [--seconds 5]
//                           [--data-dir DIR [--reuse]]
//
// --data-dir keeps PGlite's files (and DATA_DIR) there; with --reuse a seeded directory (from an
// earlier run or `npm run bench:seed -- --data-dir DIR`) is used as is, skipping the seed.
// --db postgres (DATABASE_URL / TEST_POSTGRES_URL = a server URL) seeds a scratch database,
// dropped afterwards.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { RestUsersListDocument } from '../src/generated/graphql.ts';
import { bootGatehouse, expectStatus, type DatabaseChoice } from './harness.ts';
import { fmt, percentile, table, timeLoop, timePair, type Sample } from './measure.ts';
import { BENCH_WORDS, benchEmailLocalPart, benchTenantId, isSeeded, seedUsers, type SeedResult } from './seed.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    users: { type: 'string', default: '100000' },
    tenants: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    'data-dir': { type: 'string' },
    reuse: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('usage: npm run bench:search -- [--db pglite|postgres] [--users N] [--tenants N] [--seconds N] [--warmup N] [--data-dir DIR [--reuse]]');
  process.exit(0);
}
const positiveInt = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
};
const wantUsers = positiveInt('users', args.users);
// 100 users per tenant on average: listing "100 users of a tenant" then reads a full page.
const wantTenants = args.tenants ? positiveInt('tenants', args.tenants) : Math.max(1, Math.round(wantUsers / 100));
const loop = { durationMs: positiveInt('seconds', args.seconds) * 1000, warmupMs: Number(args.warmup) * 1000 };
const TARGET_P95_MS = 50;
const VENDOR = { clientId: 'bench-vendor-client-id', secret: 'bench-vendor-secret-0123456789' };

const progress = (msg: string) => process.stderr.write(`… ${msg}\n`);

function pickDatabase(): { db: DatabaseChoice; dataDir?: string } {
  const isPg = (u?: string) => !!u && /^postgres(ql)?:\/\//i.test(u);
  if (args.db === 'postgres') {
    const url = [process.env.DATABASE_URL, process.env.TEST_POSTGRES_URL].find(isPg);
    if (!url) throw new Error('--db postgres needs DATABASE_URL (or TEST_POSTGRES_URL) set to a postgresql:// server URL');
    if (args.reuse) throw new Error('--reuse is for a PGlite --data-dir (PostgreSQL runs seed a scratch database)');
    return { db: { kind: 'postgres', serverUrl: url } };
  }
  if (args.db && args.db !== 'pglite') throw new Error(`--db must be pglite or postgres, got ${args.db}`);
  if (args['data-dir']) {
    const dataDir = path.resolve(args['data-dir']);
    return { db: { kind: 'pglite', url: `pglite:${path.join(dataDir, 'db')}` }, dataDir };
  }
  if (args.reuse) throw new Error('--reuse needs --data-dir');
  return { db: { kind: 'pglite', url: 'pglite:memory' } };
}

// ---------------------------------------------------------------------------------------------
// Random inputs (a fixed-seed generator: runs are comparable, REST and GraphQL see the same inputs)

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const rand = rng(42);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

/**
 * Search terms of mixed selectivity, as people type them: a last name (~1/60 of all users), a
 * 3–5 letter fragment of a name (many matches), "first.last" (~1/4000), an email prefix down
 * to the number (one user) and a misspelled name for the fuzzy search.
 */
function searchTerm(kind: number, users: number): string {
  const f = pick(BENCH_WORDS.first).toLowerCase();
  const l = pick(BENCH_WORDS.last).toLowerCase();
  switch (kind % 4) {
    case 0:
      return l;
    case 1: {
      const w = rand() < 0.5 ? f : l;
      const len = Math.min(w.length, 3 + Math.floor(rand() * 3));
      const at = Math.floor(rand() * (w.length - len + 1));
      return w.slice(at, at + len);
    }
    case 2:
      return `${f}.${l}`;
    default:
      // The email of an existing user, up to the domain.
      return benchEmailLocalPart(1 + Math.floor(rand() * users));
  }
}
/** A name with one letter changed: what the fuzzy (trigram similarity) search is for. */
function typo(): string {
  const w = pick([...BENCH_WORDS.first, ...BENCH_WORDS.last]).toLowerCase();
  const at = 1 + Math.floor(rand() * (w.length - 1));
  return w.slice(0, at) + 'x' + w.slice(at + 1);
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface Row {
  name: string;
  sample: Sample;
  /** Mean items returned / mean totalItems, to show how much each request matched. */
  items: number;
  total: number;
  /** The slowest request: what to look at first when p95 misses. */
  slowest: { url: string; ms: number };
}

async function main() {
  const { db, dataDir } = pickDatabase();
  progress(`booting Gatehouse (${db.kind}${dataDir ? `, ${dataDir}` : ''})`);
  // Query events carry the SQL and parameters of a search for EXPLAIN (the listener below only
  // records while `capture` is set; an idle listener costs the same on every path measured).
  let capture: Array<{ query: string; params: string }> | null = null;
  const b = await bootGatehouse('EdDSA', db, {
    dataDir,
    env: { GATEHOUSE_VENDOR_CLIENT_ID: VENDOR.clientId, GATEHOUSE_VENDOR_SECRET: VENDOR.secret },
    database: { onQuery: () => {} },
  });
  (b.gh.deps.db as unknown as { $on(e: 'query', cb: (ev: { query: string; params: string }) => void): void }).$on('query', (e) => {
    capture?.push({ query: e.query, params: e.params });
  });
  const close = () => b.close();
  try {
    const prisma = b.gh.deps.db;
    let seed: SeedResult | null = null;
    let size = await isSeeded(prisma);
    if (size && !args.reuse) throw new Error(`${dataDir} is already seeded (${size.users} users): pass --reuse, or another --data-dir`);
    if (!size) {
      progress(`seeding ${wantUsers} users across ${wantTenants} tenants`);
      seed = await seedUsers(prisma, { users: wantUsers, tenants: wantTenants, log: progress });
      size = { users: wantUsers, tenants: wantTenants };
    } else {
      progress(`reusing the seed in ${dataDir}: ${size.users} users, ${size.tenants} tenants; vacuum analyze`);
      // Migrations applied since the seed may have rewritten rows: the visibility map and the
      // planner's statistics then lag (PGlite has no autovacuum), as they would not on a served database.
      await prisma.$executeRawUnsafe('VACUUM ANALYZE');
    }
    const { users, tenants } = size;

    const vendor = await expectStatus(await b.request('POST', '/auth/vendor', { body: VENDOR }), 200, 'vendor auth');
    const token = vendor.token as string;
    const bigTenant = benchTenantId(1);

    const rest = async (p: string, tenantId?: string) => {
      const res = await b.request('GET', p, { token, headers: tenantId ? { 'frontegg-tenant-id': tenantId } : {} });
      return expectStatus(res, 200, `GET ${p}`) as Promise<{ items: unknown[]; _metadata: { totalItems: number } }>;
    };

    // One loop per search kind; each op draws a fresh term.
    const rows: Row[] = [];
    const measure = async (name: string, url: (i: number) => string, tenantId?: string) => {
      let n = 0;
      let items = 0;
      let total = 0;
      const slowest = { url: '', ms: 0 };
      progress(name);
      const sample = await timeLoop(
        async () => {
          const u = url(n++);
          const started = performance.now();
          const body = await rest(u, tenantId);
          const ms = performance.now() - started;
          if (ms > slowest.ms) Object.assign(slowest, { url: u, ms });
          items += body.items.length;
          total += body._metadata.totalItems;
        },
        { ...loop, concurrency: 1 },
      );
      // Counters include the warm-up calls: averages over every call made.
      rows.push({ name, sample, items: items / n, total: total / n, slowest });
    };
    const enc = encodeURIComponent;
    const phrase = (q: string, extra = '') => `/identity/resources/users/v1/query/phrase?_phraseSearchContains=${enc(q)}&_limit=20${extra}`;

    await measure('phrase (substring), big tenant', (i) => phrase(searchTerm(i, users)), bigTenant);
    await measure('phrase (substring), all tenants', (i) => phrase(searchTerm(i, users)));
    await measure('phrase (fuzzy, 1 typo), all tenants', () => phrase(typo(), '&_phraseSearchApproximate=true'));
    await measure('v3 _email= (substring), all tenants', (i) => `/identity/resources/users/v3?_email=${enc(searchTerm(i, users))}&_limit=20`);

    // EXPLAIN the statements of a global and a big-tenant search: "garcia" (a last name) and the
    // slowest term each measurement met. Replayed in one transaction with the plan settings
    // (SET LOCAL) the search itself issued, in order.
    const plans: string[] = [];
    const termOf = (u: string) => decodeURIComponent(/_phraseSearchContains=([^&]*)/.exec(u)?.[1] ?? '');
    const probes: Array<[string, string | undefined, string]> = [
      ['all tenants', undefined, 'garcia'],
      ['big tenant', bigTenant, 'garcia'],
      ['all tenants (slowest term)', undefined, termOf(rows[1]!.slowest.url)],
      ['big tenant (slowest term)', bigTenant, termOf(rows[0]!.slowest.url)],
    ];
    for (const [label, tenantId, q] of probes) {
      capture = [];
      await rest(phrase(q), tenantId);
      const statements = capture.filter((c) => /^SET LOCAL/.test(c.query) || (/"User"/.test(c.query) && /LIKE/.test(c.query)));
      capture = null;
      await prisma.$transaction(async (tx) => {
        for (const s of statements) {
          const params = JSON.parse(s.params) as unknown[];
          if (/^SET LOCAL/.test(s.query)) {
            await tx.$executeRawUnsafe(s.query);
            continue;
          }
          const plan = await tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN (ANALYZE, COSTS OFF) ${s.query}`, ...params);
          const text = plan.map((r) => r['QUERY PLAN']);
          const kind = /SELECT COUNT|count\(/i.test(s.query) || !/ORDER BY/i.test(s.query) ? 'count' : 'page';
          const trgm = text.some((l) => /trgm_idx/.test(l));
          plans.push(`--- ${label}, "${q}", ${kind} statement: trigram index ${trgm ? 'USED' : 'NOT used'}`, ...text.map((l) => `  ${l}`));
        }
      });
    }

    // Listing 100 users of a tenant (random ~100-user tenants), GraphQL vs REST, interleaved. The
    // GraphQL side runs the very document and variables the REST route runs, so the ratio is the
    // cost of the REST adapter (HTTP mapping, response shaping) and nothing else.
    const listDoc = print(RestUsersListDocument);
    const order = Array.from({ length: 4096 }, () => benchTenantId(tenants < 2 ? 1 : 2 + Math.floor(rand() * (tenants - 1))));
    let ri = 0;
    let gi = 0;
    let restItems = 0;
    let gqlItems = 0;
    progress('listing 100 users of a tenant: REST v3 vs GraphQL users, interleaved');
    const pair = await timePair(
      async () => {
        const body = await rest('/identity/resources/users/v3?_limit=100', order[ri++ % order.length]);
        restItems += body.items.length;
      },
      async () => {
        const tenantId = order[gi++ % order.length];
        const res = await b.request('POST', '/graphql', {
          token,
          body: { query: listDoc, variables: { first: 100, offset: 0, filter: { tenantId, includeSubTenants: true }, orderBy: null } },
        });
        const json = await expectStatus(res, 200, 'graphql users');
        if (json.errors?.length) throw new Error(`graphql errors: ${JSON.stringify(json.errors).slice(0, 500)}`);
        gqlItems += json.data.users.edges.length;
      },
      loop,
    );
    progress('listing 100 users of the big tenant (REST)');
    const bigList = await timeLoop(
      async () => {
        await rest('/identity/resources/users/v3?_limit=100', bigTenant);
      },
      { ...loop, concurrency: 1 },
    );

    report({ db: b.gh.database.kind, users, tenants, seed, rows, plans, pair, restItems: restItems / ri, gqlItems: gqlItems / gi, bigList });
  } finally {
    await close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function report(r: {
  db: string;
  users: number;
  tenants: number;
  seed: SeedResult | null;
  rows: Row[];
  plans: string[];
  pair: { a: Sample; b: Sample };
  restItems: number;
  gqlItems: number;
  bigList: Sample;
}) {
  const p = (s: Sample, q: number) => percentile(s.latencies, q);
  const line = (name: string, s: Sample, extra: string[] = []) => [name, String(s.ops), fmt(s.rate, 1), fmt(p(s, 50), 2), fmt(p(s, 95), 2), ...extra];
  const out: string[] = ['', '=== Gatehouse user-management scale bench ==='];
  out.push(`database ${r.db}; ${r.users} users across ${r.tenants} tenants (tenant 1 holds 2 %); node ${process.version}; ${os.availableParallelism()} cores; sequential requests`);
  if (r.seed) out.push(`seed: ${fmt(r.seed.totalMs / 1000, 1)} s (${r.seed.timings.map(([n, ms]) => `${n} ${fmt(ms / 1000, 1)}`).join(', ')})`);
  else out.push('seed: reused');
  out.push('', 'a. User search (vendor; 20 per page)');
  out.push(
    table(
      ['measurement', 'ops', 'ops/s', 'p50 ms', 'p95 ms', 'items', 'totalItems', `p95 < ${TARGET_P95_MS} ms`],
      r.rows.map((row) =>
        line(row.name, row.sample, [fmt(row.items, 1), fmt(row.total, 0), p(row.sample, 95) < TARGET_P95_MS ? 'yes' : 'NO']),
      ),
    ),
  );
  out.push('', 'Slowest request of each measurement:', ...r.rows.map((row) => `  ${row.name}: ${fmt(row.slowest.ms, 1)} ms  ${row.slowest.url}`));
  out.push('', 'EXPLAIN ANALYZE of the statements behind GET …/users/v1/query/phrase (replayed with the search\'s plan settings)', ...r.plans);
  out.push('', 'b/c. Listing 100 users of a tenant with roles and groups (same document and variables)');
  out.push(
    table(['measurement', 'ops', 'ops/s', 'p50 ms', 'p95 ms', 'items'], [
      line('GraphQL users(first: 100) (RestUsersList)', r.pair.b, [fmt(r.gqlItems, 1)]),
      line('REST GET /users/v3?_limit=100', r.pair.a, [fmt(r.restItems, 1)]),
      line('REST GET /users/v3?_limit=100, big tenant', r.bigList, ['100']),
    ]),
  );
  out.push(
    '',
    `REST ÷ GraphQL (listing)  p50 ${fmt(p(r.pair.a, 50), 2)} ÷ ${fmt(p(r.pair.b, 50), 2)} ms = ${fmt(p(r.pair.a, 50) / p(r.pair.b, 50), 3)}` +
      `;  p95 ${fmt(p(r.pair.a, 95), 2)} ÷ ${fmt(p(r.pair.b, 95), 2)} ms = ${fmt(p(r.pair.a, 95) / p(r.pair.b, 95), 3)}`,
  );
  const worst = Math.max(...r.rows.map((row) => p(row.sample, 95)));
  out.push(`Search target p95 < ${TARGET_P95_MS} ms at ${r.users} users: worst search p95 ${fmt(worst, 2)} ms → ${worst < TARGET_P95_MS ? 'MET' : 'MISSED'}`, '');
  console.log(out.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
