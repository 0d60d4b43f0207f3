// The opt-in sid check (GATEHOUSE_SESSION_CHECK). A user access token is a self-contained JWT:
// without this check, logout or a revoked session leaves it valid until `exp` (up to
// GATEHOUSE_ACCESS_TOKEN_TTL). With it, each request also asks whether the token's session (its
// `sid` claim) is still live, so revocation ends access within GATEHOUSE_SESSION_CHECK_CACHE_SECONDS.
// Only positive answers are cached, per process, briefly and in bounded space: the database
// stays the one truth, and the hot path of an active session costs no statement. Every
// revocation publishes on the change feed (`sessions`: `s:<sessionId>`, `u:<userId>`, or nothing
// for "drop all"), so every instance drops the entry at once; a lost notification is bounded by
// the entry's own lifetime (GATEHOUSE_SESSION_CHECK_CACHE_SECONDS, at most 60).
import { fail } from '../../errors/domain-errors.ts';
import type { Deps } from '../deps.ts';

/** Enough for every session active within a few seconds on one instance; beyond it the oldest entry goes. */
const MAX_ENTRIES = 10_000;

export const SESSIONS_TOPIC = 'sessions';

/** What a revocation publishes, after its write committed: one session, all of a user's, or (no argument) all. */
export function publishRevoked(changes: Deps['changes'], o: { sessionId?: string; userId?: string } = {}) {
  changes.publish(SESSIONS_TOPIC, o.sessionId ? `s:${o.sessionId}` : o.userId ? `u:${o.userId}` : undefined);
}

export function createSessionCheck({ db, clock, config, changes }: Pick<Deps, 'db' | 'clock' | 'config' | 'changes'>) {
  const { enabled, cacheSeconds } = config.sessionCheck;
  const ttlMs = cacheSeconds * 1000;
  /** sessionId → the user it belongs to and until when "live" may be trusted (insertion order = age). */
  const live = new Map<string, { userId: string; until: number }>();
  const forget = (sessionId: string) => live.delete(sessionId);
  const forgetUser = (userId: string) => {
    for (const [id, entry] of live) if (entry.userId === userId) live.delete(id);
  };
  changes.watch(SESSIONS_TOPIC, (p) => {
    if (p?.startsWith('s:')) forget(p.slice(2));
    else if (p?.startsWith('u:')) forgetUser(p.slice(2));
    else live.clear();
  });

  return {
    /** Refuses (401 auth_session_revoked) a token whose session is revoked, expired or gone. No-op when the check is off. */
    async assertLive(sessionId: string, userId: string): Promise<void> {
      if (!enabled) return;
      const now = clock.now();
      const hit = live.get(sessionId);
      if (hit && hit.userId === userId && hit.until > now.getTime()) return;
      live.delete(sessionId);
      // The primary key finds it; userId guards against a sid that names someone else's session.
      const found = await db.session.findFirst({
        where: { id: sessionId, userId, revokedAt: null, expiresAt: { gt: now } },
        select: { id: true },
      });
      if (!found) fail('auth_session_revoked');
      if (ttlMs === 0) return;
      if (live.size >= MAX_ENTRIES) live.delete(live.keys().next().value!);
      live.set(sessionId, { userId, until: now.getTime() + ttlMs });
    },

    /** Drops the entry here before a revocation is written (a check racing the write must read again). */
    forget,
    forgetUser,
  };
}

export type SessionCheck = ReturnType<typeof createSessionCheck>;
