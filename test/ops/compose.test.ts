// docker-compose.yml cannot run here (no Docker daemon), so it is kept correct by reading it:
// two Gatehouse instances on one PostgreSQL and one Redis, sharing every setting a fleet must
// share, each with init and a readiness healthcheck, and an environment config.ts accepts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.ts';

const root = path.resolve(import.meta.dirname, '../..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { build?: unknown; image?: string; init?: boolean; environment?: Record<string, string | null>; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] } }>;
};
const instances = Object.entries(compose.services).filter(([, s]) => s.build !== undefined || s.image?.startsWith('gatehouse'));
const SHARED = ['DATABASE_URL', 'REDIS_URL', 'GATEHOUSE_SECRET', 'GATEHOUSE_VENDOR_CLIENT_ID', 'GATEHOUSE_VENDOR_SECRET', 'GATEHOUSE_ISSUER'];

/** Compose's interpolation for the forms the file uses: ${VAR:?message} (required) and ${VAR:-default}. */
function interpolate(value: string, host: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    if (host[name]) return host[name]!;
    if (op === '?') throw new Error(`${name} is required: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

describe('docker-compose.yml', () => {
  it('runs two Gatehouse instances with init and a readiness healthcheck, after PostgreSQL and Redis are healthy', () => {
    expect(instances.map(([name]) => name)).toHaveLength(2);
    expect(compose.services.postgres).toBeDefined();
    expect(compose.services.redis).toBeDefined();
    for (const [name, s] of instances) {
      expect(s.init, name).toBe(true);
      expect(s.healthcheck?.test.join(' '), name).toContain('/health/ready');
      expect(s.depends_on, name).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
  });

  it('gives both instances the same database, Redis, installation secret, vendor credential and issuer', () => {
    const [[, a], [, b]] = instances as [[string, { environment: Record<string, string | null> }], [string, { environment: Record<string, string | null> }]];
    for (const key of SHARED) {
      expect(a.environment[key], key).toEqual(expect.any(String));
      expect(a.environment[key], key).not.toBe('');
      expect(b.environment[key], key).toBe(a.environment[key]);
    }
    expect(a.environment).toEqual(b.environment);
    expect(new URL(a.environment.DATABASE_URL!).hostname).toBe('postgres');
    expect(new URL(a.environment.REDIS_URL!).hostname).toBe('redis');
    // The secret and the vendor credential must be the operator's, never a default in the file.
    for (const key of ['GATEHOUSE_SECRET', 'GATEHOUSE_VENDOR_CLIENT_ID', 'GATEHOUSE_VENDOR_SECRET']) expect(a.environment[key], key).toMatch(new RegExp(`^\\$\\{${key}:\\?`));
  });

  it('has an environment Gatehouse accepts once the required values are given (and refuses to start without them)', () => {
    const host = { GATEHOUSE_SECRET: 's'.repeat(48), GATEHOUSE_VENDOR_CLIENT_ID: 'vendor-client', GATEHOUSE_VENDOR_SECRET: 'v'.repeat(32) };
    const [, s] = instances[0]!;
    const env = Object.fromEntries(
      Object.entries(s.environment ?? {})
        .filter((e): e is [string, string] => e[1] !== null)
        .map(([k, v]) => [k, interpolate(v, host)]),
    );
    const config = loadConfig({ ...env, NODE_ENV: 'production', DATA_DIR: '/data' });
    expect(config.databaseUrl).toBe(env.DATABASE_URL);
    expect(config.vendorCredential).toEqual({ clientId: 'vendor-client', secret: 'v'.repeat(32) });
    expect(config.metrics).toEqual({ enabled: true, token: null });
    expect(() => Object.values(s.environment ?? {}).forEach((v) => v && interpolate(v, {}))).toThrow(/GATEHOUSE_SECRET is required/);
  });
});
