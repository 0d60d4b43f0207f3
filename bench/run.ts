// Gatehouse bench: boots Gatehouse in-process with production parameters and prints, from ONE
// run, how close the request paths come to their unavoidable cost:
//   1. password login (REST) ÷ raw argon2id verify, at the same concurrency
//   2. token refresh (REST, cookie) and API-token exchange ÷ raw JWT signing, per algorithm
//   3. REST ÷ GraphQL latency for the same operation (the cost of the REST adapter)
//   4. MFA login (password, then a TOTP code) ÷ password login, at the same concurrency
// Ratios, not absolute numbers, are the point: both sides of a ratio run on the same machine in
// the same process minutes apart, so machine speed largely cancels out. Nothing is asserted.
//
//   npm run bench [-- --db postgres] [--alg RS256|ES256|EdDSA] [--seconds 6] [--concurrency 4] [--sessions 8] [--mfa-users 600]
//
// --db postgres (or DATABASE_URL=postgresql://…) benches against PostgreSQL: a scratch database
// is created per Gatehouse instance on that server and dropped afterwards.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import { RestMeDocument } from '../src/generated/graphql.ts';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../src/platform/jwt.ts';
import { createPasswordHasher } from '../src/platform/password.ts';
import {
  PASSWORD,
  benchEmail,
  bootGatehouse,
  expectStatus,
  login,
  signUp,
  type BenchGatehouse,
  type DatabaseChoice,
} from './harness.ts';
import { fmt, percentile, table, timeInterleaved, timeLoop, timePair, type Sample } from './measure.ts';

// ---------------------------------------------------------------------------------------------
// Options

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    alg: { type: 'string' },
    seconds: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '4' },
    sessions: { type: 'string', default: '8' },
    'mfa-users': { type: 'string', default: '600' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log('usage: npm run bench -- [--db pglite|postgres] [--alg RS256|ES256|EdDSA] [--seconds N] [--warmup N] [--concurrency N] [--sessions N] [--mfa-users N]');
  process.exit(0);
}

const positiveInt = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
};
const durationMs = positiveInt('seconds', args.seconds) * 1000;
const warmupMs = Number(args.warmup) * 1000;
// 4 by default: the server's hasher admits 4 argon2 jobs at once and libuv's default pool has 4
// threads, so 4 logins in flight is the most the login path can overlap anyway.
const concurrency = positiveInt('concurrency', args.concurrency);
// Several independent refresh chains: one chain is strictly sequential (each refresh needs the
// previous token), so throughput only shows with many chains in flight.
const sessions = positiveInt('sessions', args.sessions);
// TOTP codes are single-use per time step (RFC 6238 §5.2) and the server accepts one step of drift,
// so one user can finish at most three MFA logins per 30 s: the MFA bench needs a pool of users.
const mfaUsers = positiveInt('mfa-users', args['mfa-users']);

function pickDatabase(): DatabaseChoice {
  const envUrl = process.env.DATABASE_URL;
  const isPg = (u: string | undefined): u is string => !!u && /^postgres(ql)?:\/\//i.test(u);
  if (args.db === 'postgres') {
    const url = [envUrl, process.env.TEST_POSTGRES_URL].find(isPg);
    if (!url) throw new Error('--db postgres needs DATABASE_URL (or TEST_POSTGRES_URL) set to a postgresql:// server URL');
    return { kind: 'postgres', serverUrl: url };
  }
  if (args.db && args.db !== 'pglite') throw new Error(`--db must be pglite or postgres, got ${args.db}`);
  if (!args.db && isPg(envUrl)) return { kind: 'postgres', serverUrl: envUrl };
  if (!args.db && envUrl?.startsWith('pglite:')) return { kind: 'pglite', url: envUrl };
  return { kind: 'pglite', url: 'pglite:memory' };
}

function parseAlg(v: string): SigningAlgorithm {
  if (!SIGNING_ALGORITHMS.includes(v as SigningAlgorithm)) throw new Error(`--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}, got ${v}`);
  return v as SigningAlgorithm;
}

