// A rotation on one instance reaches the OpenID provider of another sharing the database: the
// other instance's signing-keys reload (what the 'signing-keys' change-feed notification, or the
// refresh bound, runs) swaps its key set, and its provider signs with the new key from its next
// request on. PostgreSQL only: PGlite cannot be shared by two instances.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

const RESOURCE = 'https://api.example.test/fleet';

async function serve(env: Record<string, string>, databaseUrl?: string) {
  let handler: (req: never, res: never) => void = () => {};
  const server = createServer((req, res) => handler(req as never, res as never));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await startGatehouse({ ...env, GATEHOUSE_ISSUER: base }, databaseUrl ? { databaseUrl } : {});
  handler = t.nodeHandler as never;
  return { t, server, base };
}

describe('signing-key rotation across instances', () => {
  let a: { t: TestGatehouse; server: Server; base: string };
  let b: { t: TestGatehouse; server: Server; base: string };

  beforeAll(async () => {
    // one installation secret: it decrypts the signing keys both instances read
    const env = { GATEHOUSE_SECRET: randomBytes(32).toString('base64url') };
    a = await serve(env);
    b = await serve(env, a.t.config.databaseUrl);
  });
  afterAll(async () => {
    for (const x of [b, a]) {
      if (!x) continue;
      await new Promise<void>((r) => x.server.close(() => r()));
      await x.t.close();
    }
  });

  it("signs with the key rotated on the other instance once that instance's reload has run", async () => {
    const db = a.t.deps.db;
    const id = randomUUID();
    const secret = randomBytes(24).toString('base64url');
    await db.application.create({ data: { id, name: 'fleet m2m', type: 'MACHINE_TO_MACHINE' } });
    await db.applicationSecret.create({ data: { applicationId: id, name: 'default', secretHash: a.t.deps.secrets.hashToken(secret) } });
    await db.apiResource.create({ data: { name: 'Fleet', indicator: RESOURCE } });
    const grant = async (base: string) => {
      const res = await fetch(`${base}/oidc/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE }),
        headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
      });
      expect(res.status).toBe(200);
      return decodeProtectedHeader(((await res.json()) as { access_token: string }).access_token).kid;
    };
    const before = await grant(b.base);
    const rotated = await a.t.services.signingKeys.rotate();
    expect(await grant(a.base)).toBe(rotated.kid);
    // without Redis the notification stays in process: instance B follows at its refresh bound,
    // which is this reload
    expect(await grant(b.base)).toBe(before);
    await b.t.services.signingKeys.reload();
    expect(await grant(b.base)).toBe(rotated.kid);
    const jwks = (await (await fetch(`${b.base}/oidc/jwks`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([before, rotated.kid]));
  });
});
