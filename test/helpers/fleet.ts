// A fleet of real Gatehouse processes for a test file: the topology of docker-compose.yml without
// Docker. One fresh database on the PostgreSQL server of TEST_POSTGRES_URL (scripts/with-postgres.sh),
// optionally one throwaway Redis (test/helpers/redis.ts), and N processes started exactly as the
// image starts them (the Dockerfile's CMD, `node --import tsx src/main.ts`) on free loopback ports,
// all with the same secret, vendor credential and issuer — as behind a load balancer. Requests go
// over real HTTP; each process's output is kept (bounded) for failure messages.
//
// Instances start concurrently, so the first boot of a fleet is also a concurrent cold start on an
// empty database (migrations, signing key, vendor and default roles created by whoever gets there
// first).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { print, type DocumentNode } from 'graphql';
import { BASE, freshPostgresDatabase, VENDOR, type TestResponse } from './gatehouse.ts';
import { freePort, startRedis, type TestRedis } from './redis.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Output kept per process (the tail): enough for a failure message, bounded for 2,000-user jobs. */
const OUTPUT_LIMIT = 256 * 1024;

/** The image's CMD, read from the Dockerfile so the suite runs what the container runs. */
export function dockerCmd(): string[] {
  const line = fs
    .readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('CMD '))
    .at(-1);
  if (!line) throw new Error('Dockerfile has no CMD');
  return JSON.parse(line.slice(4)) as string[];
}

export interface FleetOptions {
  /** Processes to start (default 2). */
  instances?: number;
  /** Start a Redis and pass REDIS_URL (default true); false: instances share only PostgreSQL. */
  redis?: boolean;
  /** Extra environment for every instance (over the defaults below). */
  env?: Record<string, string>;
}

export interface FleetRequestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Abort after this many ms (default 30 s). */
  timeoutMs?: number;
}

