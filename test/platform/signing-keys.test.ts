// Key creation under concurrency: instances starting together (or one switching algorithm) must
// end with one signing key, not one each — otherwise each signs with its own key and rejects the
// others' tokens. Concurrent calls on one database stand for concurrent instances here (on
// PGlite and on PostgreSQL); the check-then-insert is what races.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureSigningKeys } from '../../src/services/keys/signing-keys.service.ts';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

it('creates one key when several starts need one at once, and every start signs with it', async () => {
  const deps = { db: t.deps.db, secrets: t.deps.secrets, logger: t.deps.logger };
  const sets = await Promise.all(Array.from({ length: 4 }, () => ensureSigningKeys(deps, 'ES256')));
  const stored = await t.deps.db.signingKey.findMany({ where: { algorithm: 'ES256', status: 'ACTIVE' }, select: { id: true } });
  expect(stored).toHaveLength(1);
  for (const set of sets) expect(set.signingKey.kid).toBe(stored[0]!.id);
  // The key every instance started with still verifies: it is in every set's JWKS.
  const before = t.deps.keys.current.signingKey.kid;
  for (const set of sets) expect(set.jwks().keys.map((k) => k.kid)).toContain(before);
});
