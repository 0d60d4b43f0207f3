// Gatehouse as a fleet, tried the way an operator runs it: two real processes (the image's CMD) on
// one PostgreSQL and one Redis, on loopback, started together on an empty database. Every check
// writes through one instance and reads through the other, over HTTP.
//
// Bounds are deadlines, never sleeps: with Redis a change is pushed (well under a second), and the
// Redis fleet keeps the default fallback refresh (GATEHOUSE_CACHE_REFRESH_SECONDS=30), so passing
// within PUSH_BOUND_MS shows the push worked. The fleet without Redis refreshes every second and
// must enforce within that plus a margin.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFleet, waitFor, type Fleet, type Instance } from '../helpers/fleet.ts';
import { uniqueEmail } from '../helpers/gatehouse.ts';

/** With Redis: a change made on one instance is in force on the others within this (pushed). */
const PUSH_BOUND_MS = 5_000;
/** Without Redis: the fallback refresh (1 s in that fleet) plus a margin for a loaded CI machine. */
const REFRESH_SECONDS = 1;
const REFRESH_BOUND_MS = REFRESH_SECONDS * 1000 + 4_000;
/** Per-account login attempts per window, low so the cross-instance count is visible. */
const LOGIN_LIMIT = 6;

const LOGIN = '/identity/resources/auth/v1/user';
const SIGNUP = '/identity/resources/users/v1/signUp';
const ME = '/identity/resources/users/v2/me';
const USERS = '/identity/resources/users/v3';
const IP = '/identity/resources/configurations/v1/restrictions/ip';
const LOCKOUT = '/identity/resources/configurations/v1/lockout-policy';
const MIGRATE = '/identity/resources/migrations/v1/local/bulk';
const MIGRATION_STATUS = '/identity/resources/migrations/v1/local/bulk/status';
// bcrypt (cost 4) of "old bcrypt password" (the vector of test/rest/migrations.test.ts).
const BCRYPT_PASSWORD = 'old bcrypt password';
const BCRYPT_2B = '$2b$04$ccJb/YpeE/9tgPpELQ.Qu.DdzRkNLIwLKG2hhlkOlTU6R6X5CXFcm';

let fleet: Fleet;
let noRedis: Fleet;
let A: Instance;
let B: Instance;

beforeAll(async () => {
  // Both fleets boot at once (four processes): the boot is most of this file's time.
  const [withRedis, without] = await Promise.allSettled([
    startFleet({
      instances: 2,
      env: {
        GATEHOUSE_RATE_LIMIT_LOGIN_PER_ACCOUNT: `${LOGIN_LIMIT}/15m`,
        // Durable jobs (helper "jobs"): a lease a killed worker loses quickly, and a short poll.
        GATEHOUSE_JOB_LEASE_SECONDS: '2',
        GATEHOUSE_JOB_POLL_SECONDS: '1',
      },
    }),
    startFleet({ instances: 2, redis: false, env: { GATEHOUSE_CACHE_REFRESH_SECONDS: String(REFRESH_SECONDS) } }),
  ]);
  if (withRedis.status === 'fulfilled') fleet = withRedis.value;
  if (without.status === 'fulfilled') noRedis = without.value;
  if (withRedis.status === 'rejected') throw withRedis.reason;
  if (without.status === 'rejected') throw without.reason;
  [A, B] = fleet.instances as [Instance, Instance];
});

afterAll(async () => {
  await Promise.all([fleet?.close(), noRedis?.close()]);
});

// What the processes said, when a test fails: the cause is usually in their logs, not in ours.
beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    console.error(`fleet with Redis:\n${fleet?.tail()}\n\nfleet without Redis:\n${noRedis?.tail()}`);
  });
});

let ipCounter = 0;
/** A client address of its own per caller, so the per-IP budgets of one test never touch another's. */
const clientIp = () => {
  ipCounter++;
  return `198.18.${ipCounter >> 8}.${ipCounter & 255}`;
};
const from = (ip: string) => ({ 'x-forwarded-for': ip });

