// Cross-origin and browser safety, tried as a hostile web page would: CORS only for the
// configured origins (never an echo), no GraphQL operation from a simple (preflight-free)
// request, no cookie-authenticated write from a foreign Origin, security headers everywhere, and
// production without introspection or GraphiQL unless asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

const EVIL = 'https://evil.example';
const APP = 'https://app.example';
const REFRESH = '/frontegg/identity/resources/auth/v1/user/token/refresh';
const REFRESH_MUTATION = 'mutation { refreshToken { __typename ... on AuthResponse { accessToken refreshToken } } }';

let open: TestGatehouse; // GATEHOUSE_CORS_ORIGINS empty (the default)
let withOrigins: TestGatehouse; // GATEHOUSE_CORS_ORIGINS=https://app.example
beforeAll(async () => {
  [open, withOrigins] = await Promise.all([startGatehouse(), startGatehouse({ GATEHOUSE_CORS_ORIGINS: APP })]);
});
afterAll(async () => {
  await Promise.all([open?.close(), withOrigins?.close()]);
});

const raw = (t: TestGatehouse, method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit } = {}) =>
  t.app.fetch(new Request(`${BASE}${path}`, { method, headers: init.headers, body: init.body }));

const cookieOf = (t: TestGatehouse, token: string) => `${t.cookieName}=${encodeURIComponent(token)}`;

