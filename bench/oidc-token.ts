// Token-endpoint throughput of the OpenID provider: client-credentials grants per second (an M2M
// application, client_secret_basic, a resource indicator, audience-restricted JWT with the
// application's scopes) ÷ the raw JWT signing rate of the same key, from ONE run, interleaved
// (ABBA, bench/measure.ts) so load on the machine falls on both sides alike. Grants go over
// loopback HTTP through gatehouse.nodeHandler, as main.ts serves them. Nothing is asserted.
//
//   npm run bench:oidc [-- --db postgres] [--alg RS256|ES256|EdDSA] [--seconds 6] [--concurrency 8]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../src/platform/jwt.ts';
import { bootGatehouse, type DatabaseChoice } from './harness.ts';
import { fmt, percentile, table, timeInterleaved } from './measure.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    alg: { type: 'string', default: 'RS256' },
    seconds: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '8' },
  },
});
const algorithm = args.alg as SigningAlgorithm;
if (!SIGNING_ALGORITHMS.includes(algorithm)) throw new Error(`--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
const concurrency = Number(args.concurrency);
const loop = { durationMs: Number(args.seconds) * 1000, warmupMs: Number(args.warmup) * 1000 };
let db: DatabaseChoice = { kind: 'pglite', url: 'pglite:memory' };
if (args.db === 'postgres') {
  const url = [process.env.DATABASE_URL, process.env.TEST_POSTGRES_URL].find((u) => u && /^postgres(ql)?:\/\//.test(u));
  if (!url) throw new Error('--db postgres needs DATABASE_URL (or TEST_POSTGRES_URL) set to a postgresql:// server URL');
  db = { kind: 'postgres', serverUrl: url };
}

const RESOURCE = 'https://api.bench.example/orders';
const b = await bootGatehouse(algorithm, db);
const server = createServer(b.gh.nodeHandler);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc/token`;
try {
  const { db: prisma, secrets, keys, config } = b.gh.deps;
  const appId = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  await prisma.application.create({ data: { id: appId, name: 'bench m2m', type: 'MACHINE_TO_MACHINE' } });
  await prisma.applicationSecret.create({ data: { applicationId: appId, name: 'bench', secretHash: secrets.hashToken(secret) } });
  const resource = await prisma.apiResource.create({
    data: { name: 'Orders', indicator: RESOURCE, scopes: { create: [{ name: 'orders:read' }, { name: 'orders:write' }, { name: 'orders:admin' }] } },
    include: { scopes: true },
  });
  const role = await prisma.role.create({ data: { key: 'bench-m2m', name: 'bench m2m', type: 'MACHINE_TO_MACHINE' } });
  await prisma.roleScope.createMany({ data: resource.scopes.slice(0, 2).map((s) => ({ roleId: role.id, scopeId: s.id })) });
  await prisma.applicationRole.create({ data: { applicationId: appId, roleId: role.id } });

  const authorization = `Basic ${Buffer.from(`${appId}:${secret}`).toString('base64')}`;
  const grant = async () => {
    const res = await fetch(tokenUrl, { method: 'POST', headers: { authorization }, body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE }) });
    const body = (await res.json()) as { access_token?: string; scope?: string };
    if (res.status !== 200 || !body.access_token || body.scope !== 'orders:read orders:write') throw new Error(`grant: ${res.status} ${JSON.stringify(body)}`);
  };
  // The raw cost the grant cannot avoid: one JWT signature with the same key, a payload of the
  // same shape (client id, scope, audience, jti).
  const sign = async () => {
    await keys.current.sign(
      { type: 'bench', client_id: appId, scope: 'orders:read orders:write', jti: randomUUID() },
      { issuer: `${config.issuer}/oidc`, audience: RESOURCE, subject: appId, expiresInSeconds: 3600, now: new Date() },
    );
  };
  await grant();
  process.stderr.write(`${algorithm}, ${db.kind}: JWT sign (single flight) vs client_credentials grants over HTTP (${concurrency} in flight), interleaved\n`);
  const { a: signed, b: grants } = await timeInterleaved({ concurrency: 1, op: sign }, { concurrency, op: grant }, loop);
  const p = (v: number[], q: number) => fmt(percentile(v, q), 2);
  console.log(
    table(
      ['', 'ops/s', 'p50 ms', 'p99 ms'],
      [
        [`raw JWT sign (${algorithm}, 1 in flight)`, fmt(signed.rate), p(signed.latencies, 50), p(signed.latencies, 99)],
        [`client_credentials grant (${concurrency} in flight)`, fmt(grants.rate), p(grants.latencies, 50), p(grants.latencies, 99)],
      ],
    ),
  );
  console.log(`grants/s ÷ raw sign/s = ${fmt(grants.rate / signed.rate, 3)}`);
} finally {
  await new Promise<void>((r) => server.close(() => r()));
  await b.close();
}
