// Signing keys live in the database (private half encrypted with the installation secret), so
// every instance of a cluster signs with the same key and publishes the same JWKS.
//
// Lifecycle: ACTIVE keys are in the JWKS and verify; the newest ACTIVE key of the configured
// algorithm signs (the "current" key). Rotation adds a key, which becomes current; the previous
// ones stay ACTIVE, so tokens they signed keep verifying until they expire. Retirement (any ACTIVE
// key but the current one) takes a key out of the JWKS and out of verification at once, and
// erases its private half. Every instance follows through the change feed (`signing-keys`) and,
// failing a notification, within the refresh bound: a reload builds a new KeySet and swaps
// `deps.keys.current` whole, so what verifies is always what the JWKS shows.
import type { JWK } from 'jose';
import { fail } from '../../errors/domain-errors.ts';
import { generateSigningKey, KeySet, loadKey, type SigningAlgorithm } from '../../platform/jwt.ts';
import type { Deps } from '../deps.ts';
import { idSchema, parseInput } from '../validation.ts';

type KeyDeps = Pick<Deps, 'db' | 'secrets' | 'logger'>;

/** Advisory lock id for key creation (any fixed bigint; distinct from the migration lock). */
const SIGNING_KEYS_LOCK = 7_251_093_114_000_001n;
export const SIGNING_KEYS_TOPIC = 'signing-keys';

type KeyRow = { id: string; algorithm: string; publicJwk: unknown; privateKeyEncrypted: string; status: 'ACTIVE' | 'RETIRED'; createdAt: Date; retiredAt: Date | null };

/** Newest first; the id breaks ties so every instance picks the same signer. */
const keyOrder = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

const signerOf = (rows: KeyRow[], algorithm: string) => rows.find((r) => r.status === 'ACTIVE' && r.algorithm === algorithm) ?? null;