describe('CORS: one policy, from GATEHOUSE_CORS_ORIGINS only', () => {
  it('never echoes a foreign origin on /graphql, REST or a preflight when no origin is configured', async () => {
    const gql = await raw(open, 'POST', '/graphql', {
      headers: { origin: EVIL, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(gql.status).toBe(200);
    expect(gql.headers.get('access-control-allow-origin')).toBeNull();
    expect(gql.headers.get('access-control-allow-credentials')).toBeNull();

    const rest = await raw(open, 'GET', '/.well-known/jwks.json', { headers: { origin: EVIL } });
    expect(rest.headers.get('access-control-allow-origin')).toBeNull();

    for (const path of ['/graphql', REFRESH]) {
      const pre = await raw(open, 'OPTIONS', path, {
        headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('allows exactly the configured origin, with credentials, and nothing else', async () => {
    const ok = await raw(withOrigins, 'POST', '/graphql', {
      headers: { origin: APP, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('vary')).toMatch(/origin/i);

    const pre = await raw(withOrigins, 'OPTIONS', '/graphql', {
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');

    for (const origin of [EVIL, `${APP}.evil.example`, 'null', APP.toUpperCase()]) {
      const r = await raw(withOrigins, 'POST', '/graphql', {
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(r.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });
});

describe('CSRF', () => {
  it('refuses GraphQL operations sent as simple requests (form, multipart, text/plain), without running them', async () => {
    const founder = await signUp(open);
    const cookie = cookieOf(open, founder.refreshToken);
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: REFRESH_MUTATION }));
    form.set('map', '{}');
    const attempts: Array<{ headers: Record<string, string>; body: BodyInit }> = [
      { headers: { cookie }, body: form },
      { headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ query: REFRESH_MUTATION }).toString() },
      { headers: { cookie, 'content-type': 'text/plain' }, body: JSON.stringify({ query: REFRESH_MUTATION }) },
    ];
    for (const a of attempts) {
      const r = await raw(open, 'POST', '/graphql', a);
      expect(r.status, a.headers['content-type'] ?? 'multipart').toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.headers.getSetCookie().join('')).not.toContain(open.cookieName);
    }
    // The refresh token was never used: it still rotates exactly once.
    const still = await open.rest('POST', REFRESH, { cookie: founder.refreshToken, body: { tenantId: null } });
    expect(still.status).toBe(201);
  });

  it('refuses a GET mutation and a GET query with the refresh cookie cannot change anything', async () => {
    const r = await raw(open, 'GET', `/graphql?query=${encodeURIComponent(REFRESH_MUTATION)}`, { headers: { accept: 'application/json' } });
    expect(r.status).toBe(405);
  });

  it('refuses a cookie-authenticated REST write from a foreign Origin, allows the configured and the same origin', async () => {
    const founder = await signUp(withOrigins);
    const evil = await withOrigins.rest('POST', REFRESH, { cookie: founder.refreshToken, body: { tenantId: null }, headers: { origin: EVIL } });
    expect(evil.status).toBe(403);
    expect(evil.body).toEqual({ errors: [expect.any(String)], errorCode: 'request_cross_origin' });
    expect(evil.refreshCookie).toBeUndefined();

    // A foreign page that strips Origin still says where it comes from (Fetch Metadata).
    const crossSite = await withOrigins.rest('POST', REFRESH, { cookie: founder.refreshToken, body: { tenantId: null }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);

    // GraphQL too: a JSON request from a foreign origin carrying the cookie.
    const gql = await raw(withOrigins, 'POST', '/graphql', {
      headers: { origin: EVIL, cookie: cookieOf(withOrigins, founder.refreshToken), 'content-type': 'application/json' },
      body: JSON.stringify({ query: REFRESH_MUTATION }),
    });
    expect(gql.status).toBe(403);

    const configured = await withOrigins.rest('POST', REFRESH, { cookie: founder.refreshToken, body: { tenantId: null }, headers: { origin: APP } });
    expect(configured.status).toBe(201);
    const same = await withOrigins.rest('POST', REFRESH, { cookie: configured.refreshCookie!, body: { tenantId: null }, headers: { origin: BASE } });
    expect(same.status).toBe(201);
    // Server-side callers send no Origin.
    const server = await withOrigins.rest('POST', REFRESH, { cookie: same.refreshCookie!, body: { tenantId: null } });
    expect(server.status).toBe(201);
  });

  it('lets a bearer-authenticated call from a foreign origin through (no ambient credential, CORS decides who reads)', async () => {
    const founder = await signUp(open);
    const r = await open.rest('GET', '/identity/resources/users/v2/me', { token: founder.accessToken, headers: { origin: EVIL } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('security headers', () => {
  it('sends nosniff, a referrer policy and frame protection on every response, no HSTS over http', async () => {
    const responses = await Promise.all([
      raw(open, 'GET', '/health'),
      raw(open, 'GET', '/.well-known/jwks.json'),
      raw(open, 'GET', '/identity/resources/no-such-route'),
      raw(open, 'POST', '/graphql', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) }),
      raw(open, 'OPTIONS', '/graphql', { headers: { origin: EVIL, 'access-control-request-method': 'POST' } }),
    ]);
    for (const r of responses) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('sends HSTS when the issuer is https', async () => {
    const https = await startGatehouse({ GATEHOUSE_ISSUER: 'https://id.example' });
    try {
      const r = await raw(https, 'GET', '/health');
      expect(r.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}; includeSubDomains$/);
    } finally {
      await https.close();
    }
  });

  it('serves GraphiQL with a strict CSP: no inline script but the page’s own (by hash), no eval, no framing', async () => {
    const r = await raw(open, 'GET', '/graphql', { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    const csp = r.headers.get('content-security-policy')!;
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['script-src']).not.toContain("'unsafe-inline'");
    expect(directives['script-src']).not.toContain("'unsafe-eval'");
    // Every inline script of the page is allowed by its hash, and nothing else inline is.
    const html = await r.text();
    const { createHash } = await import('node:crypto');
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
    expect(inline.length).toBeGreaterThan(0);
    for (const h of inline) expect(directives['script-src']).toContain(h);
  });
});

describe('production defaults', () => {
  it('turns introspection and GraphiQL off with NODE_ENV=production, unless enabled', async () => {
    const prod = await startGatehouse({ NODE_ENV: 'production' });
    const enabled = await startGatehouse({ NODE_ENV: 'production', GATEHOUSE_GRAPHIQL: 'true', GATEHOUSE_INTROSPECTION: 'true' });
    try {
      const introspect = (t: TestGatehouse, query: string) =>
        raw(t, 'POST', '/graphql', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then((r) => r.json() as Promise<any>);

      const refused = await introspect(prod, '{ __schema { queryType { name } } }');
      expect(refused.data).toBeUndefined();
      expect(refused.errors[0].message).toMatch(/introspection/i);
      const typeRefused = await introspect(prod, '{ __type(name: "User") { name } }');
      expect(typeRefused.errors[0].message).toMatch(/introspection/i);
      // __typename is not introspection: clients need it.
      expect((await introspect(prod, '{ __typename }')).data).toEqual({ __typename: 'Query' });
      const page = await raw(prod, 'GET', '/graphql', { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type') ?? '').not.toContain('text/html');

      expect((await introspect(enabled, '{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      const page2 = await raw(enabled, 'GET', '/graphql', { headers: { accept: 'text/html' } });
      expect(page2.headers.get('content-type')).toContain('text/html');
    } finally {
      await Promise.all([prod.close(), enabled.close()]);
    }
  });

  it('keeps introspection and GraphiQL on in development and test unless switched off', async () => {
    const off = await startGatehouse({ GATEHOUSE_GRAPHIQL: 'false', GATEHOUSE_INTROSPECTION: 'false' });
    try {
      const r = await raw(off, 'POST', '/graphql', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
      expect(((await r.json()) as any).errors[0].message).toMatch(/introspection/i);
      const ok = await raw(open, 'POST', '/graphql', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
      expect(((await ok.json()) as any).data.__schema.queryType.name).toBe('Query');
    } finally {
      await off.close();
    }
  });
});
