// The committed OpenAPI document must match the route table (schema/openapi.json, written by
// `npm run openapi:print`), and every identity route must be a Frontegg path: an endpoint of the
// identity spec (test/contract/frontegg-identity.json, a copy of shared/spec) or one of the
// paths Frontegg's browser client calls beyond it (CLIENT_ONLY_PATHS below).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApi, canonicalPath } from '../../src/rest/openapi.ts';
import { routes } from '../../src/rest/routes/index.ts';

interface SpecEndpoint {
  method: string;
  path: string;
}

const read = (p: string) => fs.readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const spec = JSON.parse(read('test/contract/frontegg-identity.json')) as { base: string; endpoints: SpecEndpoint[] };

/** A path with parameter names (and any trailing slash) ignored: /users/v1/{id} → /users/v1/{}. */
const normalise = (path: string) => path.replace(/\{[^}]*\}/g, '{}').replace(/(?<=.)\/+$/, '');
const key = (method: string, path: string) => `${method.toUpperCase()} ${normalise(path)}`;

/**
 * Identity paths that @frontegg/rest-api 7.119.0 calls but the identity spec does not list
 * (shared/spec/frontegg-client-conventions.md, "Paths the client calls beyond the Identity
 * spec"; relative to /identity, as written there).
 */
const CLIENT_ONLY_PATHS = [
  'DELETE /resources/applications/v1/user-apps',
  'DELETE /resources/sub-tenants/users/v1',
  'DELETE /resources/sub-tenants/users/v1/{userId}/roles',
  'DELETE /resources/users/webauthn/v1/devices/{deviceId}',
  'GET /resources/applications/v1/apps-users',
  'GET /resources/applications/v1/users-apps',
  'GET /resources/configurations/v1/auth/strategies',
  'GET /resources/configurations/v1/auth/strategies/public',
  'GET /resources/configurations/v1/captcha-policy/public',
  'GET /resources/configurations/v1/lockout-policy/vendor',
  'GET /resources/configurations/v1/mfa-policy/vendor',
  'GET /resources/configurations/v1/password-history-policy/vendor',
  'GET /resources/configurations/v1/password-recovery/strategies',
  'GET /resources/configurations/v1/public',
  'GET /resources/configurations/v1/sign-up/strategies',
  'GET /resources/sso/v1',
  'GET /resources/sso/v2',
  'GET /resources/sso/v2/authenticated',
  'GET /resources/sub-tenants/users/v1',
  'GET /resources/users/sessions/v1/me/current',
  'GET /resources/users/v1/mfa/devices',
  'GET /resources/users/v2',
  'GET /resources/users/v3/me/tenants',
  'GET /resources/users/webauthn/v1/devices',
  'PATCH /resources/sub-tenants/users/v1/{userId}/roles',
  'POST /resources/applications/v1/apps-user',
  'POST /resources/auth/v1/user/oidc/postlogin',
  'POST /resources/auth/v1/user/saml/postlogin',
  'POST /resources/auth/v1/user/saml/prelogin',
  'POST /resources/auth/v1/user/sso/{provider}/postlogin',
  'POST /resources/auth/v1/user/step-up/generate',
  'POST /resources/auth/v1/webauthn/postlogin',
  'POST /resources/auth/v1/webauthn/prelogin',
  'POST /resources/auth/v2/user/oidc/postlogin',
  'POST /resources/auth/v2/user/sso/prelogin',
  'POST /resources/configurations/v1/restrictions/ip/bulk',
  'POST /resources/impersonation/v1',
  'POST /resources/sub-tenants/users/v1',
  'POST /resources/sub-tenants/users/v1/{userId}/roles',
  'POST /resources/sub-tenants/users/v2/',
  'POST /resources/tenants/users/v1/count',
  'POST /resources/users/sessions/v1/revoke',
  'POST /resources/users/v1/mfa/webauthn/enroll',
  'POST /resources/users/v1/mfa/webauthn/enroll/verify',
  'POST /resources/users/v1/mfa/webauthn/{deviceId}/disable',
  'POST /resources/users/v1/mfa/webauthn/{deviceId}/disable/verify',
  'POST /resources/users/v1/passwords/breached/reset/bulk',
  'POST /resources/users/v1/passwords/reset/validate',
  'POST /resources/users/v1/phone',
  'POST /resources/users/v1/phone/reset',
  'POST /resources/users/v1/phone/reset/verify',
  'POST /resources/users/v1/phone/verify',
  'POST /resources/users/v1/signUp/phoneNumber',
  'POST /resources/users/v3/me/token',
  'POST /resources/users/webauthn/v1/devices',
  'POST /resources/users/webauthn/v1/devices/verify',
  'PUT /resources/users/v1/phone/change',
] as const;