export interface FleetGqlResult {
  status: number;
  data: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface Instance {
  /** Position in the fleet (0 = A, 1 = B, …). */
  readonly index: number;
  readonly name: string;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The process's stdout and stderr so far (the last 256 KiB). */
  output(): string;
  /** True while the process runs. */
  alive(): boolean;
  rest(method: string, path: string, o?: FleetRequestOptions): Promise<TestResponse>;
  gql(query: string | DocumentNode, variables?: Record<string, unknown>, o?: FleetRequestOptions): Promise<FleetGqlResult>;
  /** A fresh vendor token from this instance. */
  vendorToken(): Promise<string>;
  /** Sends `signal` (default SIGTERM) and waits for the exit; answers the exit code (null when killed by a signal). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface Fleet {
  readonly instances: Instance[];
  readonly redis: TestRedis | null;
  readonly databaseUrl: string;
  /** The environment every instance got (without PORT and DATA_DIR). */
  readonly env: Record<string, string>;
  /** Kills instance i if it still runs (SIGKILL), starts it again on the same port with the same env, waits for /health. */
  restart(i: number): Promise<Instance>;
  /** The last `lines` lines of every instance's output, labelled (for failure messages). */
  tail(lines?: number): string;
  /** Stops every instance, the Redis, and drops the database. */
  close(): Promise<void>;
}

/**
 * Polls `probe` until it answers a value other than undefined/false, or throws after `timeoutMs`
 * with the last value seen (tests state bounds as deadlines, never as sleeps).
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, o: { timeoutMs: number; intervalMs?: number; what: string }): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as T;
    last = v;
    if (Date.now() > deadline) throw new Error(`timed out after ${o.timeoutMs} ms waiting for ${o.what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 100));
  }
}

const NAMES = ['A', 'B', 'C', 'D', 'E'];

class ProcessInstance implements Instance {
  readonly url: string;
  readonly name: string;
  private child: ChildProcess | null = null;
  private out = '';
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly index: number,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly dataDir: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.name = NAMES[index] ?? `#${index}`;
  }

  output() {
    return this.out;
  }

  alive() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  private append(d: Buffer) {
    this.out += d.toString();
    if (this.out.length > OUTPUT_LIMIT) this.out = this.out.slice(-OUTPUT_LIMIT);
  }

  /** Spawns the process and waits until /health answers 200. */
  async start(timeoutMs = 90_000) {
    const [cmd, ...args] = dockerCmd();
    this.append(Buffer.from(`--- ${this.name}: starting ${[cmd, ...args].join(' ')} on port ${this.port}\n`));
    const child = spawn(cmd!, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...this.env, PORT: String(this.port), DATA_DIR: this.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => this.append(d));
    child.stderr!.on('data', (d: Buffer) => this.append(d));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      if (!this.alive()) throw new Error(`Gatehouse ${this.name} exited during start-up:\n${this.out}`);
      if (Date.now() > deadline) throw new Error(`Gatehouse ${this.name} did not answer /health within ${timeoutMs} ms:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM') {
    if (!this.alive()) return this.exited;
    this.child!.kill(signal);
    // A graceful stop drains jobs; past 15 s it is stuck, which the caller sees as a null code.
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 15_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async rest(method: string, p: string, o: FleetRequestOptions = {}): Promise<TestResponse> {
    const headers = new Headers({ 'content-type': 'application/json', ...o.headers });
    if (o.token) headers.set('authorization', `Bearer ${o.token}`);
    let res: Response;
    try {
      res = await fetch(`${this.url}${p}`, {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
      });
    } catch (e) {
      throw new Error(`${method} ${p} on ${this.name} failed: ${(e as Error).message}${this.alive() ? '' : ` (process exited)\n${this.out.slice(-4000)}`}`);
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep text */
    }
    return { status: res.status, body, headers: res.headers, refreshCookie: undefined };
  }

  async gql(query: string | DocumentNode, variables?: Record<string, unknown>, o: FleetRequestOptions = {}): Promise<FleetGqlResult> {
    const r = await this.rest('POST', '/graphql', { ...o, body: { query: typeof query === 'string' ? query : print(query), variables } });
    if (typeof r.body !== 'object' || r.body === null) throw new Error(`GraphQL on ${this.name} answered ${r.status}: ${String(r.body)}`);
    return { status: r.status, data: r.body.data, errors: r.body.errors };
  }

  async vendorToken() {
    const r = await this.rest('POST', '/auth/vendor', { body: VENDOR });
    if (r.status !== 200) throw new Error(`vendor auth on ${this.name} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token as string;
  }
}

/** The settings every instance of a test fleet shares (docker-compose.yml's, plus cheap test hashing). */
function fleetEnv(databaseUrl: string, redisUrl: string | null, extra: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    GATEHOUSE_SECRET: 'fleet-test-secret-0123456789abcdef0123456789',
    GATEHOUSE_VENDOR_CLIENT_ID: VENDOR.clientId,
    GATEHOUSE_VENDOR_SECRET: VENDOR.secret,
    GATEHOUSE_ISSUER: BASE,
    // Cheap argon2 in tests only (as test/helpers/gatehouse.ts).
    GATEHOUSE_ARGON2_MEMORY_KIB: '1024',
    GATEHOUSE_ARGON2_ITERATIONS: '1',
    GATEHOUSE_LOG_LEVEL: 'info',
    // Tests name the client with X-Forwarded-For, as one load balancer in front would.
    GATEHOUSE_TRUST_PROXY: '1',
    GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN: 'true',
    // Every test signs up from loopback; the per-IP sign-up limit is not what the fleet tests.
    GATEHOUSE_RATE_LIMIT_SIGNUPS_PER_IP: 'off',
    GATEHOUSE_RATE_LIMIT_MAIL_PER_RECIPIENT: 'off',
    GATEHOUSE_RATE_LIMIT_SMS_PER_RECIPIENT: 'off',
    ...extra,
  };
}

export async function startFleet(o: FleetOptions = {}): Promise<Fleet> {
  const base = process.env.TEST_POSTGRES_URL;
  if (!base) throw new Error('the fleet suite needs TEST_POSTGRES_URL (run it through scripts/with-postgres.sh)');
  const n = o.instances ?? 2;
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-fleet-'));
  const [db, redis, ports] = await Promise.all([
    freshPostgresDatabase(base),
    o.redis === false ? Promise.resolve(null) : startRedis(),
    Promise.all(Array.from({ length: n }, () => freePort())),
  ]);
  const env = fleetEnv(db.url, redis?.url ?? null, o.env ?? {});
  const instances = ports.map((port, i) => {
    const dir = path.join(dataRoot, String(i));
    fs.mkdirSync(dir);
    return new ProcessInstance(i, port, env, dir);
  });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all(instances.map((i) => i.kill('SIGTERM')));
    await Promise.allSettled([redis?.stop(), db.drop()]);
    fs.rmSync(dataRoot, { recursive: true, force: true });
  };

  const started = await Promise.allSettled(instances.map((i) => i.start()));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  return {
    instances,
    redis,
    databaseUrl: db.url,
    env,
    async restart(i) {
      const inst = instances[i]!;
      await inst.kill('SIGKILL');
      await inst.start();
      return inst;
    },
    tail(lines = 30) {
      return instances.map((i) => `--- ${i.name} (${i.url}${i.alive() ? '' : ', exited'}):\n${i.output().split('\n').slice(-lines).join('\n')}`).join('\n');
    },
    close,
  };
}
