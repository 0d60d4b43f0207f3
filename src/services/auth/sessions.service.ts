// Sessions own a refresh-token family. Refresh tokens are random (256 bits), stored as a keyed
// hash, and single-use: each refresh rotates the token; presenting a token that was already
// rotated means it leaked (or raced), so the whole family is revoked (OAuth 2.0 Security BCP §4.14).
import { randomUUID } from 'node:crypto';
import { fail } from '../../errors/domain-errors.ts';
import { randomToken } from '../../platform/crypto.ts';
import type { Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';

export interface ClientInfo {
  userAgent?: string | null;
  ipAddress?: string | null;
}

type SessionDeps = Pick<Deps, 'db' | 'secrets' | 'clock' | 'config'>;

export function createSessionStore(deps: SessionDeps) {
  const { db, secrets, clock, config } = deps;

  async function mintRefreshToken(tx: Tx, sessionId: string, now: Date, sessionExpiresAt: Date) {
    const token = randomToken(32);
    const expiresAt = new Date(Math.min(now.getTime() + config.refreshTokenTtl * 1000, sessionExpiresAt.getTime()));
    await tx.refreshToken.create({ data: { sessionId, tokenHash: secrets.hashToken(token), expiresAt, createdAt: now } });
    return token;
  }

  async function revoke(sessionId: string, reason: string) {
    await db.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: clock.now(), revokedReason: reason },
    });
  }

  return {
    async create(tx: Tx, userId: string, tenantId: string, client: ClientInfo) {
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + config.sessionMaxAge * 1000);
      const session = await tx.session.create({
        data: {
          userId,
          tenantId,
          createdAt: now,
          lastActiveAt: now,
          expiresAt,
          userAgent: client.userAgent?.slice(0, 512) ?? null,
          ipAddress: client.ipAddress?.slice(0, 64) ?? null,
        },
        select: { id: true },
      });
      const refreshToken = await mintRefreshToken(tx, session.id, now, expiresAt);
      return { sessionId: session.id, refreshToken };
    },

    /**
     * Consumes a refresh token and returns its session with a new token. Every failure answers
     * the same 401 so a caller learns nothing about which check failed.
     */
    async rotate(token: string, tenantIdFor: (s: { userId: string; tenantId: string | null }) => Promise<string>) {
      const now = clock.now();
      // Token and session in one read, the claim in one write: refresh is the hottest path.
      const [row] = await db.$queryRaw<
        Array<{ id: string; usedAt: Date | null; expiresAt: Date; sessionId: string; userId: string; tenantId: string | null; revokedAt: Date | null; sessionExpiresAt: Date }>
      >`SELECT rt.id, rt."usedAt", rt."expiresAt", s.id AS "sessionId", s."userId", s."tenantId", s."revokedAt", s."expiresAt" AS "sessionExpiresAt"
        FROM "RefreshToken" rt JOIN "Session" s ON s.id = rt."sessionId"
        WHERE rt."tokenHash" = ${secrets.hashToken(token)}`;
      if (!row) fail('auth_refresh_token_invalid');
      if (row.usedAt) {
        await revoke(row.sessionId, 'refresh_token_reuse');
        fail('auth_refresh_token_invalid');
      }
      if (row.revokedAt || row.sessionExpiresAt <= now || row.expiresAt <= now) fail('auth_refresh_token_invalid');
      const tenantId = await tenantIdFor({ userId: row.userId, tenantId: row.tenantId });
      const next = randomToken(32);
      const nextExpiresAt = new Date(Math.min(now.getTime() + config.refreshTokenTtl * 1000, row.sessionExpiresAt.getTime()));
      // Compare-and-set in a single statement (atomic): of two concurrent refreshes with the same
      // token only one claims it; the new token and the session update exist only if it did.
      const inserted = await db.$executeRaw`
        WITH claimed AS (
          UPDATE "RefreshToken" SET "usedAt" = ${now} WHERE id = ${row.id} AND "usedAt" IS NULL RETURNING "sessionId"
        ), touched AS (
          UPDATE "Session" SET "lastActiveAt" = ${now}, "tenantId" = ${tenantId}
          WHERE id IN (SELECT "sessionId" FROM claimed) AND "revokedAt" IS NULL RETURNING id
        )
        INSERT INTO "RefreshToken" (id, "sessionId", "tokenHash", "createdAt", "expiresAt")
        SELECT ${randomUUID()}, id, ${secrets.hashToken(next)}, ${now}, ${nextExpiresAt} FROM touched`;
      if (inserted !== 1) {
        await revoke(row.sessionId, 'refresh_token_reuse');
        fail('auth_refresh_token_invalid');
      }
      return { sessionId: row.sessionId, userId: row.userId, tenantId, refreshToken: next };
    },

    /** Revokes the session a refresh token belongs to; unknown tokens are ignored (logout is idempotent). */
    async revokeByRefreshToken(token: string) {
      const row = await db.refreshToken.findUnique({ where: { tokenHash: secrets.hashToken(token) }, select: { sessionId: true } });
      if (row) await revoke(row.sessionId, 'logout');
      return row?.sessionId ?? null;
    },

    revoke,
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
