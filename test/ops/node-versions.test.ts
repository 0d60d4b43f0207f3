// Gatehouse on the Node.js LTS lines besides the one running the suite (the CI machine has Node
// 20; Node 20 is end-of-life and several dependencies declare Node >= 22). Each version's official
// binary comes from the npm registry (package node-<platform>-<arch>, which ships bin/node), is
// cached under node_modules/.cache/gatehouse-node (GATEHOUSE_NODE_CACHE elsewhere), and runs the
// image's CMD (`node --import tsx src/main.ts`) for a short smoke: liveness, readiness, vendor
// authentication, sign-up and login, metrics, then SIGTERM and exit 0.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '../helpers/gatehouse.ts';
import { freePort } from '../helpers/redis.ts';

/** The versions tested (README "Node versions"); bump together with the Dockerfile's base image. */
export const NODE_VERSIONS = ['22.23.5', '24.22.3'];

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const cacheDir = process.env.GATEHOUSE_NODE_CACHE ?? path.join(root, 'node_modules/.cache/gatehouse-node');
const pkg = `node-${process.platform}-${process.arch}`;

/** bin/node of `version`, fetched once with `npm pack` (the registry's ordinary client) and unpacked into the cache. */
async function nodeBinary(version: string): Promise<string> {
  const dir = path.join(cacheDir, version);
  const bin = path.join(dir, 'bin', 'node');
  if (fs.existsSync(bin)) return bin;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-node-'));
  try {
    const { stdout } = await run('npm', ['pack', `${pkg}@${version}`, '--silent', '--pack-destination', tmp], { cwd: tmp, timeout: 120_000 });
    const tgz = path.join(tmp, stdout.trim().split('\n').at(-1)!);
    const staging = `${dir}.partial-${process.pid}`;
    fs.mkdirSync(staging, { recursive: true });
    await run('tar', ['-xzf', tgz, '-C', staging, '--strip-components=1']);
    // Rename last, so an interrupted download never looks cached.
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
    return bin;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** pglite:memory, or a fresh database on the suite's PostgreSQL server in the PostgreSQL stage. */
async function database(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.GATEHOUSE_TEST_DB === 'postgres' ? process.env.TEST_POSTGRES_URL : undefined;
  return base ? freshPostgresDatabase(base) : { url: 'pglite:memory', drop: async () => {} };
}

async function smoke(version: string) {
  const bin = await nodeBinary(version);
  const { stdout: reported } = await run(bin, ['--version']);
  expect(reported.trim()).toBe(`v${version}`);
  const port = await freePort();
  const db = await database();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-node-smoke-'));
  const vendor = { clientId: 'node-smoke-vendor', secret: 'node-smoke-vendor-secret-0123' };
  const child = spawn(bin, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: `${path.dirname(bin)}:${process.env.PATH}`,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      GATEHOUSE_ISSUER: `http://127.0.0.1:${port}`,
      GATEHOUSE_SECRET: 'node-smoke-installation-secret-0123456789',
      GATEHOUSE_VENDOR_CLIENT_ID: vendor.clientId,
      GATEHOUSE_VENDOR_SECRET: vendor.secret,
      GATEHOUSE_ARGON2_MEMORY_KIB: '1024',
      GATEHOUSE_ARGON2_ITERATIONS: '1',
      GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN: 'true',
      GATEHOUSE_PGLITE_MAINTENANCE_SECONDS: '0',
      GATEHOUSE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const json = async (p: string, body?: unknown) => {
    const r = await fetch(`${base}${p}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  try {
    // A generous start bound: the first start compiles the sources (tsx) while the rest of the suite loads both cores.
    const deadline = Date.now() + 150_000;
    let up = false;
    while (!up && child.exitCode === null && Date.now() < deadline) {
      up = await fetch(`${base}/health`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    expect(up, `Node ${version} did not start:\n${output}`).toBe(true);
    expect(await json('/health/ready')).toMatchObject({ status: 200, body: { status: 'ok', checks: { database: 'up', migrations: 'up' } } });
    expect((await json('/auth/vendor', vendor)).status).toBe(200);
    const user = { email: `smoke-${version}@example.com`, password: 'a long enough passphrase', companyName: 'Smoke', provider: 'local' };
    expect((await json('/identity/resources/users/v1/signUp', user)).status).toBe(201);
    const login = await json('/identity/resources/auth/v1/user', { email: user.email, password: user.password });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(login.body.accessToken).toEqual(expect.any(String));
    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    expect(metrics).toContain('gatehouse_auth_outcomes_total{flow="login",outcome="success",reason=""} 1');
    child.kill('SIGTERM');
    expect(await exited, output).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('Node.js versions', () => {
  it(`boots and serves on Node ${NODE_VERSIONS.join(' and ')} (the suite itself runs on ${process.version})`, async () => {
    await Promise.all(NODE_VERSIONS.map(smoke));
  }, 240_000);
});
