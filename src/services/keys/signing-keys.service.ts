// Signing keys live in the database (private half encrypted with the installation secret), so
// every instance of a cluster signs with the same key and publishes the same JWKS.
import type { JWK } from 'jose';
import { generateSigningKey, KeySet, loadKey, type SigningAlgorithm } from '../../platform/jwt.ts';
import type { Deps } from '../deps.ts';

type KeyDeps = Pick<Deps, 'db' | 'secrets' | 'logger'>;

/** Advisory lock id for key creation (any fixed bigint; distinct from the migration lock). */
const SIGNING_KEYS_LOCK = 7_251_093_114_000_001n;

/**
 * Loads the key set; creates a key when no ACTIVE key of `algorithm` exists (first start, or
 * the configured algorithm changed). The newest ACTIVE key of `algorithm` signs; every other
 * stored key still verifies, so tokens signed before a rotation stay valid until they expire.
 */
export async function ensureSigningKeys({ db, secrets, logger }: KeyDeps, algorithm: SigningAlgorithm): Promise<KeySet> {
  const hasSigner = (rs: Array<{ status: string; algorithm: string }>) => rs.some((r) => r.status === 'ACTIVE' && r.algorithm === algorithm);
  let rows = await db.signingKey.findMany({ orderBy: { createdAt: 'desc' } });
  if (!hasSigner(rows)) {
    const key = await generateSigningKey(algorithm);
    // Instances starting together each see no key: check again under a transaction-scoped lock,
    // so exactly one creates it and the others load that one (else each would sign with its own
    // key and reject the others' tokens).
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEYS_LOCK})`;
      const existing = await tx.signingKey.findFirst({ where: { status: 'ACTIVE', algorithm }, select: { id: true } });
      if (existing) return;
      await tx.signingKey.create({
        data: {
          id: key.kid,
          algorithm,
          publicJwk: key.publicJwk as object,
          privateKeyEncrypted: secrets.encrypt(key.privatePem),
        },
      });
      logger.info({ kid: key.kid, algorithm }, 'created a signing key');
    });
    rows = await db.signingKey.findMany({ orderBy: { createdAt: 'desc' } });
  }
  const signer = rows.find((r) => r.status === 'ACTIVE' && r.algorithm === algorithm)!;
  const ordered = [signer, ...rows.filter((r) => r !== signer)];
  return new KeySet(
    ordered.map((r) =>
      loadKey({
        kid: r.id,
        algorithm: r.algorithm,
        publicJwk: r.publicJwk as JWK,
        privatePem: r === signer ? secrets.decrypt(r.privateKeyEncrypted) : undefined,
      }),
    ),
  );
}