/** Signs up a company and its founder on `on`; answers the founder's credentials and token. */
async function signUp(on: Instance, ip = clientIp()) {
  const email = uniqueEmail('fleet');
  const password = 'a long enough passphrase';
  const r = await on.rest('POST', SIGNUP, { body: { email, password, companyName: 'Fleet', provider: 'local' }, headers: from(ip) });
  if (r.status !== 201) throw new Error(`sign-up on ${on.name} failed: ${r.status} ${JSON.stringify(r.body)}\n${on.output().slice(-4000)}`);
  return { email, password, userId: r.body.userId as string, tenantId: r.body.tenantId as string, accessToken: r.body.authResponse.accessToken as string };
}

const login = (on: Instance, body: { email: string; password: string }, ip: string) => on.rest('POST', LOGIN, { body, headers: from(ip) });
const jwks = async (on: Instance) => (await on.rest('GET', '/.well-known/jwks.json')).body as { keys: Array<{ kid: string }> };
const kids = async (on: Instance) => (await jwks(on)).keys.map((k) => k.kid).sort();
const kidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid as string;
/** A vendor-only read on `on` (the users of a tenant). */
const vendorRead = (on: Instance, token: string, tenantId: string) => on.rest('GET', `${USERS}?_limit=1`, { token, headers: { 'frontegg-tenant-id': tenantId } });
const userCount = async (on: Instance, vendor: string, tenantId: string) => {
  const r = await vendorRead(on, vendor, tenantId);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body._metadata.totalItems as number;
};

