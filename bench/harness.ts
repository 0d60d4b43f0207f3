// Boots a Gatehouse in-process for the bench and talks to it through app.fetch, exactly as the
// HTTP server would. Unlike test/helpers/gatehouse.ts this uses the PRODUCTION configuration
// defaults (OWASP argon2id parameters, the system clock): the point is to measure what ships.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createGatehouse, type Gatehouse } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import type { DatabaseOptions } from '../src/platform/db.ts';
import type { SigningAlgorithm } from '../src/platform/jwt.ts';

export const BASE = 'http://gatehouse.bench';
export const PASSWORD = 'a long enough bench passphrase';

export interface BenchGatehouse {
  gh: Gatehouse;
  algorithm: SigningAlgorithm;
  /** fe_refresh_<vendor clientId without dashes>, as Frontegg's SDKs expect. */
  cookieName: string;
  request(method: string, p: string, o?: RequestOptions): Promise<Response>;
  /** The refresh token a response set as a cookie, if any. */
  refreshCookie(res: Response): string | undefined;
  close(): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  refreshToken?: string;
  /** Extra request headers (e.g. frontegg-tenant-id for vendor calls). */
  headers?: Record<string, string>;
}

/**
 * Where the bench's database lives. PostgreSQL gets a scratch database per instance (created
 * and dropped here) so the RS256 and EdDSA instances start equally empty and the bench never
 * leaves rows in a database someone cares about.
 */
export type DatabaseChoice =
  | { kind: 'pglite'; url: string }
  | { kind: 'postgres'; serverUrl: string }
  /** A database used as is and kept (bench/seed.ts filling a PostgreSQL database for later runs). */
  | { kind: 'existing'; url: string };

export async function scratchPostgres(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `gatehouse_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export interface BootOptions {
  /**
   * A DATA_DIR kept after close (else a temp dir, removed). Its installation secret decrypts the
   * signing keys stored in the database, so a database reused across runs (a seeded PGlite
   * directory, see bench/seed.ts) needs the same DATA_DIR every time.
   */
  dataDir?: string;
  /** Extra configuration variables (e.g. a fixed vendor credential). */
  env?: Record<string, string>;
  /** Passed to the database layer; a listener also turns on Prisma's query events. */
  database?: DatabaseOptions;
}

export async function bootGatehouse(algorithm: SigningAlgorithm, db: DatabaseChoice, o: BootOptions = {}): Promise<BenchGatehouse> {
  // DATA_DIR only holds the generated installation secret here (the database is elsewhere).
  const keepDataDir = o.dataDir !== undefined;
  const dataDir = o.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-'));
  if (keepDataDir) fs.mkdirSync(dataDir, { recursive: true });
  const removeDataDir = () => {
    if (!keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  let databaseUrl: string;
  let drop = async () => {};
  if (db.kind === 'postgres') ({ url: databaseUrl, drop } = await scratchPostgres(db.serverUrl));
  else databaseUrl = db.url;

  // Argon2 parameters are deliberately NOT set: loadConfig's defaults are the production ones.
  const config = loadConfig({
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    GATEHOUSE_ISSUER: BASE,
    GATEHOUSE_SIGNING_ALG: algorithm,
    GATEHOUSE_LOG_LEVEL: 'silent',
    // The benchmarks sign up to get a session (the default answers shouldActivate instead).
    GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN: 'true',
    ...o.env,
  });
  let gh: Gatehouse;
  try {
    gh = await createGatehouse(config, { logger: createLogger('silent'), database: o.database });
  } catch (error) {
    await drop();
    removeDataDir();
    throw error;
  }
  const cookieName = `fe_refresh_${gh.vendor.clientId.replace(/-/g, '')}`;

  return {
    gh,
    algorithm,
    cookieName,
    request(method, p, o = {}) {
      const headers = new Headers({ 'content-type': 'application/json' });
      if (o.token) headers.set('authorization', `Bearer ${o.token}`);
      if (o.refreshToken !== undefined) headers.set('cookie', `${cookieName}=${encodeURIComponent(o.refreshToken)}`);
      for (const [k, v] of Object.entries(o.headers ?? {})) headers.set(k, v);
      const body = o.body === undefined ? undefined : JSON.stringify(o.body);
      return gh.app.fetch(new Request(`${BASE}${p}`, { method, headers, body }));
    },
    refreshCookie(res) {
      for (const c of res.headers.getSetCookie()) {
        if (c.startsWith(`${cookieName}=`)) return decodeURIComponent(c.slice(cookieName.length + 1).split(';')[0]!);
      }
      return undefined;
    },
    async close() {
      await gh.close();
      await drop();
      removeDataDir();
    },
  };
}

/** Reads a response body and fails loudly on an unexpected status: a bench of errors measures nothing. */
export async function expectStatus(res: Response, status: number, what: string): Promise<any> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** Signs up a company and its first user over REST (the way real users get a password). */
export async function signUp(b: BenchGatehouse, email: string): Promise<Tokens> {
  const res = await b.request('POST', '/identity/resources/users/v1/signUp', {
    body: { email, password: PASSWORD, companyName: `Bench ${email}`, provider: 'local' },
  });
  const refreshToken = b.refreshCookie(res);
  const body = await expectStatus(res, 201, `sign-up ${email}`);
  return { accessToken: body.authResponse.accessToken, refreshToken: refreshToken ?? body.authResponse.refreshToken };
}

/** Password login over REST; each call starts a new session (a new refresh-token chain). */
export async function login(b: BenchGatehouse, email: string): Promise<Tokens> {
  const res = await b.request('POST', '/identity/resources/auth/v1/user', { body: { email, password: PASSWORD } });
  const refreshToken = b.refreshCookie(res);
  const body = await expectStatus(res, 200, `login ${email}`);
  return { accessToken: body.accessToken, refreshToken: refreshToken ?? body.refreshToken };
}

export const benchEmail = (label: string) => `bench-${label}-${randomBytes(4).toString('hex')}@example.com`;
