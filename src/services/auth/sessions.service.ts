// Sessions own a refresh-token family. Refresh tokens carry 256 bits, are stored as a keyed
// hash, and single-use: each refresh rotates the token; presenting a token that was already
// rotated means it leaked, so the whole family is revoked (OAuth 2.0 Security BCP §4.14).
//
// Reuse interval (GATEHOUSE_REFRESH_REUSE_INTERVAL; Auth0's "reuse interval", Cognito's
// RetryGracePeriodSeconds, Supabase's reuse interval): two browser tabs, or a retry after a lost
// response, present the same token at once, and strict single use would log the user out. For
// a few seconds after its rotation the immediately previous token (its successor not yet used)
// answers again with the *same* successor; anything older, or later, is reuse as before.
// The same successor, not a sibling: the family stays one chain with one live token, so a thief
// who raced the owner within the interval shares the owner's chain and is caught at the next
// divergence, where a sibling would be a second live branch that reuse detection never sees.
// To answer the same successor without storing it, it is derived from the presented token
// (keyed HMAC over the token row's id and the token): only its hash is stored, as for any token,
// and recomputing it needs the previous token in clear, the database row and the secret.
// The state is the database's (usedAt and the successor's row), so it holds across instances.
import { randomUUID } from 'node:crypto';
import { fail } from '../../errors/domain-errors.ts';
import { randomToken } from '../../platform/crypto.ts';
import { Prisma, type Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { loadSessionLimits, sessionEndReason, sessionLimits } from '../policies/session-policy.service.ts';
import { reuseWindowStart, successorToken } from './refresh-reuse.ts';
import { createSessionCheck, publishRevoked } from './session-check.ts';

export interface ClientInfo {
  userAgent?: string | null;
  ipAddress?: string | null;
  /** The remember-this-device cookie, read by login to skip MFA (never stored with the session). */
  mfaDeviceToken?: string | null;
}

type SessionDeps = Pick<Deps, 'db' | 'secrets' | 'clock' | 'config' | 'changes'>;

export function createSessionStore(deps: SessionDeps) {
  const { db, secrets, clock, config, changes } = deps;
  const check = createSessionCheck(deps);

  async function revoke(sessionId: string, reason: string) {
    check.forget(sessionId);
    await db.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: clock.now(), revokedReason: reason },
    });
    publishRevoked(changes, { sessionId });
  }

  /** The successor of a token row: derived, so a retry within the reuse interval gets the same one. */
  const successorOf = (rowId: string, token: string) => successorToken(secrets, 'session-refresh', rowId, token);

  const withinReuseInterval = (usedAt: Date, now: Date) => {
    const since = reuseWindowStart(config, now);
    return since !== null && usedAt > since;
  };

  /**
   * Answers a rotated token again, in one statement, only while it is the immediately previous
   * token of a live session: rotated within the reuse interval and its successor (`next`) still
   * unused and unexpired. Once the successor is rotated, the token is two steps back: reuse.
   * The session update makes it a compare-and-set on the session row, like the rotation itself.
   */
  async function answerAgain(rowId: string, next: string, tenantId: string, now: Date) {
    const since = reuseWindowStart(config, now);
    if (!since) return false;
    const touched = await db.$executeRaw`
      UPDATE "Session" SET "lastActiveAt" = ${now}, "tenantId" = ${tenantId}
      WHERE "revokedAt" IS NULL AND id IN (
        SELECT n."sessionId" FROM "RefreshToken" p JOIN "RefreshToken" n ON n."sessionId" = p."sessionId"
        WHERE p.id = ${rowId} AND p."usedAt" > ${since}
          AND n."tokenHash" = ${secrets.hashToken(next)} AND n."usedAt" IS NULL AND n."expiresAt" > ${now})`;
    return touched === 1;
  }

  /** Not revoked and not past its end: the candidates a policy then judges. */
  const notEnded = (now: Date) => ({ revokedAt: null, expiresAt: { gt: now } });

  /**
   * Of these sessions, those the policy of their tenant has not ended. Policy ends are applied
   * lazily (at the next refresh), so a session past its idle timeout still has revokedAt null
   * but is already dead: it must neither be listed nor count against the concurrent limit.
   */
  async function live<S extends { tenantId: string | null; createdAt: Date; lastActiveAt: Date }>(db2: Tx, rows: S[], now: Date) {
    if (rows.length === 0) return rows;
    const limitsFor = await loadSessionLimits(db2, rows.map((r) => r.tenantId));
    return rows.filter((r) => sessionEndReason(r, limitsFor(r.tenantId), now) === null);
  }

  /**
   * Frontegg's concurrent-session limit: a new login beyond maxSessions revokes the user's oldest
   * live sessions in that tenant, so the newest maxSessions (this one included) stay.
   */
  async function enforceConcurrentLimit(tx: Tx, userId: string, tenantId: string, keepId: string, now: Date, known?: number | null) {
    const maxSessions = known !== undefined ? known : (await loadSessionLimits(tx, [tenantId]))(tenantId).maxSessions;
    if (maxSessions === null) return;
    const others = await tx.session.findMany({
      where: { userId, tenantId, id: { not: keepId }, ...notEnded(now) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, tenantId: true, createdAt: true, lastActiveAt: true },
    });
    const excess = (await live(tx, others, now)).slice(maxSessions - 1).map((s) => s.id);
    if (excess.length === 0) return;
    await tx.session.updateMany({ where: { id: { in: excess }, revokedAt: null }, data: { revokedAt: now, revokedReason: 'concurrent_limit' } });
    for (const sessionId of excess) publishRevoked(changes, { sessionId });
  }

  return {
    /**
     * Starts a session in one statement: the session, its first refresh token and the login
     * bookkeeping on the user (last login, failed-attempt counter reset, active tenant). The same
     * statement reads the tenant's session policy (and the caller's `o.extra` column), so the
     * concurrent-session limit costs statements only when one is set.
     */
    async start<E = unknown>(userId: string, tenantId: string, client: ClientInfo, o: { now?: Date; extra?: Prisma.Sql } = {}) {
      const now = o.now ?? clock.now();
      const expiresAt = new Date(now.getTime() + config.sessionMaxAge * 1000);
      const tokenExpiresAt = new Date(Math.min(now.getTime() + config.refreshTokenTtl * 1000, expiresAt.getTime()));
      const sessionId = randomUUID();
      const refreshToken = randomToken(32);
      const [row] = await db.$queryRaw<Array<{ policy: unknown; extra: E | null }>>`
        WITH s AS (
          INSERT INTO "Session" (id, "userId", "tenantId", "createdAt", "lastActiveAt", "expiresAt", "userAgent", "ipAddress")
          VALUES (${sessionId}, ${userId}, ${tenantId}, ${now}, ${now}, ${expiresAt},
                  ${client.userAgent?.slice(0, 512) ?? null}, ${client.ipAddress?.slice(0, 64) ?? null})
          RETURNING id
        ), rt AS (
          INSERT INTO "RefreshToken" (id, "sessionId", "tokenHash", "createdAt", "expiresAt")
          SELECT ${randomUUID()}, id, ${secrets.hashToken(refreshToken)}, ${now}, ${tokenExpiresAt} FROM s
          RETURNING id
        ), u AS (
          UPDATE "User" SET "lastLoginAt" = ${now}, "failedLoginAttempts" = 0, "activeTenantId" = ${tenantId}, "updatedAt" = ${now}
          WHERE id = ${userId}
          RETURNING id
        )
        SELECT (SELECT p.config FROM "Policy" p
                 WHERE p.type = 'SESSION' AND (p."tenantId" = ${tenantId} OR p."tenantId" IS NULL)
                 ORDER BY p."tenantId" NULLS LAST, p."createdAt" LIMIT 1) AS policy,
          ${o.extra ?? Prisma.sql`NULL`} AS extra,
          (SELECT count(*) FROM rt) + (SELECT count(*) FROM u) AS written`;
      const { maxSessions } = sessionLimits(row?.policy ?? null);
      if (maxSessions !== null) await enforceConcurrentLimit(db, userId, tenantId, sessionId, now, maxSessions);
      return { sessionId, refreshToken, extra: row?.extra ?? null };
    },

    /**
     * Consumes a refresh token and returns its session with a new token. Every failure answers
     * the same 401 so a caller learns nothing about which check failed.
     */
    async rotate<E = unknown>(
      token: string,
      tenantIdFor: (s: { userId: string; tenantId: string | null; extra: E | null }) => Promise<string> | string,
      o: { now?: Date; extra?: Prisma.Sql } = {},
    ) {
      const now = o.now ?? clock.now();
      // Token, session and the session policy in force in one read, the claim in one write:
      // refresh is the hottest path. The policy is the tenant's row, else the vendor default
      // (tenantId null sorts last), both found through the (type, tenantId) index. `o.extra` adds
      // the caller's columns over the session (alias s): refresh reads the user and their
      // authorization here too, so the happy path is this read, one write and the signature.
      const [row] = await db.$queryRaw<
        Array<{
          id: string;
          usedAt: Date | null;
          expiresAt: Date;
          sessionId: string;
          userId: string;
          tenantId: string | null;
          revokedAt: Date | null;
          sessionExpiresAt: Date;
          sessionCreatedAt: Date;
          lastActiveAt: Date;
          sessionPolicy: unknown;
          extra: E | null;
        }>
      >`SELECT rt.id, rt."usedAt", rt."expiresAt", s.id AS "sessionId", s."userId", s."tenantId", s."revokedAt", s."expiresAt" AS "sessionExpiresAt",
          s."createdAt" AS "sessionCreatedAt", s."lastActiveAt",
          (SELECT p.config FROM "Policy" p
            WHERE p.type = 'SESSION' AND (p."tenantId" = s."tenantId" OR p."tenantId" IS NULL)
            ORDER BY p."tenantId" NULLS LAST, p."createdAt" LIMIT 1) AS "sessionPolicy",
          ${o.extra ?? Prisma.sql`NULL`} AS extra
        FROM "RefreshToken" rt JOIN "Session" s ON s.id = rt."sessionId"
        WHERE rt."tokenHash" = ${secrets.hashToken(token)}`;
      if (!row) fail('auth_refresh_token_invalid');
      // Already rotated: only within the reuse interval may it be answered again (the statement
      // in answerAgain then decides, atomically, whether it is still the immediately previous one).
      const again = row.usedAt !== null;
      if (again && !withinReuseInterval(row.usedAt!, now)) {
        await revoke(row.sessionId, 'refresh_token_reuse');
        fail('auth_refresh_token_invalid');
      }
      // A used token's own expiry no longer matters: its successor's does (checked when answering again).
      if (row.revokedAt || row.sessionExpiresAt <= now || (!again && row.expiresAt <= now)) fail('auth_refresh_token_invalid');
      const ended = sessionEndReason({ createdAt: row.sessionCreatedAt, lastActiveAt: row.lastActiveAt }, sessionLimits(row.sessionPolicy), now);
      if (ended) {
        // Same answer as any other refresh failure; the reason is kept on the session for audit.
        await revoke(row.sessionId, ended);
        fail('auth_refresh_token_invalid');
      }
      const tenantId = await tenantIdFor({ userId: row.userId, tenantId: row.tenantId, extra: row.extra });
      const next = successorOf(row.id, token);
      const result = { sessionId: row.sessionId, userId: row.userId, tenantId, refreshToken: next };
      if (!again) {
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
        if (inserted === 1) return result;
        // Lost the claim to a concurrent refresh with the same token (a second tab): with a reuse
        // interval it is answered like a retry, below; without one it is reuse.
      }
      if (!(await answerAgain(row.id, next, tenantId, now))) {
        await revoke(row.sessionId, 'refresh_token_reuse');
        fail('auth_refresh_token_invalid');
      }
      return result;
    },

    /** Revokes the session a refresh token belongs to; unknown tokens are ignored (logout is idempotent). */
    async revokeByRefreshToken(token: string) {
      const row = await db.refreshToken.findUnique({ where: { tokenHash: secrets.hashToken(token) }, select: { sessionId: true } });
      if (row) await revoke(row.sessionId, 'logout');
      return row?.sessionId ?? null;
    },

    revoke,

    /** The opt-in sid check of user access tokens (see session-check.ts). */
    assertLive: check.assertLive,

    /** The user's live sessions, newest first. */
    async listActive<Q extends object>(userId: string, query?: Q) {
      const now = clock.now();
      const candidates = await db.session.findMany({
        where: { userId, ...notEnded(now) },
        select: { id: true, tenantId: true, createdAt: true, lastActiveAt: true },
      });
      const ids = (await live(db, candidates, now)).map((s) => s.id);
      if (ids.length === 0) return [];
      return db.session.findMany({ ...(query ?? {}), where: { id: { in: ids } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    },

    /** The session if it is the user's and live; null otherwise (someone else's looks like none). */
    async findActive<Q extends object>(userId: string, sessionId: string, query?: Q) {
      const now = clock.now();
      const s = await db.session.findFirst({
        where: { id: sessionId, userId, ...notEnded(now) },
        select: { id: true, tenantId: true, createdAt: true, lastActiveAt: true },
      });
      if (!s || (await live(db, [s], now)).length === 0) return null;
      return db.session.findUnique({ ...(query ?? {}), where: { id: s.id } });
    },

    /**
     * Revokes one of the user's sessions. Another user's session answers not found, exactly like
     * an unknown id, so ids cannot be probed; revoking an already ended one of one's own is a no-op.
     */
    async revokeOwn(userId: string, sessionId: string) {
      check.forget(sessionId);
      const { count } = await db.session.updateMany({
        where: { id: sessionId, userId, revokedAt: null },
        data: { revokedAt: clock.now(), revokedReason: 'user_revoked' },
      });
      publishRevoked(changes, { sessionId });
      if (count === 0 && !(await db.session.findFirst({ where: { id: sessionId, userId }, select: { id: true } }))) fail('session_not_found');
      return { revokedCount: count };
    },

    /** Revokes all the user's sessions but `keepSessionId` (the caller's own, as Frontegg's "sign out other sessions"). */
    async revokeAllOwn(userId: string, keepSessionId: string | null) {
      check.forgetUser(userId);
      const { count } = await db.session.updateMany({
        where: { userId, revokedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
        data: { revokedAt: clock.now(), revokedReason: 'user_revoked_all' },
      });
      publishRevoked(changes, { userId });
      return { revokedCount: count };
    },

    /**
     * An administrator ends every session of a user. `tenantId` null is the vendor (any user);
     * a tenant admin reaches only members of their tenant, others answer user_not_found. All the
     * user's sessions go, not only those working in that tenant: any of them could switch into it.
     */
    async revokeAllOfUser(userId: string, tenantId: string | null) {
      const reachable = tenantId
        ? await db.userTenant.findUnique({ where: { userId_tenantId: { userId, tenantId } }, select: { id: true } })
        : await db.user.findUnique({ where: { id: userId }, select: { id: true } });
      if (!reachable) fail('user_not_found');
      check.forgetUser(userId);
      const { count } = await db.session.updateMany({
        where: { userId, revokedAt: null },
        data: { revokedAt: clock.now(), revokedReason: 'admin_revoked' },
      });
      publishRevoked(changes, { userId });
      return { revokedCount: count };
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