const db = pickDatabase();
const explicitAlg = args.alg ?? process.env.GATEHOUSE_SIGNING_ALG;
const primaryAlg = parseAlg(explicitAlg ?? 'RS256');
// Without an explicit choice, report both the default (RSA: slow sign) and the fastest (EdDSA).
const refreshAlgs: SigningAlgorithm[] = explicitAlg ? [primaryAlg] : ['RS256', 'EdDSA'];
const loop = { durationMs, warmupMs };

/** Progress goes to stderr so stdout holds only the report. */
const progress = (msg: string) => process.stderr.write(`… ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Measurements

const LOGIN_MUTATION = `mutation($input: LoginInput!){ login(input:$input){ ... on AuthResponse { accessToken refreshToken } ... on Error { code message } } }`;
// The exact document the REST /users/v2/me route runs, so the comparison isolates transport.
const REST_ME_QUERY = print(RestMeDocument);

interface LoginSection {
  verify: Sample;
  login: Sample;
  params: { memoryCost: number; timeCost: number; parallelism: number };
}

/** 1. Raw argon2id verify vs REST password login, both with `concurrency` in flight. */
async function measureLogin(b: BenchGatehouse, emails: string[]): Promise<LoginSection> {
  const params = b.gh.deps.hasher.params;
  // A hasher of its own with the server's parameters and the same 4-job semaphore, so the
  // baseline is exactly the verify the login path performs, minus everything else.
  const hasher = createPasswordHasher(params);
  const hash = await hasher.hash(PASSWORD);
  progress(`argon2id verify vs REST password login, ${concurrency} in flight, interleaved`);
  const { a: verify, b: login } = await timeInterleaved(
    {
      concurrency,
      op: async () => {
        if (!(await hasher.verify(hash, PASSWORD))) throw new Error('argon2 verify returned false');
      },
    },
    {
      concurrency,
      // One user per worker: concurrent logins of *different* users is the realistic load, and it
      // keeps row-lock waits on a single user row out of the measurement.
      op: async (w) => {
        const res = await b.request('POST', '/identity/resources/auth/v1/user', { body: { email: emails[w % emails.length], password: PASSWORD } });
        await expectStatus(res, 200, 'login');
      },
    },
    loop,
  );
  return { verify, login, params };
}

interface RefreshSection {
  algorithm: SigningAlgorithm;
  sign: Sample;
  signParallel: Sample;
  refresh: Sample;
  refreshSingle: Sample;
  exchange: Sample;
}

/** 2. Raw JWT signing vs REST cookie refresh, for the instance's signing algorithm. */
async function measureRefresh(b: BenchGatehouse): Promise<RefreshSection> {
  const email = benchEmail(`refresh-${b.algorithm}`);
  await signUp(b, email);
  const chains: string[] = [];
  for (let i = 0; i < sessions; i++) chains.push((await login(b, email)).refreshToken);

  // Sign the same custom claims a real access token carries (roles, permissions, tenantIds…),
  // so payload size and JSON work match; iss/aud/sub/iat/exp are set by sign() itself.
  const { accessToken } = await login(b, email);
  const { iss: _i, aud: _a, sub, iat: _t, exp: _e, ...claims } = decodeJwt(accessToken);
  if (typeof claims.type !== 'string' || !sub) throw new Error('unexpected access-token shape');
  const { gh } = b;
  const signOnce = () =>
    gh.deps.keys.current.sign({ ...claims, type: claims.type as string }, {
      issuer: gh.deps.config.issuer,
      audience: gh.deps.vendor.clientId,
      subject: sub,
      expiresInSeconds: gh.deps.config.accessTokenTtl,
      now: new Date(),
    });

  const refreshOnce = async (w: number) => {
    const res = await b.request('POST', '/identity/resources/auth/v1/user/token/refresh', { refreshToken: chains[w] });
    const rotated = b.refreshCookie(res);
    await expectStatus(res, 201, `refresh (chain ${w})`);
    // Refresh tokens are single-use: the next call must present the one just issued.
    if (!rotated) throw new Error(`refresh (chain ${w}): no rotated refresh cookie`);
    chains[w] = rotated;
  };

  progress(`${b.algorithm}: JWT sign (single flight) vs REST cookie refresh (${sessions} chains), interleaved`);
  const { a: sign, b: refresh } = await timeInterleaved(
    { concurrency: 1, op: async () => void (await signOnce()) },
    { concurrency: sessions, op: refreshOnce },
    loop,
  );
  // Informational: jose signs through WebCrypto, which runs on libuv's pool, so signing itself
  // parallelises; this is the ceiling concurrent refreshes could reach if signing were all they did.
  progress(`${b.algorithm}: JWT sign, ${sessions} in flight`);
  const signParallel = await timeLoop(async () => void (await signOnce()), { durationMs: durationMs / 2, warmupMs: 0, concurrency: sessions });
  // Informational, shorter window: one chain alone. If its rate is close to the concurrent one,
  // refresh is serialised somewhere (e.g. PGlite's single connection), not latency-bound.
  progress(`${b.algorithm}: REST cookie refresh, 1 chain`);
  const refreshSingle = await timeLoop(refreshOnce, { durationMs: durationMs / 2, warmupMs: 0, concurrency: 1 });

  // API-token exchange: a tenant client-credentials token created by the tenant's admin over
  // REST, exchanged for JWTs by `sessions` concurrent clients (the secret is high-entropy: a
  // keyed hash, not argon2, sits on this path).
  const { accessToken: adminToken } = await login(b, email);
  const authz = await expectStatus(await b.request('GET', '/identity/resources/users/v1/me/authorization', { token: adminToken }), 200, 'authorization');
  const roleIds = (authz.roles as Array<{ id: string }>).map((r) => r.id);
  const created = await expectStatus(
    await b.request('POST', '/identity/resources/tenants/api-tokens/v1', { token: adminToken, body: { description: 'bench', roleIds } }),
    201,
    'create tenant API token',
  );
  const credential = { clientId: created.clientId as string, secret: created.secret as string };
  const exchangeOnce = async () => {
    const res = await b.request('POST', '/identity/resources/auth/v2/api-token', { body: credential });
    await expectStatus(res, 200, 'API-token exchange');
  };
  progress(`${b.algorithm}: JWT sign (single flight) vs REST API-token exchange (${sessions} in flight), interleaved`);
  const { b: exchange } = await timeInterleaved({ concurrency: 1, op: async () => void (await signOnce()) }, { concurrency: sessions, op: exchangeOnce }, loop);
  return { algorithm: b.algorithm, sign, signParallel, refresh, refreshSingle, exchange };
}

interface MfaSection {
  password: Sample;
  mfa: Sample;
  users: number;
}

/** A user with a verified authenticator, and the last time step the bench used for them. */
interface MfaUser {
  email: string;
  secret: string;
  lastStep: number;
}

/** Signs up `n` users and enrols an authenticator for each over REST (the secret is read the way the server keeps it). */
async function enrolMfaUsers(b: BenchGatehouse, n: number): Promise<MfaUser[]> {
  const users: MfaUser[] = [];
  const epochNow = () => Math.floor(Date.now() / 1000);
  // Four at a time: sign-up hashes a password with production argon2 parameters.
  let nextIndex = 0;
  const enrolOne = async () => {
    const i = nextIndex++;
    const email = benchEmail(`mfa${i}`);
    const { accessToken } = await signUp(b, email);
    const userId = decodeJwt(accessToken).sub!;
    await expectStatus(await b.request('POST', '/identity/resources/users/v1/mfa/authenticator/enroll', { token: accessToken }), 200, 'MFA enrol');
    const device = await b.gh.deps.db.mfaDevice.findFirstOrThrow({ where: { userId, type: 'TOTP', verifiedAt: null } });
    const secret = b.gh.deps.secrets.decrypt(device.secretEncrypted!);
    const code = await generate({ secret, epoch: epochNow() });
    await expectStatus(
      await b.request('POST', '/identity/resources/users/v1/mfa/authenticator/enroll/verify', { token: accessToken, body: { token: code } }),
      200,
      'MFA enrol verify',
    );
    users.push({ email, secret, lastStep: Math.floor(epochNow() / 30) });
  };
  await Promise.all(
    Array.from({ length: Math.min(4, n) }, async () => {
      while (nextIndex < n) await enrolOne();
    }),
  );
  return users;
}

/** 4. Password login vs MFA login (password → mfaToken → TOTP code), both with `concurrency` in flight. */
async function measureMfaLogin(b: BenchGatehouse, emails: string[]): Promise<MfaSection> {
  progress(`enrolling ${mfaUsers} users with an authenticator`);
  const pool = await enrolMfaUsers(b, mfaUsers);
  let next = 0;
  /** The next user with an unused step in the accepted window (now-1 … now+1), and that step. */
  const take = () => {
    for (let tries = 0; tries < pool.length; tries++) {
      const u = pool[next++ % pool.length]!;
      const current = Math.floor(Date.now() / 30_000);
      const step = Math.max(u.lastStep + 1, current - 1);
      if (step <= current + 1) {
        u.lastStep = step;
        return { u, step };
      }
    }
    throw new Error(`every MFA user used its codes for this window: raise --mfa-users (now ${pool.length})`);
  };
  progress(`REST password login vs REST MFA login, ${concurrency} in flight, interleaved`);
  const { a: password, b: mfa } = await timeInterleaved(
    {
      concurrency,
      op: async (w) => {
        const res = await b.request('POST', '/identity/resources/auth/v1/user', { body: { email: emails[w % emails.length], password: PASSWORD } });
        await expectStatus(res, 200, 'login');
      },
    },
    {
      concurrency,
      op: async () => {
        const { u, step } = take();
        const first = await expectStatus(
          await b.request('POST', '/identity/resources/auth/v1/user', { body: { email: u.email, password: PASSWORD } }),
          200,
          'MFA login (password step)',
        );
        if (!first.mfaRequired || !first.mfaToken) throw new Error(`expected an MFA step, got ${JSON.stringify(first).slice(0, 200)}`);
        const value = await generate({ secret: u.secret, epoch: step * 30 });
        const done = await expectStatus(
          await b.request('POST', '/identity/resources/auth/v1/user/mfa/verify', { body: { mfaToken: first.mfaToken, value } }),
          201,
          'MFA login (code step)',
        );
        if (!done.accessToken) throw new Error('MFA verify returned no access token');
      },
    },
    loop,
  );
  return { password, mfa, users: pool.length };
}

interface TransportSection {
  restLogin: Sample;
  gqlLogin: Sample;
  restMe: Sample;
  gqlMe: Sample;
}

/** 3. Sequential REST vs GraphQL latency for the same operation and user. */
async function measureTransport(b: BenchGatehouse, email: string): Promise<TransportSection> {
  const gql = async (query: string, variables: Record<string, unknown> | undefined, token?: string) => {
    const res = await b.request('POST', '/graphql', { body: { query, variables }, token });
    const json = await expectStatus(res, 200, 'graphql');
    if (json.errors?.length) throw new Error(`graphql errors: ${JSON.stringify(json.errors)}`);
    return json.data;
  };

  progress('REST vs GraphQL login, sequential');
  const loginPair = await timePair(
    async () => void (await login(b, email)),
    async () => {
      const data = await gql(LOGIN_MUTATION, { input: { email, password: PASSWORD } });
      if (!data?.login?.accessToken) throw new Error(`graphql login failed: ${JSON.stringify(data)}`);
    },
    loop,
  );

  const { accessToken } = await login(b, email);
  progress('REST vs GraphQL me, sequential');
  const mePair = await timePair(
    async () => {
      const body = await expectStatus(await b.request('GET', '/identity/resources/users/v2/me', { token: accessToken }), 200, 'REST me');
      if (body.email !== email) throw new Error(`REST me returned ${JSON.stringify(body).slice(0, 200)}`);
    },
    async () => {
      const data = await gql(REST_ME_QUERY, undefined, accessToken);
      if (data?.me?.email !== email) throw new Error(`graphql me returned ${JSON.stringify(data).slice(0, 200)}`);
    },
    loop,
  );
  return { restLogin: loginPair.a, gqlLogin: loginPair.b, restMe: mePair.a, gqlMe: mePair.b };
}

// ---------------------------------------------------------------------------------------------
// Report

const row = (name: string, s: Sample, inFlight: number) => [
  name,
  String(inFlight),
  String(s.ops),
  fmt(s.seconds, 2),
  fmt(s.rate, 1),
  fmt(percentile(s.latencies, 50), 2),
  fmt(percentile(s.latencies, 95), 2),
];
const HEADER = ['measurement', 'in flight', 'ops', 'secs', 'ops/s', 'p50 ms', 'p95 ms'];
const verdict = (ratio: number, target: number) => (ratio >= target ? `meets target ≥ ${target.toFixed(2)}` : `below target ≥ ${target.toFixed(2)}`);

function report(l: LoginSection, refreshes: RefreshSection[], t: TransportSection, m: MfaSection, env: string[]) {
  const cores = os.availableParallelism();
  const out: string[] = [];
  out.push('', '=== Gatehouse bench ===', ...env, '');

  out.push('1. Password login vs raw argon2id verify');
  out.push(table(HEADER, [row('argon2id verify (raw)', l.verify, concurrency), row('POST /identity/resources/auth/v1/user', l.login, concurrency)]), '');

  out.push('2. Token refresh vs raw JWT sign');
  out.push(
    table(
      HEADER,
      refreshes.flatMap((r) => [
        row(`${r.algorithm} sign (raw, single flight)`, r.sign, 1),
        row(`${r.algorithm} sign (raw, parallel; info)`, r.signParallel, sessions),
        row(`${r.algorithm} POST …/user/token/refresh`, r.refresh, sessions),
        row(`${r.algorithm} POST …/user/token/refresh (info)`, r.refreshSingle, 1),
        row(`${r.algorithm} POST …/auth/v2/api-token`, r.exchange, sessions),
      ]),
    ),
    '',
  );

  out.push('3. REST vs GraphQL latency (sequential, interleaved)');
  out.push(
    table(HEADER, [
      row('REST POST /identity/resources/auth/v1/user', t.restLogin, 1),
      row('GraphQL login mutation', t.gqlLogin, 1),
      row('REST GET /identity/resources/users/v2/me', t.restMe, 1),
      row('GraphQL RestMe query', t.gqlMe, 1),
    ]),
    '',
  );

  out.push(`4. MFA login (password + TOTP, two requests) vs password login (${m.users} MFA users)`);
  out.push(
    table(HEADER, [
      row('password login', m.password, concurrency),
      row('MFA login: …/auth/v1/user then …/user/mfa/verify', m.mfa, concurrency),
    ]),
    '',
  );

  const loginRatio = l.login.rate / l.verify.rate;
  out.push('Ratios');
  out.push(`  login/s ÷ verify/s            ${fmt(l.login.rate)} ÷ ${fmt(l.verify.rate)} = ${fmt(loginRatio, 3)}  (${verdict(loginRatio, 0.9)})`);
  for (const r of refreshes) {
    const ratio = r.refresh.rate / r.sign.rate;
    out.push(`  ${r.algorithm.padEnd(6)} refresh/s ÷ sign/s     ${fmt(r.refresh.rate)} ÷ ${fmt(r.sign.rate)} = ${fmt(ratio, 3)}  (${verdict(ratio, 0.7)})`);
    out.push(`  ${r.algorithm.padEnd(6)} refresh/s per core     ${fmt(r.refresh.rate)} ÷ ${cores} cores = ${fmt(r.refresh.rate / cores)}`);
    out.push(`  ${r.algorithm.padEnd(6)} refresh/s ÷ parallel sign/s (info)  ${fmt(r.refresh.rate / r.signParallel.rate, 3)}`);
    const ex = r.exchange.rate / r.sign.rate;
    out.push(`  ${r.algorithm.padEnd(6)} api-token exchange/s ÷ sign/s  ${fmt(r.exchange.rate)} ÷ ${fmt(r.sign.rate)} = ${fmt(ex, 3)}  (${verdict(ex, 0.7)})`);
    out.push(`  ${r.algorithm.padEnd(6)} api-token exchange/s per core  ${fmt(r.exchange.rate / cores)}`);
  }
  out.push(`  MFA login/s ÷ password login/s  ${fmt(m.mfa.rate)} ÷ ${fmt(m.password.rate)} = ${fmt(m.mfa.rate / m.password.rate, 3)}`);
  const p = (s: Sample, q: number) => percentile(s.latencies, q);
  out.push(`  login REST ÷ GraphQL  p50     ${fmt(p(t.restLogin, 50), 2)} ÷ ${fmt(p(t.gqlLogin, 50), 2)} ms = ${fmt(p(t.restLogin, 50) / p(t.gqlLogin, 50), 3)}`);
  out.push(`  login REST ÷ GraphQL  p95     ${fmt(p(t.restLogin, 95), 2)} ÷ ${fmt(p(t.gqlLogin, 95), 2)} ms = ${fmt(p(t.restLogin, 95) / p(t.gqlLogin, 95), 3)}`);
  out.push(`  me    REST ÷ GraphQL  p50     ${fmt(p(t.restMe, 50), 2)} ÷ ${fmt(p(t.gqlMe, 50), 2)} ms = ${fmt(p(t.restMe, 50) / p(t.gqlMe, 50), 3)}`);
  out.push(`  me    REST ÷ GraphQL  p95     ${fmt(p(t.restMe, 95), 2)} ÷ ${fmt(p(t.gqlMe, 95), 2)} ms = ${fmt(p(t.restMe, 95) / p(t.gqlMe, 95), 3)}`);
  out.push(
    '',
    `Note: per-core figures divide by os.availableParallelism() = ${cores}. JavaScript (yoga, Prisma, and PGlite's wasm`,
    'engine when embedded) runs on ONE thread; argon2 and WebCrypto signing run on libuv\'s thread pool, so',
    'the process can use more than one core but is not linearly scalable with cores.',
    '',
  );
  console.log(out.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const started = performance.now();
  // Other processes on the box (a test run…) steal the cores this bench measures; print the load
  // so a reader can tell a quiet run from a contended one.
  const loadBefore = os.loadavg()[0]!;
  const dbLabel = db.kind === 'postgres' ? `PostgreSQL (scratch database per instance on ${db.serverUrl.replace(/:[^:@/]*@/, ':***@')})` : db.url;
  const instances: BenchGatehouse[] = [];
  try {
    progress(`booting Gatehouse (${primaryAlg}, ${dbLabel})`);
    const bootStart = performance.now();
    const primary = await bootGatehouse(primaryAlg, db);
    instances.push(primary);
    const bootMs = performance.now() - bootStart;

    // Users created by sign-up, as real users are; one per concurrent login worker.
    const emails: string[] = [];
    for (let i = 0; i < concurrency; i++) {
      const email = benchEmail(`login${i}`);
      await signUp(primary, email);
      emails.push(email);
    }

    const loginSection = await measureLogin(primary, emails);
    const transport = await measureTransport(primary, emails[0]!);
    const mfaSection = await measureMfaLogin(primary, emails);

    const refreshes: RefreshSection[] = [];
    for (const alg of refreshAlgs) {
      let b = primary;
      if (alg !== primary.algorithm) {
        // A separate instance per algorithm: the signing key is chosen at boot.
        progress(`booting Gatehouse (${alg})`);
        b = await bootGatehouse(alg, db);
        instances.push(b);
      }
      refreshes.push(await measureRefresh(b));
      if (b !== primary) {
        await b.close();
        instances.splice(instances.indexOf(b), 1);
      }
    }

    const params = loginSection.params;
    const env = [
      `node ${process.version} on ${os.platform()}/${os.arch()}, ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
      `cores (availableParallelism): ${os.availableParallelism()}, UV_THREADPOOL_SIZE: ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
      `database: ${dbLabel}; boot ${fmt(bootMs, 0)} ms`,
      `argon2id: m=${params.memoryCost} KiB, t=${params.timeCost}, p=${params.parallelism} (production defaults)`,
      `1-min load average: ${fmt(loadBefore, 2)} at start, ${fmt(os.loadavg()[0]!, 2)} at end (≫ cores means the numbers are contended)`,
      `window ${durationMs / 1000} s per measurement after ${warmupMs / 1000} s warm-up (ratio pairs interleaved A B B A; info rows ${durationMs / 2000} s); login concurrency ${concurrency}; refresh chains ${sessions}`,
    ];
    report(loginSection, refreshes, transport, mfaSection, env);
    console.log(`total bench time ${fmt((performance.now() - started) / 1000, 1)} s`);
  } finally {
    for (const b of instances) await b.close();
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