/** Every email of the tenant through the users listing (pages of 200). */
async function tenantEmails(on: Instance, vendor: string, tenantId: string): Promise<string[]> {
  const emails: string[] = [];
  for (let page = 0; ; page++) {
    const r = await on.rest('GET', `${USERS}?_limit=200&_offset=${page}`, { token: vendor, headers: { 'frontegg-tenant-id': tenantId } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    emails.push(...r.body.items.map((u: { email: string }) => u.email));
    if (page + 1 >= r.body._metadata.totalPages) return emails;
  }
}

async function migrationStatus(on: Instance, vendor: string, id: string) {
  const r = await on.rest('GET', `${MIGRATION_STATUS}/${id}`, { token: vendor });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { status: string; total: number; processed: number; succeeded: Array<{ email: string }>; failed: Array<{ email: string; errorCode: string }> };
}

const finished = (s: { status: string }) => s.status === 'COMPLETED' || s.status === 'FAILED';

describe('cold start', () => {
  it('two instances started together on an empty database publish one JWKS and accept each other’s tokens', async () => {
    const [ka, kb] = await Promise.all([kids(A), kids(B)]);
    expect(ka.length).toBeGreaterThan(0);
    expect(kb).toEqual(ka);

    const onA = await signUp(A);
    const onB = await signUp(B);
    expect((await B.rest('GET', ME, { token: onA.accessToken })).status).toBe(200);
    expect((await A.rest('GET', ME, { token: onB.accessToken })).status).toBe(200);
    expect((await B.rest('GET', ME, { token: onA.accessToken })).body.email).toBe(onA.email);

    const [vendorA, vendorB] = await Promise.all([A.vendorToken(), B.vendorToken()]);
    expect((await vendorRead(B, vendorA, onA.tenantId)).status).toBe(200);
    expect((await vendorRead(A, vendorB, onB.tenantId)).status).toBe(200);
    // Not accepting anything: a token's signature is checked.
    // (the signature's first character carries 6 whole bits of its first byte: changing it always changes the signature)
    const [h, p, sig] = onA.accessToken.split('.') as [string, string, string];
    const forged = `${h}.${p}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    expect((await B.rest('GET', ME, { token: forged })).status).toBe(401);
  });
});

describe('counters shared across instances', () => {
  it('locks an account after the lockout policy’s number of failures counted over both instances', async () => {
    const ip = clientIp();
    const u = await signUp(A, ip);
    const policy = await A.rest('POST', LOCKOUT, { token: u.accessToken, body: { enabled: true, maxAttempts: 3 } });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const wrong = { email: u.email, password: 'not the password at all' };
    expect((await login(A, wrong, ip)).status).toBe(401);
    expect((await login(B, wrong, ip)).status).toBe(401);
    await login(A, wrong, ip);
    // Three in total, none of the instances saw three: the right password is refused on both.
    const onB = await login(B, u, ip);
    expect(onB.status).toBe(403);
    expect(onB.body.errorCode).toBe('user_locked');
    expect((await login(A, u, ip)).body.errorCode).toBe('user_locked');
  });

  it(`answers 429 at the ${LOGIN_LIMIT + 1}th login attempt for one account, attempts alternating between instances`, async () => {
    const ip = clientIp();
    const u = await signUp(B, ip);
    const wrong = { email: u.email, password: 'not the password at all' };
    for (let i = 0; i < LOGIN_LIMIT; i++) {
      const r = await login(i % 2 ? B : A, wrong, ip);
      expect(r.status, `attempt ${i + 1}: ${JSON.stringify(r.body)}`).toBe(401);
    }
    // Each instance saw only half of them; the shared count refuses the next on either.
    const over = await login(A, wrong, ip);
    expect(over.status, JSON.stringify(over.body)).toBe(429);
    expect((await login(B, u, ip)).status).toBe(429);
  });
});

/** Sets an active ALLOW list (203.0.113.0/24 only) for the founder's tenant through `writer`. */
async function allowOnly(writer: Instance, token: string, ip: string) {
  const entry = await writer.rest('POST', IP, { token, body: { ip: '203.0.113.0/24', strategy: 'ALLOW' }, headers: from(ip) });
  expect(entry.status, JSON.stringify(entry.body)).toBe(201);
  const config = await writer.rest('POST', `${IP}/config`, { token, body: { strategy: 'ALLOW', isActive: true }, headers: from(ip) });
  expect(config.status, JSON.stringify(config.body)).toBe(201);
}

/** The IP restriction written on `writer` refuses logins on `reader` within `boundMs`. */
async function ipRestrictionCrossesOver(writer: Instance, reader: Instance, boundMs: number) {
  const outside = clientIp();
  const u = await signUp(writer, outside);
  // The reader has loaded (and cached) the tenant's rules: nothing restricted yet.
  expect((await login(reader, u, outside)).status).toBe(200);
  await allowOnly(writer, u.accessToken, outside);
  expect((await login(writer, u, outside)).status).toBe(403);
  const refused = await waitFor(
    async () => {
      const r = await login(reader, u, outside);
      return r.status === 403 ? r : undefined;
    },
    { timeoutMs: boundMs, what: `${reader.name} to refuse a login the IP restriction written on ${writer.name} excludes` },
  );
  expect(refused.body.errorCode).toBe('auth_ip_restricted');
  expect((await login(reader, u, '203.0.113.9')).status).toBe(200);
}

describe('per-process caches follow changes made on another instance', () => {
  it(`enforces an IP restriction written on A on B within ${PUSH_BOUND_MS} ms (Redis)`, async () => {
    await ipRestrictionCrossesOver(A, B, PUSH_BOUND_MS);
  });

  it('picks up a key rotation on A: B publishes the new key and accepts its tokens; a retired key stops verifying on B', async () => {
    const ip = clientIp();
    const u = await signUp(A, ip);
    const oldKid = kidOf(u.accessToken);
    const before = await kids(B);
    expect(before).toContain(oldKid);

    const vendor = await A.vendorToken();
    const rotated = await A.gql('mutation { rotateSigningKey { __typename } }', {}, { token: vendor });
    expect(rotated.errors, JSON.stringify(rotated.errors)).toBeUndefined();
    const listed = await A.gql('{ signingKeys { kid status current } }', {}, { token: vendor });
    expect(listed.errors, JSON.stringify(listed.errors)).toBeUndefined();
    const current = (listed.data.signingKeys as Array<{ kid: string; status: string; current: boolean }>).find((k) => k.current)!;
    expect(current.kid).not.toBe(oldKid);
    expect(current.status).toBe('ACTIVE');

    await waitFor(async () => (await kids(B)).includes(current.kid), { timeoutMs: PUSH_BOUND_MS, what: 'B to publish the rotated key' });
    expect(await kids(B)).toContain(oldKid);
    // A signs with the new key; B accepts it, and still the tokens of the old one.
    const fresh = await login(A, u, ip);
    expect(fresh.status).toBe(200);
    expect(kidOf(fresh.body.accessToken)).toBe(current.kid);
    expect((await B.rest('GET', ME, { token: fresh.body.accessToken })).status).toBe(200);
    expect((await B.rest('GET', ME, { token: u.accessToken })).status).toBe(200);
    const newVendor = await A.vendorToken();
    expect(kidOf(newVendor)).toBe(current.kid);
    expect((await vendorRead(B, newVendor, u.tenantId)).status).toBe(200);

    const retired = await A.gql('mutation ($kid: ID!) { retireSigningKey(kid: $kid) { __typename } }', { kid: oldKid }, { token: newVendor });
    expect(retired.errors, JSON.stringify(retired.errors)).toBeUndefined();
    await waitFor(async () => (await B.rest('GET', ME, { token: u.accessToken })).status === 401, {
      timeoutMs: PUSH_BOUND_MS,
      what: 'B to reject a token of the retired key',
    });
    expect(await kids(B)).not.toContain(oldKid);
    expect((await A.rest('GET', ME, { token: u.accessToken })).status).toBe(401);
    expect((await B.rest('GET', ME, { token: fresh.body.accessToken })).status).toBe(200);
  });
});

describe('background jobs', () => {
  it('a bulk migration killed with SIGKILL mid-job is finished after restart: COMPLETED, every user once', async () => {
    const founder = await signUp(B);
    const vendor = await B.vendorToken();
    const N = 500;
    const emails = Array.from({ length: N }, (_, i) => uniqueEmail(`kill-${i}`));
    const users = emails.map((email) => ({ tenantId: founder.tenantId, email, passwordHash: BCRYPT_2B, passwordHashType: 'bcrypt' }));
    const r = await A.rest('POST', MIGRATE, { token: vendor, body: { users } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const id = r.body.migrationId as string;

    // Killed mid-job: some users done, not all.
    const midway = await waitFor(
      async () => {
        const s = await migrationStatus(B, vendor, id);
        return s.processed >= 10 || finished(s) ? s : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: 'the migration to start' },
    );
    expect(midway.status).toBe('IN_PROGRESS');
    // Any instance may have claimed the job: both are killed, so its worker certainly is.
    expect(await Promise.all([A.kill('SIGKILL'), B.kill('SIGKILL')])).toEqual([null, null]);
    // Both come back (as a container runtime restarts them); either may take the job over.
    await Promise.all([fleet.restart(0), fleet.restart(1)]);
    const atRestart = await migrationStatus(B, vendor, id);
    expect(atRestart.processed).toBeLessThan(N);
    const done = await waitFor(
      async () => {
        const s = await migrationStatus(B, vendor, id);
        return finished(s) ? s : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 200, what: 'the interrupted migration to be finished' },
    );
    expect(done).toMatchObject({ status: 'COMPLETED', total: N, processed: N, failed: [] });
    expect(new Set(done.succeeded.map((s) => s.email))).toEqual(new Set(emails));
    expect(done.succeeded).toHaveLength(N);

    const listed = await tenantEmails(A, vendor, founder.tenantId);
    expect(listed).toHaveLength(N + 1);
    expect(new Set(listed)).toEqual(new Set([founder.email, ...emails]));
    // The users imported after the kill have their passwords too.
    expect((await login(B, { email: emails[N - 1]!, password: BCRYPT_PASSWORD }, clientIp())).status).toBe(200);
  }, 120_000);

  it('/health answers on both instances while a 2,000-user job runs (4 × 500 bulk migrations)', async () => {
    const founder = await signUp(A);
    const vendor = await A.vendorToken();
    const batches = Array.from({ length: 4 }, (_, b) =>
      Array.from({ length: 500 }, (_, i) => ({ tenantId: founder.tenantId, email: uniqueEmail(`load-${b}-${i}`) })),
    );
    const ids: string[] = [];
    const healthFailures: string[] = [];
    let healthChecks = 0;
    let running = true;

    // Health is polled throughout, on both instances, each answer awaited up to 5 s.
    const poll = (async () => {
      while (running) {
        for (const inst of [A, B]) {
          healthChecks++;
          const res = await fetch(`${inst.url}/health`, { signal: AbortSignal.timeout(5_000) }).then(
            (x) => `${x.status}`,
            (e: Error) => e.name,
          );
          if (res !== '200') healthFailures.push(`${inst.name}: ${res} after ${ids.length} job(s) started`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const statuses = () => Promise.all(ids.map((id) => migrationStatus(B, vendor, id)));
    try {
      for (const users of batches) {
        for (;;) {
          const r = await A.rest('POST', MIGRATE, { token: vendor, body: { users }, timeoutMs: 10_000 });
          if (r.status === 202) {
            ids.push(r.body.migrationId);
            break;
          }
          // A second job while one runs may be refused, with a clear answer; then it is sent again once the others finish.
          expect([409, 429, 503], `${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
          expect(typeof r.body.errorCode).toBe('string');
          await waitFor(async () => (await statuses()).every(finished), { timeoutMs: 60_000, intervalMs: 200, what: 'the running jobs to finish' });
        }
      }
      const done = await waitFor(
        async () => {
          const all = await statuses();
          return all.every(finished) ? all : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 250, what: 'the 2,000-user job to finish' },
      );
      for (const s of done) expect(s).toMatchObject({ status: 'COMPLETED', total: 500, processed: 500, failed: [] });
    } finally {
      running = false;
      await poll;
    }
    expect(healthFailures).toEqual([]);
    expect(healthChecks).toBeGreaterThan(4);
    expect(await userCount(B, vendor, founder.tenantId)).toBe(2001);
  }, 150_000);
});

describe('operations', () => {
  it('/health/ready reports database, Redis and migrations on every instance', async () => {
    for (const inst of [A, B]) {
      const r = await inst.rest('GET', '/health/ready');
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.checks).toMatchObject({ database: 'up', redis: 'up', migrations: 'up' });
    }
  });

  it('/metrics answers Prometheus text with HTTP request counters', async () => {
    await A.rest('GET', '/health');
    const r = await A.rest('GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/^# TYPE \w*http_requests?\w* counter$/m);
    expect(r.body).toMatch(/^\w*http_requests?\w*\{[^}]*\} \d+/m);
  });
});

describe('without Redis (instances share only PostgreSQL)', () => {
  it(`enforces an IP restriction written on A on B within the refresh bound (${REFRESH_SECONDS} s + margin)`, async () => {
    const [a, b] = noRedis.instances as [Instance, Instance];
    await ipRestrictionCrossesOver(a, b, REFRESH_BOUND_MS);
  });

  it('/health/ready says Redis is not configured', async () => {
    const r = await noRedis.instances[1]!.rest('GET', '/health/ready');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.checks).toMatchObject({ database: 'up', redis: 'not_configured', migrations: 'up' });
  });
});
