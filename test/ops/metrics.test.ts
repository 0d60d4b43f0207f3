// GET /metrics: Prometheus text from the instance's own registry. Two instances in one process
// count only their own traffic; labels are route templates and bounded names (never raw paths or
// ids); the bearer token, when configured, is required.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, VENDOR, type TestGatehouse } from '../helpers/gatehouse.ts';

let a: TestGatehouse;
let b: TestGatehouse;
beforeAll(async () => {
  [a, b] = await Promise.all([
    startGatehouse({ GATEHOUSE_RATE_LIMIT_SECRETS_PER_CLIENT: '2/1h' }),
    startGatehouse({ GATEHOUSE_METRICS_TOKEN: 'metrics-token-0123456789' }),
  ]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const scrape = async (t: TestGatehouse, token?: string) => {
  const r = await t.app.fetch(new Request('http://gatehouse.test/metrics', { headers: token ? { authorization: `Bearer ${token}` } : {} }));
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
};

/** The value of the sample `name{labels…}` whose labels include all of `labels`; undefined when none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('/metrics', () => {
  it('counts requests by route template, method and status, never by raw path', async () => {
    const u = await signUp(a);
    const me = await a.rest('GET', `/identity/resources/users/v1/${u.userId}`, { token: await a.vendorToken(), headers: { 'frontegg-tenant-id': u.tenantId } });
    expect(me.status).toBe(200);
    expect((await a.rest('GET', '/identity/resources/no-such-route/12345')).status).toBe(404);

    const { status, type, text } = await scrape(a);
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(sample(text, 'gatehouse_http_requests_total', { method: 'POST', route: '/identity/resources/users/v1/signUp', status: '201' })).toBe(1);
    expect(sample(text, 'gatehouse_http_requests_total', { method: 'GET', route: '/identity/resources/users/v1/{id}', status: '200' })).toBe(1);
    expect(sample(text, 'gatehouse_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(sample(text, 'gatehouse_http_request_duration_seconds_count', { route: '/identity/resources/users/v1/{id}' })).toBe(1);
    expect(text).not.toContain(u.userId);
    expect(text).not.toContain('12345');
  });

  it('labels GraphQL by the root field, bounded by the schema; anything else is "graphql"', async () => {
    const post = (query: string, operationName?: string) =>
      a.app.fetch(new Request('http://gatehouse.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, operationName }) }));
    await post('query AnyNameTheClientLikes { me { id } }', 'AnyNameTheClientLikes');
    await post('{ __typename }');
    await post('query { nope }');
    const { text } = await scrape(a);
    expect(sample(text, 'gatehouse_http_requests_total', { route: '/graphql', operation: 'query.me' })).toBe(1);
    // `{ __typename }` selects no schema field; `nope` fails validation, so it never executes.
    expect(sample(text, 'gatehouse_http_requests_total', { route: '/graphql', operation: 'graphql' })).toBe(2);
    expect(text).not.toContain('AnyNameTheClientLikes');
    expect(text).not.toContain('nope');
  });

  it('counts login outcomes with the failure reason, and rate-limit hits by limit name', async () => {
    const u = await signUp(a);
    const login = (password: string) => a.rest('POST', '/identity/resources/auth/v1/user', { body: { email: u.email, password } });
    expect((await login(u.password)).status).toBe(200);
    expect((await login('wrong password here')).status).toBe(401);
    expect((await a.rest('POST', '/identity/resources/auth/v1/user/token/refresh', { cookie: 'not-a-token' })).status).toBe(401);
    // SECRETS_PER_CLIENT is 2/1h on this instance: the third wrong vendor secret is refused by the limit.
    for (let i = 0; i < 3; i++) await a.rest('POST', '/auth/vendor', { body: { clientId: VENDOR.clientId, secret: 'wrong-secret-0123456789' } });

    const { text } = await scrape(a);
    expect(sample(text, 'gatehouse_auth_outcomes_total', { flow: 'login', outcome: 'success' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'gatehouse_auth_outcomes_total', { flow: 'login', outcome: 'failure', reason: 'auth_invalid_credentials' })).toBe(1);
    expect(sample(text, 'gatehouse_auth_outcomes_total', { flow: 'refresh', outcome: 'failure', reason: 'auth_refresh_token_invalid' })).toBe(1);
    expect(sample(text, 'gatehouse_rate_limit_hits_total', { limit: 'SECRETS_PER_CLIENT' })).toBe(1);
    expect(sample(text, 'gatehouse_security_events_total', { event: 'vendor.auth.failure' })).toBe(3);
  });

  it('counts users processed by background jobs, by kind', async () => {
    const admin = await signUp(a);
    const users = [uniqueEmail('job'), uniqueEmail('job'), uniqueEmail('job')].map((email) => ({ email, skipInviteEmail: true }));
    const r = await a.rest('POST', '/identity/resources/users/bulk/v1/invite', { token: admin.accessToken, body: { users } });
    expect(r.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const s = await a.rest('GET', `/identity/resources/users/bulk/v1/status/${r.body.id}`, { token: admin.accessToken });
      if (s.body.status === 'COMPLETED' || s.body.status === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(sample((await scrape(a)).text, 'gatehouse_job_users_processed_total', { kind: 'bulk invite' })).toBe(3);
  });

  it('reports the database pool and the event-loop lag (prom-client default metrics)', async () => {
    const { text } = await scrape(a);
    const kind = process.env.GATEHOUSE_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
    expect(sample(text, 'gatehouse_db_info', { kind })).toBe(1);
    expect(sample(text, 'gatehouse_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'gatehouse_db_pool_connections', { state: 'max' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('keeps each instance’s counts apart (one registry per instance)', async () => {
    const { text } = await scrape(b, 'metrics-token-0123456789');
    // b served only its scrapes: none of a's sign-ups, logins or jobs.
    expect(sample(text, 'gatehouse_http_requests_total', { route: '/identity/resources/users/v1/signUp' })).toBeUndefined();
    expect(sample(text, 'gatehouse_auth_outcomes_total', { flow: 'login' })).toBeUndefined();
    expect(sample(text, 'gatehouse_job_users_processed_total')).toBeUndefined();
  });

  it('requires the bearer token when GATEHOUSE_METRICS_TOKEN is set', async () => {
    const none = await scrape(b);
    expect(none.status).toBe(401);
    expect(none.text).not.toContain('gatehouse_');
    expect((await scrape(b, 'metrics-token-wrong-0000000')).status).toBe(401);
    expect((await scrape(b, 'metrics-token-0123456789')).status).toBe(200);
  });

  it('is not served with GATEHOUSE_METRICS=off', async () => {
    const off = await startGatehouse({ GATEHOUSE_METRICS: 'off' });
    try {
      expect((await scrape(off)).status).toBe(404);
      // and the services still run with the no-op recorder
      expect((await off.rest('POST', '/auth/vendor', { body: VENDOR })).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});
