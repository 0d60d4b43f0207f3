// Jobs bench: does a running background job keep the server responsive? Starts a REAL Gatehouse
// process (node --import tsx src/main.ts, as the Dockerfile runs it, production argon2 settings)
// on a loopback port and measures, from this process over HTTP, the latency of `GET /health` and
// of a password login (each a sequential loop, both at once), first idle, then while a 2,000-user
// bulk migration runs (4 requests of 500, the per-request cap, queued behind each other), and
// prints p50/p99 of both phases and their ratios, from ONE run. Nothing is asserted.
//
//   npm run bench:jobs [-- --db postgres] [--kind migration|invite] [--users 2000] [--idle-seconds 8] [--max-seconds 300]
//
// --kind invite runs bulk invites with a password per user instead (each one an argon2id hash).
// --db postgres (or DATABASE_URL=postgresql://…) uses a scratch database on that server.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { scratchPostgres } from './harness.ts';
import { fmt, percentile, table } from './measure.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    kind: { type: 'string', default: 'migration' },
    users: { type: 'string', default: '2000' },
    'idle-seconds': { type: 'string', default: '8' },
    'max-seconds': { type: 'string', default: '300' },
  },
});
const totalUsers = Number(args.users);
const PER_REQUEST = 500;
const idleMs = Number(args['idle-seconds']) * 1000;
const maxMs = Number(args['max-seconds']) * 1000;
const kind = args.kind === 'invite' ? 'invite' : 'migration';