function keySetOf(rows: KeyRow[], algorithm: string, secrets: Deps['secrets']): KeySet | null {
  const signer = signerOf(rows, algorithm);
  if (!signer) return null;
  // Retired keys are left out: their tokens stop verifying and they leave the JWKS.
  const ordered = [signer, ...rows.filter((r) => r !== signer && r.status === 'ACTIVE')];
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

/** A new key of `algorithm`, created under the advisory lock unless `onlyIfMissing` finds a signer there. */
async function createKey({ db, secrets, logger }: KeyDeps, algorithm: SigningAlgorithm, onlyIfMissing: boolean): Promise<string | null> {
  const key = await generateSigningKey(algorithm);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEYS_LOCK})`;
    if (onlyIfMissing) {
      const existing = await tx.signingKey.findFirst({ where: { status: 'ACTIVE', algorithm }, select: { id: true } });
      if (existing) return null;
    }
    await tx.signingKey.create({
      data: { id: key.kid, algorithm, publicJwk: key.publicJwk as object, privateKeyEncrypted: secrets.encrypt(key.privatePem) },
    });
    logger.info({ kid: key.kid, algorithm }, onlyIfMissing ? 'created a signing key' : 'rotated the signing key');
    return key.kid;
  });
}

/**
 * Loads the key set; creates a key when no ACTIVE key of `algorithm` exists (first start, or
 * the configured algorithm changed). The newest ACTIVE key of `algorithm` signs; every other
 * ACTIVE key still verifies, so tokens signed before a rotation stay valid until they expire.
 */
export async function ensureSigningKeys(deps: KeyDeps, algorithm: SigningAlgorithm): Promise<KeySet> {
  const { db, secrets } = deps;
  let rows = (await db.signingKey.findMany({ orderBy: keyOrder })) as KeyRow[];
  if (!signerOf(rows, algorithm)) {
    // Instances starting together each see no key: check again under a transaction-scoped lock,
    // so exactly one creates it and the others load that one (else each would sign with its own
    // key and reject the others' tokens).
    await createKey(deps, algorithm, true);
    rows = (await db.signingKey.findMany({ orderBy: keyOrder })) as KeyRow[];
  }
  return keySetOf(rows, algorithm, secrets)!;
}

export interface SigningKeyView {
  kid: string;
  algorithm: string;
  status: 'ACTIVE' | 'RETIRED';
  createdAt: Date;
  retiredAt: Date | null;
  /** This key signs new tokens. */
  current: boolean;
}

type KeysServiceDeps = Pick<Deps, 'db' | 'secrets' | 'logger' | 'clock' | 'config' | 'keys' | 'changes'>;

/**
 * List, rotate and retire (vendor only, through GraphQL), and keeping `deps.keys.current` in step
 * with the database on every instance. Private keys never leave: views carry no key material.
 */
/** How often a token with an unknown kid may make this instance reload its keys. */
const UNKNOWN_KID_RELOAD_MS = 5_000;

export function createSigningKeysService(deps: KeysServiceDeps) {
  const { db, secrets, logger, clock, config, keys, changes } = deps;
  const algorithm = config.signingAlgorithm;

  const fingerprint = (rows: Array<{ id: string; status: string }>) => rows.map((r) => `${r.id}:${r.status}`).join(',');
  let loaded = fingerprint(keys.current.jwks().keys.map((k) => ({ id: k.kid!, status: 'ACTIVE' })));

  let reloading: Promise<void> | null = null;
  let again = false;
  /** Reads the keys and swaps in a new KeySet when they changed (one statement when nothing did). */
  async function reloadOnce() {
    const rows = (await db.signingKey.findMany({ orderBy: keyOrder })) as KeyRow[];
    const active = rows.filter((r) => r.status === 'ACTIVE');
    const signer = signerOf(rows, algorithm);
    const print = fingerprint(signer ? [signer, ...active.filter((r) => r !== signer)] : active);
    if (print === loaded) return;
    const next = keySetOf(rows, algorithm, secrets);
    // No signer of our algorithm (cannot happen through this service: the current key cannot be
    // retired): keep signing with what we have rather than stop.
    if (!next) return void logger.error({ algorithm }, 'no ACTIVE signing key of the configured algorithm; keeping the loaded keys');
    keys.current = next;
    loaded = print;
    logger.info({ kid: next.signingKey.kid, keys: active.length }, 'signing keys reloaded');
  }
  /** Coalesces concurrent reloads; one requested during a reload runs after it (it may have read too early). */
  function reload(): Promise<void> {
    if (reloading) {
      again = true;
      return reloading;
    }
    reloading = (async () => {
      try {
        do {
          again = false;
          await reloadOnce();
        } while (again);
      } finally {
        reloading = null;
      }
    })();
    return reloading;
  }
  // A token with an unknown kid may come from a key another instance created before its
  // notification reached us (or, without Redis, before the refresh bound): reload, but at most
  // once per UNKNOWN_KID_RELOAD_MS, so tokens with made-up kids cannot make us query per request.
  let lastUnknownKidReload = 0;
  keys.refreshForUnknownKid = async () => {
    const now = Date.now();
    if (now - lastUnknownKidReload < UNKNOWN_KID_RELOAD_MS) return false;
    lastUnknownKidReload = now;
    const before = keys.current;
    await reload().catch((err) => logger.warn({ err }, 'signing keys reload failed; keeping the loaded keys'));
    return keys.current !== before;
  };
  changes.watch(SIGNING_KEYS_TOPIC, () => {
    reload().catch((err) => logger.warn({ err }, 'signing keys reload failed; keeping the loaded keys'));
  });

  const view = (r: KeyRow, currentId: string | null): SigningKeyView => ({
    kid: r.id,
    algorithm: r.algorithm,
    status: r.status,
    createdAt: r.createdAt,
    retiredAt: r.retiredAt,
    current: r.id === currentId,
  });

  async function list(): Promise<SigningKeyView[]> {
    const rows = (await db.signingKey.findMany({ orderBy: keyOrder })) as KeyRow[];
    const current = signerOf(rows, algorithm)?.id ?? null;
    return rows.map((r) => view(r, current));
  }

  /** After a change: this instance reloads before answering, the others on the notification. */
  async function changed() {
    await reload();
    changes.publish(SIGNING_KEYS_TOPIC);
  }

  return {
    list,
    reload,

    /** A new key of the configured algorithm signs from now on; the previous ones keep verifying. */
    async rotate(): Promise<SigningKeyView> {
      const kid = (await createKey(deps, algorithm, false))!;
      await changed();
      return (await list()).find((k) => k.kid === kid)!;
    },

    /** Takes a key out of the JWKS and verification and erases its private half; never the current signer. */
    async retire(rawKid: string): Promise<SigningKeyView> {
      const kid = parseInput(idSchema, rawKid);
      const retired = await db.$transaction(async (tx) => {
        // Under the creation lock: a rotation running at the same time cannot change which key is current.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEYS_LOCK})`;
        const rows = (await tx.signingKey.findMany({ orderBy: keyOrder })) as KeyRow[];
        const row = rows.find((r) => r.id === kid);
        if (!row) fail('signing_key_not_found');
        if (row.id === signerOf(rows, algorithm)?.id) fail('signing_key_in_use');
        if (row.status === 'RETIRED') return row;
        return (await tx.signingKey.update({
          where: { id: kid },
          data: { status: 'RETIRED', retiredAt: clock.now(), privateKeyEncrypted: '' },
        })) as KeyRow;
      });
      logger.info({ kid }, 'retired a signing key');
      await changed();
      return view(retired, null);
    },
  };
}

export type SigningKeysService = ReturnType<typeof createSigningKeysService>;
