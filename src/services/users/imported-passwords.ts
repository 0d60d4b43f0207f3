// Login against a password hash imported by a user migration: verified once with the foreign
// algorithm, then replaced by Gatehouse's argon2id hash (transparent upgrade) so the foreign hash
// is gone after the first successful login. Users with Gatehouse hashes never reach this file: the
// normal login path keeps its statement count.
import { isImportedHash, verifyImportedHash } from '../../platform/imported-passwords.ts';
import type { Deps } from '../deps.ts';

/**
 * Verifies `password` against the stored hash, whichever kind it is. Unknown users (`stored`
 * null) cost the hasher's dummy verification, as before. An imported hash that matches is
 * upgraded with one compare-and-set write (a concurrent change of the password wins).
 */
export async function verifyStoredPassword(
  deps: Pick<Deps, 'db' | 'hasher'>,
  userId: string | null,
  stored: string | null,
  password: string,
  o: { upgrade?: boolean } = {},
): Promise<boolean> {
  if (!isImportedHash(stored) || !userId) return deps.hasher.verify(stored, password);
  if (!(await verifyImportedHash(stored, password))) return false;
  if (o.upgrade !== false) {
    const hash = await deps.hasher.hash(password);
    // changedAt stays: the password itself did not change, only how it is stored.
    await deps.db.passwordCredential.updateMany({ where: { userId, hash: stored }, data: { hash } });
  }
  return true;
}
