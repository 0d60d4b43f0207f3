// Audit-log paging bench: seeds N audit events (half in one big tenant, the rest spread over
// M tenants, one second apart, several sharing a timestamp), then measures one request at a time
// the GraphQL `auditEvents` connection (keyset) as the vendor in the big tenant:
//   a. the first page (first: 50)
//   b. a deep page (cursor at 90 % of the big tenant's events)
//   c. a filtered first page (actions: ['user.login.failed'])
// and, for contrast, the same deep page by SQL OFFSET, plus EXPLAIN ANALYZE of the keyset query.
// Nothing is asserted; numbers are indicative.
//
//   npx tsx bench/audit.ts [--db pglite|postgres] [--events 1000000] [--tenants 100] [--seconds 3]
//
// --db postgres needs DATABASE_URL or TEST_POSTGRES_URL (a server URL whose user may CREATE
// DATABASE): a scratch database, dropped afterwards.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { bootGatehouse, expectStatus, type DatabaseChoice } from './harness.ts';
import { fmt, percentile, table, timeLoop } from './measure.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    events: { type: 'string', default: '1000000' },
    tenants: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '3' },
  },
});
const N = Number(args.events);
const M = Number(args.tenants);
const seconds = Number(args.seconds);
const BIG = '00000000-0000-4000-8000-00000000b16b';
const VENDOR = { clientId: 'bench-audit-vendor', secret: 'bench-audit-vendor-secret-0123456789' };

const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_POSTGRES_URL;
const db: DatabaseChoice = args.db === 'postgres' ? { kind: 'postgres', serverUrl: serverUrl ?? '' } : { kind: 'pglite', url: 'pglite:memory' };
if (args.db === 'postgres' && !serverUrl) throw new Error('--db postgres needs DATABASE_URL or TEST_POSTGRES_URL');

const b = await bootGatehouse('RS256', db, { env: { GATEHOUSE_VENDOR_CLIENT_ID: VENDOR.clientId, GATEHOUSE_VENDOR_SECRET: VENDOR.secret, GATEHOUSE_AUDIT_RETENTION_DAYS: '0' } });
const prisma = b.gh.deps.db;
try {
  // Set-based seed in batches (bounded memory for the embedded database).
  const started = performance.now();
  const batch = 200_000;
  const t0 = Date.now();
  for (let from = 1; from <= N; from += batch) {
    const to = Math.min(N, from + batch - 1);
    await prisma.$executeRawUnsafe(`
      INSERT INTO "AuditEvent" (id, "tenantId", "userId", "actorType", "actorId", action, outcome, severity, "ipAddress", "userAgent", "requestId", "createdAt")
      SELECT md5('ev' || i)::uuid::text,
             CASE WHEN i % 2 = 0 THEN '${BIG}' ELSE 'bench-tenant-' || (i % ${M}) END,
             'bench-user-' || (i % 5000), 'user', 'bench-user-' || (i % 5000),
             (ARRAY['user.login.succeeded','token.issued','user.login.failed','session.revoked','role.updated','mfa.verified'])[1 + i % 6],
             CASE WHEN i % 6 = 2 THEN 'failure' ELSE 'success' END,
             CASE WHEN i % 6 = 2 THEN 'Medium' ELSE 'Info' END,
             '203.0.113.' || (i % 250), 'bench-agent', 'req-' || i,
             to_timestamp(${Math.floor(t0 / 1000)} - (i / 3))
      FROM generate_series(${from}, ${to}) AS i`);
    process.stderr.write(`seeded ${to}/${N}\n`);
  }
  await prisma.$executeRawUnsafe('ANALYZE "AuditEvent"');
  const seedMs = performance.now() - started;
  const bigCount = Number((await prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "AuditEvent" WHERE "tenantId" = '${BIG}'`))[0]!.n);

  const auth = await expectStatus(await b.request('POST', '/auth/vendor', { body: VENDOR }), 200, 'vendor auth');
  const token = auth.token as string;
  const query = `query($t: ID, $f: AuditEventFilter, $after: String) { auditEvents(tenantId: $t, filter: $f, first: 50, after: $after) { edges { cursor node { id action createdAt outcome userId ipAddress } } pageInfo { hasNextPage endCursor } } }`;
  const page = async (variables: Record<string, unknown>) => {
    const res = await b.request('POST', '/graphql', { token, body: { query, variables } });
    const json = await expectStatus(res, 200, 'auditEvents');
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    if (json.data.auditEvents.edges.length !== 50) throw new Error('short page');
  };

  // The cursor of the row at 90 % depth of the big tenant (what a client reaches by paging on).
  const depth = Math.floor(bigCount * 0.9);
  const [deep] = await prisma.$queryRawUnsafe<Array<{ createdAt: Date; id: string }>>(
    `SELECT "createdAt", id FROM "AuditEvent" WHERE "tenantId" = '${BIG}' ORDER BY "createdAt" DESC, id DESC OFFSET ${depth} LIMIT 1`,
  );
  const cursor = Buffer.from(`${deep!.createdAt.toISOString()}|${deep!.id}`).toString('base64url');

  const loop = (op: () => Promise<void>) => timeLoop(op, { durationMs: seconds * 1000, warmupMs: 500, concurrency: 1 });
  const first = await loop(() => page({ t: BIG }));
  const deepPage = await loop(() => page({ t: BIG, after: cursor }));
  const filtered = await loop(() => page({ t: BIG, f: { actions: ['user.login.failed'] } }));
  const offsetSql = await loop(async () => {
    await prisma.$queryRawUnsafe(`SELECT id FROM "AuditEvent" WHERE "tenantId" = '${BIG}' ORDER BY "createdAt" DESC, id DESC OFFSET ${depth} LIMIT 50`);
  });

  const plan = await prisma.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(
    `EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM "AuditEvent" WHERE "tenantId" = '${BIG}' AND "createdAt" <= $1 AND ("createdAt" < $1 OR id < $2) ORDER BY "createdAt" DESC, id DESC LIMIT 51`,
    deep!.createdAt,
    deep!.id,
  );

  const row = (name: string, s: { latencies: number[]; rate: number }) => [name, fmt(percentile(s.latencies, 50)), fmt(percentile(s.latencies, 95)), fmt(s.rate, 0)];
  console.log(`\naudit bench: ${args.db}, ${N} events (${bigCount} in the big tenant, ${M} others), seeded in ${fmt(seedMs / 1000)} s; deep page at row ${depth}\n`);
  console.log(
    table(['request (one at a time)', 'p50 ms', 'p95 ms', 'ops/s'], [
      row('GraphQL auditEvents first page (50)', first),
      row('GraphQL auditEvents deep page (keyset, 90 %)', deepPage),
      row('GraphQL auditEvents filtered by action', filtered),
      row('SQL OFFSET to the same depth (contrast)', offsetSql),
    ]),
  );
  console.log(`\nEXPLAIN ANALYZE of the deep keyset page:\n${plan.map((p) => p['QUERY PLAN']).join('\n')}`);
} finally {
  await b.close();
}
