// What the OpenID provider persists: its sessions, grants, authorization codes, opaque access and
// refresh tokens, client-credentials tokens, interactions… (oidc-provider's adapter contract:
// upsert / find / findByUid / findByUserCode / consume / destroy / revokeByGrantId). One table,
// one row per (kind, id); the payload is the provider's own JSON, kept as it was given, with the
// columns its lookups need beside it.
//
// Expiry is ours to enforce for storage only (the provider checks `exp` itself on every use): a
// row past `expiresAt` is never returned, and expired rows are deleted in the background at most
// once a minute, piggybacking on writes, so the table stays the size of what is live.
//
// Consumption (a used authorization code, a rotated refresh token) is a timestamp: the provider
// reads `consumed` from the payload to detect replay (RFC 9700 §4.14: the replay of a consumed
// code revokes what it issued), so `find` adds it back from the column.
import type { Deps } from '../deps.ts';
import type { Prisma } from '../../platform/db.ts';

export type ArtifactPayload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: number;
};

type ArtifactDeps = Pick<Deps, 'db' | 'clock' | 'logger' | 'tasks'>;

/** How often, at most, writes trigger the purge of expired rows. */
const PURGE_INTERVAL_MS = 60_000;

export function createOidcArtifacts(deps: ArtifactDeps) {
  const { db, clock, logger } = deps;
  let lastPurge = 0;
  const purgeLater = deps.tasks.define('oidc-artifacts-purge', async () => {
    await purgeExpired();
  });

  const live = () => ({ OR: [{ expiresAt: null }, { expiresAt: { gt: clock.now() } }] });

  function toPayload(row: { payload: unknown; consumedAt: Date | null } | null): ArtifactPayload | undefined {
    if (!row) return undefined;
    const payload = { ...(row.payload as ArtifactPayload) };
    if (row.consumedAt) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
    return payload;
  }

  async function purgeExpired(): Promise<number> {
    const { count } = await db.oidcArtifact.deleteMany({ where: { expiresAt: { lte: clock.now() } } });
    if (count) logger.debug({ count }, 'purged expired OpenID provider artifacts');
    return count;
  }

  return {
    async upsert(kind: string, id: string, payload: ArtifactPayload, expiresInSeconds: number | undefined): Promise<void> {
      const now = clock.now();
      const expiresAt = expiresInSeconds ? new Date(now.getTime() + expiresInSeconds * 1000) : null;
      const columns = {
        payload: payload as Prisma.InputJsonValue,
        grantId: typeof payload.grantId === 'string' ? payload.grantId : null,
        userCode: typeof payload.userCode === 'string' ? payload.userCode : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        expiresAt,
      };
      await db.oidcArtifact.upsert({ where: { kind_id: { kind, id } }, create: { kind, id, ...columns }, update: columns });
      if (now.getTime() - lastPurge >= PURGE_INTERVAL_MS) {
        lastPurge = now.getTime();
        purgeLater({});
      }
    },

    async find(kind: string, id: string): Promise<ArtifactPayload | undefined> {
      return toPayload(await db.oidcArtifact.findFirst({ where: { kind, id, ...live() }, select: { payload: true, consumedAt: true } }));
    },

    async findByUid(kind: string, uid: string): Promise<ArtifactPayload | undefined> {
      return toPayload(await db.oidcArtifact.findFirst({ where: { kind, uid, ...live() }, select: { payload: true, consumedAt: true } }));
    },

    async findByUserCode(kind: string, userCode: string): Promise<ArtifactPayload | undefined> {
      return toPayload(await db.oidcArtifact.findFirst({ where: { kind, userCode, ...live() }, select: { payload: true, consumedAt: true } }));
    },

    async consume(kind: string, id: string): Promise<void> {
      await db.oidcArtifact.updateMany({ where: { kind, id, consumedAt: null }, data: { consumedAt: clock.now() } });
    },

    async destroy(kind: string, id: string): Promise<void> {
      await db.oidcArtifact.deleteMany({ where: { kind, id } });
    },

    /** Everything issued under a grant, whatever its kind (a revoked grant ends its tokens). */
    async revokeByGrantId(grantId: string): Promise<void> {
      await db.oidcArtifact.deleteMany({ where: { grantId } });
    },

    purgeExpired,
  };
}

export type OidcArtifacts = ReturnType<typeof createOidcArtifacts>;