const VENDOR = { clientId: 'bench-jobs-vendor', secret: 'bench-jobs-vendor-secret-0123456789' };
const PASSWORD = 'a long enough bench passphrase';
const BCRYPT = '$2b$04$ccJb/YpeE/9tgPpELQ.Qu.DdzRkNLIwLKG2hhlkOlTU6R6X5CXFcm';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-jobs-'));
  let databaseUrl = `pglite:${path.join(dataDir, 'db')}`;
  let drop = async () => {};
  if (args.db === 'postgres') {
    const server = [process.env.DATABASE_URL, process.env.TEST_POSTGRES_URL].find((u) => u && /^postgres(ql)?:\/\//.test(u));
    if (!server) throw new Error('--db postgres needs DATABASE_URL or TEST_POSTGRES_URL');
    ({ url: databaseUrl, drop } = await scratchPostgres(server));
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      GATEHOUSE_SECRET: randomBytes(32).toString('hex'),
      GATEHOUSE_ISSUER: base,
      GATEHOUSE_VENDOR_CLIENT_ID: VENDOR.clientId,
      GATEHOUSE_VENDOR_SECRET: VENDOR.secret,
      GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN: 'true',
      // One account logs in over and over: the abuse limits would answer 429.
      GATEHOUSE_RATE_LIMITS: 'off',
      GATEHOUSE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const call = async (method: string, p: string, body?: unknown, token?: string) => {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error('the server exited');
      if (i > 600) throw new Error('the server did not start');
      const ok = await call('GET', '/health').then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const email = `bench-jobs-${randomBytes(4).toString('hex')}@example.com`;
    const su = await call('POST', '/identity/resources/users/v1/signUp', { email, password: PASSWORD, companyName: 'Bench jobs', provider: 'local' });
    if (su.status !== 201) throw new Error(`sign-up: ${su.status} ${JSON.stringify(su.body)}`);
    const adminToken = su.body.authResponse.accessToken as string;
    const tenantId = decodeJwt(adminToken).tenantId as string;
    const vt = await call('POST', '/auth/vendor', VENDOR);
    if (vt.status !== 200) throw new Error(`vendor auth: ${vt.status}`);
    const vendorToken = vt.body.token as string;

    /** Runs the /health and login loops side by side until `until()` says stop; answers their latencies. */
    const measure = async (until: () => boolean) => {
      const health: number[] = [];
      const login: number[] = [];
      const loop = async (into: number[], op: () => Promise<{ status: number }>, want: number) => {
        while (!until()) {
          const t = performance.now();
          const r = await op();
          if (r.status !== want) throw new Error(`expected ${want}, got ${r.status}`);
          into.push(performance.now() - t);
        }
      };
      await Promise.all([
        loop(health, () => call('GET', '/health'), 200),
        loop(login, () => call('POST', '/identity/resources/auth/v1/user', { email, password: PASSWORD }), 200),
      ]);
      return { health, login };
    };

    // Warm-up, then idle.
    const warm = performance.now() + 2000;
    await measure(() => performance.now() > warm);
    const idleEnd = performance.now() + idleMs;
    const idle = await measure(() => performance.now() > idleEnd);

    // The jobs: queued at once, run one after another by the server's worker.
    const started = performance.now();
    const ids: Array<{ id: string; status: string; ended?: { processed: number; failed: number } }> = [];
    for (let n = 0; n < totalUsers; n += PER_REQUEST) {
      const size = Math.min(PER_REQUEST, totalUsers - n);
      const batch = Array.from({ length: size }, (_, i) => `bench-job-${n + i}-${randomBytes(3).toString('hex')}@example.com`);
      if (kind === 'migration') {
        const users = batch.map((e) => ({ tenantId, email: e, passwordHash: BCRYPT, passwordHashType: 'bcrypt' }));
        const r = await call('POST', '/identity/resources/migrations/v1/local/bulk', { users }, vendorToken);
        if (r.status !== 202) throw new Error(`bulk migration: ${r.status} ${JSON.stringify(r.body)}`);
        ids.push({ id: r.body.migrationId, status: `/identity/resources/migrations/v1/local/bulk/status/${r.body.migrationId}` });
      } else {
        const users = batch.map((e) => ({ email: e, skipInviteEmail: true, password: 'a long enough invited passphrase' }));
        const r = await call('POST', '/identity/resources/users/bulk/v1/invite', { users }, adminToken);
        if (r.status !== 202) throw new Error(`bulk invite: ${r.status} ${JSON.stringify(r.body)}`);
        ids.push({ id: r.body.id, status: `/identity/resources/users/bulk/v1/status/${r.body.id}` });
      }
    }
    let done = false;
    let processed = 0;
    let failedUsers = 0;
    const watcher = (async () => {
      while (!done && performance.now() - started < maxMs) {
        let all = true;
        let sum = 0;
        let failed = 0;
        // As a client would: the status of each unfinished job, once a second.
        for (const j of ids) {
          if (j.ended) {
            sum += j.ended.processed;
            failed += j.ended.failed;
            continue;
          }
          const s = await call('GET', j.status, undefined, kind === 'migration' ? vendorToken : adminToken);
          sum += s.body.processed ?? 0;
          failed += s.body.failed?.length ?? 0;
          if (s.body.status === 'COMPLETED' || s.body.status === 'FAILED') j.ended = { processed: s.body.processed ?? 0, failed: s.body.failed?.length ?? 0 };
          else all = false;
        }
        processed = sum;
        failedUsers = failed;
        if (all) done = true;
        else await new Promise((r) => setTimeout(r, 1000));
      }
      done = true;
    })();
    const busy = await measure(() => done);
    await watcher;
    const jobSeconds = (performance.now() - started) / 1000;

    const row = (name: string, a: number[], b: number[]) => [
      name,
      String(a.length),
      fmt(percentile(a, 50), 2),
      fmt(percentile(a, 99), 2),
      String(b.length),
      fmt(percentile(b, 50), 2),
      fmt(percentile(b, 99), 2),
      fmt(percentile(b, 50) / percentile(a, 50), 2),
      fmt(percentile(b, 99) / percentile(a, 99), 2),
      fmt(Math.max(...b), 1),
    ];
    console.log(
      `\nGatehouse jobs bench: ${args.db}, ${kind}, ${totalUsers} users in ${ids.length} job(s) of <= ${PER_REQUEST}; node ${process.version}, ${os.cpus().length} CPUs`,
    );
    console.log(`job: ${processed}/${totalUsers} users processed (${failedUsers} failed) in ${fmt(jobSeconds, 1)} s (${fmt(processed / jobSeconds, 0)} users/s)\n`);
    console.log(
      table(
        ['request', 'idle n', 'idle p50 ms', 'idle p99 ms', 'busy n', 'busy p50 ms', 'busy p99 ms', 'p50 ratio', 'p99 ratio', 'busy max ms'],
        [row('GET /health', idle.health, busy.health), row('password login', idle.login, busy.login)],
      ),
    );
  } finally {
    await stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
