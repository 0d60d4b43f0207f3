// A user's password after creation: changing it (policy, history, other sessions ended) and
// lifting a lockout. Creation-time checks live in createUserIn; login-time counting in
// recordFailedPassword (policies/password-policies.service.ts).
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { publishRevoked } from '../auth/session-check.ts';
import { MAX_HISTORY_SIZE, assertPasswordAllowedFor, historySizeFor, recordFailedPassword } from '../policies/password-policies.service.ts';
import { idSchema, parseInput, passwordSchema } from '../validation.ts';
import { refuseLockedAccount } from '../auth/locked-account.ts';
import { verifyStoredPassword } from './imported-passwords.ts';

const ChangePasswordInput = z.object({ password: passwordSchema, newPassword: passwordSchema });

/**
 * Refuses `newPassword` when it equals one of the user's last N passwords (N from the strictest
 * history policy of their tenants): the current one and the N-1 it replaced most recently.
 */
export async function assertPasswordNotReused(
  deps: Pick<Deps, 'db' | 'hasher'>,
  userId: string,
  tenantIds: string[],
  currentHash: string | null,
  newPassword: string,
) {
  const { db, hasher } = deps;
  const historySize = await historySizeFor(db, tenantIds);
  if (historySize <= 0) return;
  const previous =
    historySize > 1
      ? await db.passwordHistory.findMany({ where: { userId }, orderBy: { createdAt: 'desc' }, take: historySize - 1, select: { hash: true } })
      : [];
  const hashes = [...(currentHash ? [currentHash] : []), ...previous.map((p) => p.hash)];
  const reused = await Promise.all(hashes.map((h) => hasher.verify(h, newPassword)));
  if (reused.some(Boolean)) fail('password_history_violation');
}

/**
 * Replaces the user's password hash inside `tx`, recording the old one in the history (kept to
 * MAX_HISTORY_SIZE). With a `currentHash` it is a compare-and-set: false when another write got
 * there first. A user without a password (invited, sign-up awaiting activation) gets one.
 */
export async function writePasswordIn(tx: Tx, userId: string, currentHash: string | null, newHash: string, now: Date): Promise<boolean> {
  if (!currentHash) {
    await tx.passwordCredential.upsert({
      where: { userId },
      create: { userId, hash: newHash, changedAt: now },
      update: { hash: newHash, changedAt: now, breached: false },
    });
    return true;
  }
  const { count } = await tx.passwordCredential.updateMany({
    where: { userId, hash: currentHash },
    data: { hash: newHash, changedAt: now, breached: false },
  });
  if (count !== 1) return false;
  // History is written on every change, whatever the policy, so enabling it later works at once.
  await tx.passwordHistory.create({ data: { userId, hash: currentHash, createdAt: now } });
  const keep = await tx.passwordHistory.findMany({ where: { userId }, orderBy: { createdAt: 'desc' }, take: MAX_HISTORY_SIZE, select: { id: true } });
  await tx.passwordHistory.deleteMany({ where: { userId, id: { notIn: keep.map((k) => k.id) } } });
  return true;
}

type PasswordsDeps = Pick<Deps, 'db' | 'hasher' | 'clock' | 'changes'>;

export function createPasswordsService(deps: PasswordsDeps) {
  const { db, hasher, clock } = deps;

  return {
    /**
     * Changes the user's password. The current one is checked like a login (a wrong one counts
     * towards the lockout, so a stolen access token cannot be used to guess it), the new one must
     * meet the policies of all the user's tenants and not be one of their last N passwords. The
     * hash, the history and the end of the user's other sessions are one transaction: whoever
     * knew the old password is signed out everywhere but here (`keepSessionId`).
     */
    async change(userId: string, keepSessionId: string | null, raw: { password: string; newPassword: string }) {
      const input = parseInput(ChangePasswordInput, raw);
      const user = await db.user.findUnique({
        where: { id: userId },
        select: { email: true, username: true, lockedAt: true, password: { select: { hash: true } }, memberships: { select: { tenantId: true } } },
      });
      if (!user) fail('user_not_found');
      const currentHash = user.password?.hash ?? null;
      // Locked: no password is verified, every one answers user_locked (see locked-account.ts).
      if (user.lockedAt) await refuseLockedAccount(deps, { id: userId }, input.password);
      // An imported hash is checked too; not upgraded, the new password replaces it just below.
      if (!(await verifyStoredPassword({ db, hasher }, userId, currentHash, input.password, { upgrade: false })) || !currentHash) {
        await recordFailedPassword(db, { id: userId }, clock.now());
        fail('auth_invalid_credentials');
      }

      const tenantIds = user.memberships.map((m) => m.tenantId);
      await assertPasswordAllowedFor(db, tenantIds, input.newPassword, { email: user.email, username: user.username });

      await assertPasswordNotReused({ db, hasher }, userId, tenantIds, currentHash, input.newPassword);

      const newHash = await hasher.hash(input.newPassword);
      const now = clock.now();
      const revokedSessions = await db.$transaction(async (tx) => {
        // Compare-and-set on the hash just verified: of two concurrent changes with the same
        // current password only one wins; the other answers as if the password were wrong.
        if (!(await writePasswordIn(tx, userId, currentHash, newHash, now))) fail('auth_invalid_credentials');
        const revoked = await tx.session.updateMany({
          where: { userId, revokedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
          data: { revokedAt: now, revokedReason: 'password_changed' },
        });
        return revoked.count;
      });
      publishRevoked(deps.changes, { userId });
      return { changed: true, revokedSessions };
    },

    /**
     * Lifts a lock and clears the failure count. `tenantId` null is the vendor (any user); a
     * tenant admin reaches only members of their tenant, others answer user_not_found.
     */
    async unlock(rawUserId: string, tenantId: string | null) {
      const userId = parseInput(idSchema, rawUserId);
      const { count } = await db.user.updateMany({
        where: { id: userId, ...(tenantId ? { memberships: { some: { tenantId } } } : {}) },
        data: { lockedAt: null, failedLoginAttempts: 0 },
      });
      if (count === 0) fail('user_not_found');
      return { userId };
    },
  };
}

export type PasswordsService = ReturnType<typeof createPasswordsService>;
