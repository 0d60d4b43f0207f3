// A user's password after creation: changing it (policy, history, other sessions ended) and
// lifting a lockout. Creation-time checks live in createUserIn; login-time counting in
// recordFailedPassword (policies/password-policies.service.ts).
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Deps } from '../deps.ts';
import { MAX_HISTORY_SIZE, assertPasswordAllowedFor, historySizeFor, recordFailedPassword } from '../policies/password-policies.service.ts';
import { idSchema, parseInput, passwordSchema } from '../validation.ts';

const ChangePasswordInput = z.object({ password: passwordSchema, newPassword: passwordSchema });

type PasswordsDeps = Pick<Deps, 'db' | 'hasher' | 'clock'>;

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
      if (!(await hasher.verify(currentHash, input.password)) || !currentHash) {
        await recordFailedPassword(db, { id: userId }, clock.now());
        fail('auth_invalid_credentials');
      }
      if (user.lockedAt) fail('user_locked');

      const tenantIds = user.memberships.map((m) => m.tenantId);
      await assertPasswordAllowedFor(db, tenantIds, input.newPassword, { email: user.email, username: user.username });

      // The last N passwords are the current one and the N-1 it replaced most recently.
      const historySize = await historySizeFor(db, tenantIds);
      if (historySize > 0) {
        const previous =
          historySize > 1
            ? await db.passwordHistory.findMany({ where: { userId }, orderBy: { createdAt: 'desc' }, take: historySize - 1, select: { hash: true } })
            : [];
        const reused = await Promise.all([currentHash, ...previous.map((p) => p.hash)].map((h) => hasher.verify(h, input.newPassword)));
        if (reused.some(Boolean)) fail('password_history_violation');
      }

      const newHash = await hasher.hash(input.newPassword);
      const now = clock.now();
      const revokedSessions = await db.$transaction(async (tx) => {
        // Compare-and-set on the hash just verified: of two concurrent changes with the same
        // current password only one wins; the other answers as if the password were wrong.
        const { count } = await tx.passwordCredential.updateMany({
          where: { userId, hash: currentHash },
          data: { hash: newHash, changedAt: now, breached: false },
        });
        if (count !== 1) fail('auth_invalid_credentials');
        // History is written on every change, whatever the policy, so enabling it later works at once.
        await tx.passwordHistory.create({ data: { userId, hash: currentHash, createdAt: now } });
        const keep = await tx.passwordHistory.findMany({
          where: { userId },
          orderBy: { createdAt: 'desc' },
          take: MAX_HISTORY_SIZE,
          select: { id: true },
        });
        await tx.passwordHistory.deleteMany({ where: { userId, id: { notIn: keep.map((k) => k.id) } } });
        const revoked = await tx.session.updateMany({
          where: { userId, revokedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
          data: { revokedAt: now, revokedReason: 'password_changed' },
        });
        return revoked.count;
      });
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
