// Boots a real Gatehouse in-process for a test file: PGlite in memory by default, or a fresh
// database on the PostgreSQL server of TEST_POSTGRES_URL (scripts/with-postgres.sh) when
// GATEHOUSE_TEST_DB=postgres. Requests go through app.fetch, exactly as over HTTP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createGatehouse, type Gatehouse } from '../../src/bootstrap.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { CaptchaVerifier } from '../../src/platform/captcha.ts';
import type { TaskQueue } from '../../src/platform/task-queue.ts';
import type { ReadinessCheck } from '../../src/platform/readiness.ts';
import { ManualClock, type Clock } from '../../src/platform/clock.ts';
import { createLogger, type Logger } from '../../src/platform/logger.ts';

export const VENDOR = { clientId: 'test-vendor-client-id', secret: 'test-vendor-secret-0123456789' };
export const BASE = 'http://gatehouse.test';

export interface TestGatehouse extends Gatehouse {
  config: Config;
  clock: Clock;
  cookieName: string;
  /**
   * SQL statements Prisma sent since the last reset, except audit-log inserts: every audited
   * operation adds exactly one, after its own work (services/audit), so statement budgets
   * (N+1 checks) count the operation itself; `auditWrites` holds those inserts.
   */
  queries: string[];
  auditWrites: string[];
  rest(method: string, path: string, o?: RequestOptions): Promise<TestResponse>;
  gql<TData, TVars>(doc: TypedDocumentNode<TData, TVars>, variables?: TVars, o?: RequestOptions): Promise<GqlResult<TData>>;
  vendorToken(): Promise<string>;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  body: any;
  headers: Headers;
  /** The refresh token the response set as a cookie, if any ('' when it cleared it). */
  refreshCookie: string | undefined;
}

export interface GqlResult<TData> {
  status: number;
  data: TData;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  refreshCookie: string | undefined;
}