/**
 * Identity paths that Frontegg's Node backend SDK (@frontegg/client 5.3.2) calls but the spec does
 * not list (read from its dist/: the access-token services; see test/sdk/frontegg-client.test.ts).
 */
const BACKEND_SDK_ONLY_PATHS = ['GET /resources/vendor-only/tenants/access-tokens/v1/active'] as const;

const specKeys = new Set(spec.endpoints.map((e) => key(e.method, e.path)));
const ALLOWED_PATHS = [...CLIENT_ONLY_PATHS, ...BACKEND_SDK_ONLY_PATHS];
const clientOnlyKeys = new Set(
  ALLOWED_PATHS.map((entry) => {
    const [method, path] = entry.split(' ') as [string, string];
    return key(method, path);
  }),
);

describe('schema/openapi.json', () => {
  it('matches buildOpenApi(routes) (run `npm run openapi:print`)', () => {
    const expected = `${JSON.stringify(buildOpenApi(routes), null, 2)}\n`;
    expect(read('schema/openapi.json'), 'schema/openapi.json is stale: run `npm run openapi:print`').toBe(expected);
  });

  it('is deterministic and independent of the order of the route table', () => {
    expect(JSON.stringify(buildOpenApi([...routes].reverse()))).toBe(JSON.stringify(buildOpenApi(routes)));
  });

  it('documents every route once, under its canonical prefix, with its path parameters', () => {
    const doc = buildOpenApi(routes);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${canonicalPath(r)}`).sort());
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(item)) {
        expect(op.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? [], `${op.operationId}`).toEqual(names);
      }
    }
    expect(doc.info.description).toContain('/frontegg/identity/...');
  });

  it("declares path parameters in `params` under the path's own names", () => {
    for (const route of routes) {
      if (!route.params) continue;
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const json = z.toJSONSchema(route.params, { io: 'input', unrepresentable: 'any' }) as { properties?: object };
      const declared = Object.keys(json.properties ?? {});
      expect(declared.filter((n) => !names.includes(n)), `${route.method} ${route.path}: params names not in the path`).toEqual([]);
    }
  });
});

describe('identity routes are Frontegg paths', () => {
  it('the spec copy and the allowlist are sane', () => {
    expect(spec.base).toBe('/identity');
    expect(spec.endpoints).toHaveLength(305);
    expect(specKeys.size).toBe(305);
    expect(clientOnlyKeys.size).toBe(ALLOWED_PATHS.length);
    // The allowlist is for paths the spec does not list; anything in both belongs to the spec.
    expect(ALLOWED_PATHS.filter((entry) => specKeys.has(key(...(entry.split(' ') as [string, string]))))).toEqual([]);
  });

  it('every identity route matches a spec endpoint (parameter names ignored) or a client-only path', () => {
    const unknown = routes
      .filter((r) => r.service === 'identity')
      .map((r) => `${r.method} ${r.path}`)
      .filter((entry) => {
        const k = key(...(entry.split(' ') as [string, string]));
        return !specKeys.has(k) && !clientOnlyKeys.has(k);
      });
    expect(unknown, 'identity routes that are neither in the Frontegg spec nor client-only paths').toEqual([]);
  });
});
