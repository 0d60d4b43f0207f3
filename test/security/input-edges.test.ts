// Every input gets a 4xx, never a 500 (issue 8): one test per observation. Each of these answered
// 500 / internal_error (or ran the wrong handler, or accepted a null body) before the edge checks
// in rest/execute.ts, rest/router.ts, graphql/input-guard.ts, graphql/client-errors.ts and
// services/database-errors.ts.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../src/rest/define-route.ts';
import { SERVICE_PREFIXES } from '../../src/rest/define-route.ts';
import { buildOpenApi } from '../../src/rest/openapi.ts';
import { Router } from '../../src/rest/router.ts';
import { routes } from '../../src/rest/routes/index.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

const doc = (source: string) => parse(source) as TypedDocumentNode<any, any>;
const NUL = '\u0000';
const TOO_BIG = 2 ** 31;

let t: TestGatehouse;
let vendor: string;
let founder: Awaited<ReturnType<typeof signUp>>;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
  founder = await signUp(t);
});
afterAll(() => t?.close());

const expect400 = (r: { status: number; body: any }) => {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body.errorCode).toBe('validation_failed');
};
const gqlCode = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;

describe('a NUL byte is refused at the edge with 400', () => {
  it('REST body: login email, sign-up names', async () => {
    expect400(await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email: `a${NUL}b@example.com`, password: 'x' } }));
    expect400(
      await t.rest('POST', '/identity/resources/users/v1/signUp', {
        body: { email: uniqueEmail(), password: 'a long enough passphrase', companyName: `Acme${NUL}`, provider: 'local' },
      }),
    );
    expect400(await t.rest('POST', '/identity/resources/roles/v1', { token: founder.accessToken, body: [{ key: `k${NUL}`, name: 'n', description: `d${NUL}` }] }));
  });

  it('REST body: an object key, and a nested value', async () => {
    const r = await t.rest('PUT', '/identity/resources/users/v1', {
      token: vendor,
      headers: { 'frontegg-user-id': founder.userId, 'frontegg-tenant-id': founder.tenantId },
      body: { name: 'ok', metadata: { [`k${NUL}`]: 'v' } },
    });
    expect400(r);
  });

  it('REST query and path parameters', async () => {
    expect400(await t.rest('GET', `/identity/resources/users/v1/email?email=${encodeURIComponent(`a${NUL}@example.com`)}`, { token: vendor }));
    expect400(await t.rest('GET', `/identity/resources/users/v1/${encodeURIComponent(`id${NUL}`)}`, { token: vendor }));
  });

  it('GraphQL variables and string literals, on /graphql', async () => {
    const login = doc('mutation($input: LoginInput!) { login(input: $input) { __typename } }');
    const byVariable = await t.gql(login, { input: { email: `a${NUL}b@example.com`, password: 'x' } });
    expect(byVariable.status).toBe(400);
    expect(gqlCode(byVariable)).toBe('validation_failed');
    const byLiteral = await t.gql(doc('mutation { login(input: { email: "a\\u0000b@example.com", password: "x" }) { __typename } }'));
    expect(byLiteral.status).toBe(400);
    expect(gqlCode(byLiteral)).toBe('validation_failed');
  });
});