/** A new, empty database on the server of `base` (a URL whose user may CREATE DATABASE); `drop` removes it. */
export async function freshPostgresDatabase(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface StartOptions {
  clock?: Clock;
  captcha?: CaptchaVerifier;
  tasks?: TaskQueue;
  /**
   * Joins an existing database instead of creating one (a second instance of a fleet on the
   * first one's database: PostgreSQL only, PGlite cannot be shared). The database is not dropped
   * when this instance closes; the instance that created it drops it.
   */
  databaseUrl?: string;
  logger?: Logger;
  readiness?: ReadinessCheck[];
}

export async function startGatehouse(env: Record<string, string> = {}, o: StartOptions = {}): Promise<TestGatehouse> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-test-'));
  let databaseUrl = 'pglite:memory';
  let drop = async () => {};
  if (o.databaseUrl) {
    databaseUrl = o.databaseUrl;
  } else if (process.env.GATEHOUSE_TEST_DB === 'postgres') {
    const base = process.env.TEST_POSTGRES_URL;
    if (!base) throw new Error('GATEHOUSE_TEST_DB=postgres needs TEST_POSTGRES_URL (scripts/with-postgres.sh sets it)');
    ({ url: databaseUrl, drop } = await freshPostgresDatabase(base));
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    GATEHOUSE_ISSUER: BASE,
    GATEHOUSE_VENDOR_CLIENT_ID: VENDOR.clientId,
    GATEHOUSE_VENDOR_SECRET: VENDOR.secret,
    // Cheap argon2 in tests only (supabase api_test.go); production uses OWASP parameters.
    GATEHOUSE_ARGON2_MEMORY_KIB: '1024',
    GATEHOUSE_ARGON2_ITERATIONS: '1',
    GATEHOUSE_LOG_LEVEL: 'silent',
    // Requests arrive in-process, as if through one proxy that appends X-Forwarded-For.
    GATEHOUSE_TRUST_PROXY: '1',
    // Most tests sign up to get a session; the enumeration-safe default (activation first) is
    // tested where it matters (test/security/enumeration.test.ts).
    GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN: 'true',
    // The per-recipient cool-downs (one email / SMS per template every 30 s) count real time,
    // which a ManualClock cannot move, and many tests ask for a second code or link at once.
    // Off here only; test/security/rate-limits.test.ts runs with the production values.
    GATEHOUSE_RATE_LIMIT_MAIL_PER_RECIPIENT: 'off',
    GATEHOUSE_RATE_LIMIT_SMS_PER_RECIPIENT: 'off',
    // The lockout suite counts 50 parallel wrong passwords for one account (the lockout policy's
    // own counter); the per-account login limit (10/15m) would answer 429 first.
    GATEHOUSE_RATE_LIMIT_LOGIN_PER_ACCOUNT: 'off',
    // Several tests pin the statement counts of login and refresh; a cache dropped by the refresh
    // timer in the middle of one would add its reload. The bound is tested where it matters
    // (test/platform/change-feed.test.ts, test/fleet/shared-state.test.ts).
    GATEHOUSE_CACHE_REFRESH_SECONDS: '3600',
    // Likewise the job worker's poll (a claim query every few seconds): in-process tests start
    // jobs through their own requests, which wake the worker; the poll is tested in test/fleet.
    GATEHOUSE_JOB_POLL_SECONDS: '0',
    // No periodic audit purge: its DELETE would land in statement budgets at random; tests call
    // services.audit.purgeExpired() themselves.
    GATEHOUSE_AUDIT_PURGE_INTERVAL_SECONDS: '0',
    ...env,
  });
  const clock = o.clock ?? new ManualClock();
  const queries: string[] = [];
  const auditWrites: string[] = [];
  const gh = await createGatehouse(config, {
    clock,
    captcha: o.captcha,
    tasks: o.tasks,
    logger: o.logger ?? createLogger('silent'),
    readiness: o.readiness,
    database: { onQuery: (q) => void (/^INSERT INTO "public"\."AuditEvent"/.test(q) ? auditWrites : queries).push(q) },
  });
  const cookieName = `fe_refresh_${VENDOR.clientId.replace(/-/g, '')}`;

  const readCookie = (h: Headers) => {
    for (const c of h.getSetCookie()) {
      if (c.startsWith(`${cookieName}=`)) return decodeURIComponent(c.slice(cookieName.length + 1).split(';')[0]!);
    }
    return undefined;
  };

  const request = async (method: string, p: string, ro: RequestOptions = {}) => {
    const headers = new Headers({ 'content-type': 'application/json', ...ro.headers });
    if (ro.token) headers.set('authorization', `Bearer ${ro.token}`);
    if (ro.cookie !== undefined) headers.set('cookie', `${cookieName}=${encodeURIComponent(ro.cookie)}`);
    const body = ro.rawBody ?? (ro.body === undefined ? undefined : JSON.stringify(ro.body));
    return gh.app.fetch(new Request(`${BASE}${p}`, { method, headers, body }));
  };

  const t: TestGatehouse = {
    ...gh,
    config,
    clock,
    cookieName,
    queries,
    auditWrites,
    async rest(method, p, ro) {
      const res = await request(method, p, ro);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep text */
      }
      return { status: res.status, body, headers: res.headers, refreshCookie: readCookie(res.headers) };
    },
    async gql(doc, variables, ro = {}) {
      const res = await request('POST', '/graphql', { ...ro, body: { query: print(doc), variables } });
      const json = (await res.json()) as { data: any; errors?: any[] };
      return { status: res.status, data: json.data, errors: json.errors, refreshCookie: readCookie(res.headers) };
    },
    /** A fresh vendor token (tests move the clock, so none is cached). */
    async vendorToken() {
      const r = await t.rest('POST', '/auth/vendor', { body: VENDOR });
      if (r.status !== 200) throw new Error(`vendor auth failed: ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    async close() {
      await gh.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

let counter = 0;
/** A unique email per call, so tests never collide. */
export const uniqueEmail = (prefix = 'user') => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}@example.com`;

/** Signs up a company and its first user over REST; returns the ids and the login response. */
export async function signUp(t: TestGatehouse, o: { email?: string; password?: string; companyName?: string } = {}) {
  const email = o.email ?? uniqueEmail();
  const password = o.password ?? 'a long enough passphrase';
  const r = await t.rest('POST', '/identity/resources/users/v1/signUp', {
    body: { email, password, companyName: o.companyName ?? 'Acme', provider: 'local' },
  });
  if (r.status !== 201) throw new Error(`sign-up failed: ${r.status} ${JSON.stringify(r.body)}`);
  return {
    email,
    password,
    userId: r.body.userId as string,
    tenantId: r.body.tenantId as string,
    accessToken: r.body.authResponse.accessToken as string,
    refreshToken: r.refreshCookie!,
  };
}

/**
 * A second user of the founder's tenant, created by the founder over REST (default roles: read
 * only) and logged in; returns their id and tokens.
 */
export async function addMember(t: TestGatehouse, founderToken: string, prefix = 'member') {
  const email = uniqueEmail(prefix);
  const password = 'a long enough passphrase';
  const created = await t.rest('POST', '/identity/resources/users/v1', { token: founderToken, body: { email, password } });
  if (created.status !== 201) throw new Error(`creating a member failed: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email, password } });
  if (login.status !== 200) throw new Error(`member login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { userId: created.body.id as string, accessToken: login.body.accessToken as string, refreshToken: login.refreshCookie! };
}
