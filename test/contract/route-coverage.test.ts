// Which of the 305 endpoints of Frontegg's identity spec Gatehouse routes, decided by the real
// Router over the real route table (a concrete URL per endpoint, every {param} replaced by a
// sample value). The routed set must be exactly the identity routes that match spec endpoints:
// adding a spec route counts it, and a literal route can never stand in for a parameter one
// (or the reverse). Prints `frontegg routes: N/305`.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../src/rest/define-route.ts';
import { Router } from '../../src/rest/router.ts';
import { routes } from '../../src/rest/routes/index.ts';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

interface SpecEndpoint {
  method: string;
  path: string;
  desc?: string;
}

const spec = JSON.parse(fs.readFileSync(new URL('./frontegg-identity.json', import.meta.url), 'utf8')) as {
  base: string;
  endpoints: SpecEndpoint[];
};

/** A path with parameter names (and any trailing slash) ignored: /users/v1/{id} → /users/v1/{}. */
const normalise = (path: string) => path.replace(/\{[^}]*\}/g, '{}').replace(/(?<=.)\/+$/, '');
const key = (method: string, path: string) => `${method.toUpperCase()} ${normalise(path)}`;
/** A concrete URL path for a spec path: /users/v1/{id} → /users/v1/sample-id. */
const concrete = (path: string) => path.replace(/\{([^}]*)\}/g, (_, name: string) => `sample-${name}`);

const router = new Router(routes);

function routedBy(prefix: string, e: SpecEndpoint) {
  const m = router.match(e.method, `${prefix}${concrete(e.path)}`);
  return m.kind === 'route' && m.route.service === 'identity' && normalise(m.route.path) === normalise(e.path) ? m : null;
}

const specKeys = new Set(spec.endpoints.map((e) => key(e.method, e.path)));
const routed = spec.endpoints.filter((e) => routedBy('/identity', e));
/** Identity routes in the table that are spec endpoints: every one of them must be routed. */
const expected = routes.filter((r) => r.service === 'identity' && specKeys.has(key(r.method, r.path)));

describe('Frontegg identity spec coverage', () => {
  it('routes exactly the spec endpoints the route table declares', () => {
    console.log(`frontegg routes: ${routed.length}/${spec.endpoints.length}`);
    console.log(routed.map((e) => `  ${e.method} ${spec.base}${e.path}`).join('\n'));

    expect(spec.endpoints).toHaveLength(305);
    expect(routed.length).toBeGreaterThanOrEqual(1);
    expect(routed.length).toBe(expected.length);
    expect(routed.map((e) => key(e.method, e.path)).sort(), 'spec endpoints the route table declares but the router does not route').toEqual(
      expected.map((r) => key(r.method, r.path)).sort(),
    );
  });

  it('routes the same under /frontegg/identity as under /identity', () => {
    for (const e of routed) {
      const a = router.match(e.method, `/identity${concrete(e.path)}`);
      const b = router.match(e.method, `/frontegg/identity${concrete(e.path)}`);
      // The same route and params; only the template (the metrics label) names the prefix used.
      const { template: ta, ...ra } = a as Extract<typeof a, { kind: 'route' }>;
      const { template: tb, ...rb } = b as Extract<typeof b, { kind: 'route' }>;
      expect(rb, `${e.method} /frontegg/identity${e.path}`).toEqual(ra);
      expect([ta, tb]).toEqual([`/identity${e.path}`, `/frontegg/identity${e.path}`]);
      expect(b.kind === 'route' && a.kind === 'route' && b.route === a.route).toBe(true);
    }
  });

  it('gives every path parameter of a routed endpoint its sample value', () => {
    for (const e of routed) {
      const m = routedBy('/identity', e)!;
      const samples = [...e.path.matchAll(/\{([^}]*)\}/g)].map((x) => `sample-${x[1]}`);
      expect(Object.values(m.params).sort(), `${e.method} ${e.path}`).toEqual(samples.sort());
    }
  });
});

describe('Router', () => {
  const fake = (method: RouteDefinition['method'], path: string, summary: string): RouteDefinition => ({
    service: 'identity',
    method,
    path,
    summary,
    document: {} as never,
    variables: () => ({}),
    result: () => null,
    response: () => ({}),
    status: 200,
  });
  const email = fake('GET', '/resources/users/v1/email', 'by email');
  const byId = fake('GET', '/resources/users/v1/{id}', 'by id');
  const r = new Router([byId, email]);

  it('literal segments win over parameters', () => {
    for (const prefix of ['/identity', '/frontegg/identity']) {
      expect(r.match('GET', `${prefix}/resources/users/v1/email`)).toEqual({ kind: 'route', route: email, params: {}, template: `${prefix}/resources/users/v1/email` });
      expect(r.match('GET', `${prefix}/resources/users/v1/123`)).toEqual({ kind: 'route', route: byId, params: { id: '123' }, template: `${prefix}/resources/users/v1/{id}` });
    }
  });

  it('names parameters per route, so the same position may be {id} in one route and {userId} in another', () => {
    const roles = fake('PUT', '/resources/users/v1/{userId}/roles', 'roles');
    const del = fake('DELETE', '/resources/users/v1/{userId}', 'delete');
    const r2 = new Router([byId, email, roles, del]);
    expect(r2.match('GET', '/identity/resources/users/v1/u1')).toEqual({ kind: 'route', route: byId, params: { id: 'u1' }, template: '/identity/resources/users/v1/{id}' });
    expect(r2.match('DELETE', '/identity/resources/users/v1/u1')).toEqual({ kind: 'route', route: del, params: { userId: 'u1' }, template: '/identity/resources/users/v1/{userId}' });
    expect(r2.match('PUT', '/identity/resources/users/v1/u1/roles')).toEqual({ kind: 'route', route: roles, params: { userId: 'u1' }, template: '/identity/resources/users/v1/{userId}/roles' });
    // a literal dead end falls back to the parameter branch
    expect(r2.match('PUT', '/identity/resources/users/v1/email/roles')).toEqual({ kind: 'route', route: roles, params: { userId: 'email' }, template: '/identity/resources/users/v1/{userId}/roles' });
  });

  it('a wrong method on an existing path is method_not_allowed; an unknown path is not_found', () => {
    expect(r.match('POST', '/identity/resources/users/v1/email')).toEqual({ kind: 'method_not_allowed', allow: ['GET'] });
    expect(r.match('DELETE', '/identity/resources/users/v1/123')).toEqual({ kind: 'method_not_allowed', allow: ['GET'] });
    expect(r.match('GET', '/identity/resources/users/v1')).toEqual({ kind: 'not_found' });
    expect(r.match('GET', '/tenants/resources/users/v1/123')).toEqual({ kind: 'not_found' });
  });
});

describe('unknown paths through the app', () => {
  let t: TestGatehouse;
  beforeAll(async () => {
    t = await startGatehouse();
  });
  afterAll(() => t?.close());

  it('answers 404 route_not_found in Frontegg’s error shape', async () => {
    for (const p of ['/identity/resources/nope/v1', '/frontegg/identity/resources/nope/v1']) {
      const res = await t.rest('GET', p);
      expect(res.status, p).toBe(404);
      expect(res.body).toEqual({ errors: [expect.any(String)], errorCode: 'route_not_found' });
    }
  });
});