describe('integers beyond GraphQL’s 32-bit Int answer 400, before authentication too', () => {
  it('GET /roles/v2?_limit=2^31 unauthenticated and authenticated', async () => {
    expect400(await t.rest('GET', `/identity/resources/roles/v2?_limit=${TOO_BIG}`));
    expect400(await t.rest('GET', `/identity/resources/roles/v2?_limit=${TOO_BIG}`, { token: founder.accessToken }));
    expect400(await t.rest('GET', `/identity/resources/roles/v2?_levels=1,${TOO_BIG}`, { token: founder.accessToken }));
  });

  it('expiresInMinutes, codeExpiration, level, maxUses in bodies', async () => {
    expect400(await t.rest('POST', '/identity/resources/tenants/api-tokens/v1', { token: founder.accessToken, body: { description: 'x', expiresInMinutes: TOO_BIG } }));
    expect400(await t.rest('POST', '/identity/resources/configurations/v1/invitation/strategies', { token: vendor, body: { codeExpiration: TOO_BIG } }));
    expect400(await t.rest('POST', '/identity/resources/roles/v1', { token: founder.accessToken, body: [{ key: 'big', name: 'Big', level: TOO_BIG }] }));
    expect400(await t.rest('POST', '/identity/resources/tenants/invites/v1', { token: founder.accessToken, body: { maxUses: TOO_BIG } }));
    expect400(await t.rest('POST', '/identity/resources/tenants/invites/v1', { body: { expiresInMinutes: -TOO_BIG - 1 } }));
  });

  it('a variable a route computes beyond 32 bits (page × size) is a 400, not a 500', async () => {
    expect400(await t.rest('GET', `/tenants/resources/hierarchy/v2?_limit=${2 ** 31 - 1}&_offset=2`, { token: vendor }));
  });

  it('GraphQL: a variable beyond Int is validation_failed, not internal_error', async () => {
    const r = await t.gql(doc('query($n: Int) { tenants(first: $n) { edges { node { id } } } }'), { n: TOO_BIG }, { token: vendor });
    expect(r.status).toBe(400);
    expect(gqlCode(r)).toBe('validation_failed');
  });

  it('the OpenAPI document bounds every integer to int32', () => {
    const bad: string[] = [];
    const walk = (v: unknown, at: string) => {
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${at}/${i}`));
      if (!v || typeof v !== 'object') return;
      const s = v as Record<string, unknown>;
      if (s.type === 'integer' && !((s.minimum as number) >= -(2 ** 31) && (s.maximum as number) <= 2 ** 31 - 1)) bad.push(at);
      for (const [k, x] of Object.entries(s)) walk(x, `${at}/${k}`);
    };
    walk(buildOpenApi(routes), '');
    expect(bad).toEqual([]);
  });
});

describe('GraphQL client errors are typed, never internal_error', () => {
  it('a foreign key to a missing tenant is tenant_not_found', async () => {
    const r = await t.gql(
      doc('mutation { setIpRestrictionConfig(tenantId: "no-such-tenant", input: { isActive: true }) { __typename ... on Error { code } } }'),
      undefined,
      { token: vendor },
    );
    // A mutation answers it as the typed member of its result union, like any domain failure.
    expect(r.errors, JSON.stringify(r)).toBeUndefined();
    expect(r.data.setIpRestrictionConfig).toEqual({ __typename: 'NotFoundError', code: 'tenant_not_found' });
  });

  it('an empty tenant id is validation_failed (literal and variable)', async () => {
    const literal = await t.gql(doc('mutation { upsertMfaPolicy(tenantId: "", input: { allowRememberMyDevice: true }) { __typename } }'), undefined, { token: vendor });
    expect(gqlCode(literal), JSON.stringify(literal)).toBe('validation_failed');
    const variable = await t.gql(
      doc('mutation($t: ID) { upsertMfaPolicy(tenantId: $t, input: { allowRememberMyDevice: true }) { __typename } }'),
      { t: '' },
      { token: vendor },
    );
    expect(gqlCode(variable), JSON.stringify(variable)).toBe('validation_failed');
  });

  it('conflicting paging arguments and malformed cursors are validation_failed', async () => {
    for (const source of [
      '{ tenants(first: 2, before: "abc") { edges { node { id } } } }',
      '{ tenants(first: 2, after: "%%%not-a-cursor") { edges { node { id } } } }',
      '{ users(first: 2, after: "zzz") { edges { node { id } } } }',
    ]) {
      const r = await t.gql(doc(source), undefined, { token: vendor });
      expect(gqlCode(r), `${source}: ${JSON.stringify(r)}`).toBe('validation_failed');
    }
  });
});

describe('a JSON null body is refused where an object is required', () => {
  const acceptsNull = (r: RouteDefinition) => !r.body || r.body.safeParse(null).success;
  const withBody = routes.filter((r) => r.method !== 'GET' && !acceptsNull(r));

  it('every route with a required body answers 400 to `null`', async () => {
    const accepted: string[] = [];
    for (const route of withBody) {
      const path = `${SERVICE_PREFIXES[route.service][0]}${route.path.replace(/\{\w+\}/g, 'x')}`;
      const r = await t.rest(route.method, path, { token: vendor, rawBody: 'null', headers: { 'frontegg-tenant-id': founder.tenantId } });
      if (r.status !== 400 || r.body?.errorCode !== 'validation_failed') accepted.push(`${route.method} ${path} → ${r.status} ${r.body?.errorCode ?? ''}`);
    }
    expect(accepted).toEqual([]);
  });
});

describe('an undefined method answers 405 with Allow, never a parameterised neighbour', () => {
  it('DELETE …/restrictions/ip/bulk is not DELETE …/ip/{id}', async () => {
    const r = await t.rest('DELETE', '/identity/resources/configurations/v1/restrictions/ip/bulk', { token: founder.accessToken });
    expect(r.status).toBe(405);
    expect(r.body.errorCode).toBe('route_method_not_allowed');
    expect(r.headers.get('allow')).toBe('POST');
  });

  it('the router: a literal path with other methods never falls back to a parameter', () => {
    const router = new Router(routes);
    for (const route of routes) {
      if (route.path.includes('{')) continue;
      const path = `${SERVICE_PREFIXES[route.service][0]}${route.path}`;
      const defined = new Set(routes.filter((r) => r.service === route.service && r.path === route.path).map((r) => r.method));
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !defined.has(m as never))) {
        const m = router.match(method, path);
        expect(m.kind, `${method} ${path} → ${m.kind === 'route' ? m.route.path : m.kind}`).toBe('method_not_allowed');
      }
    }
  });
});
