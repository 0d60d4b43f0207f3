// Self-service unlock: when lockout locks an account, its owner is emailed a single-use link
// (32 random bytes, stored only as their keyed hash, 24 hours), and presenting it at
// POST /users/v3/me/unlock clears the lock and the failed-attempt count. Anyone who can read the
// mailbox could reset the password anyway, so the link gives nothing more than that.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { randomToken } from '../../platform/crypto.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { accountLink } from '../mail/templates.ts';
import { deliver, replaceOutstandingToken } from './account-tokens.ts';
import { parseInput } from '../validation.ts';

export const UNLOCK_TTL_MS = 24 * 60 * 60 * 1000;

type UnlockDeps = Pick<Deps, 'db' | 'clock' | 'secrets' | 'mailer' | 'logger' | 'config'>;
type UnlockServiceDeps = UnlockDeps & ThrottleDeps;

const UnlockInput = z.object({ token: z.string().min(1, 'token is required').max(512) });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The unlock email (the link shape the hosted login box can route: /account/unlock?token=…). */
function unlockMessage(to: string, name: string | null, link: string) {
  const greeting = name ? `Hi ${name},` : 'Hi,';
  const intro = 'Your account was locked after too many failed login attempts. If it was you, follow the link below to unlock it; if not, consider resetting your password.';
  const validity = `The link is valid for ${UNLOCK_TTL_MS / 3_600_000} hours and can be used once.`;
  return {
    to,
    subject: 'Your account was locked',
    // A vendor's stored UnlockUser template replaces this one at delivery.
    template: { type: 'UnlockUser', vars: { name: name ?? '', email: to, redirectURL: link } },
    text: [greeting, '', intro, '', `Unlock account: ${link}`, '', validity, ''].join('\n'),
    html: [
      '<!doctype html><html><body>',
      `<p>${escapeHtml(greeting)}</p>`,
      `<p>${escapeHtml(intro)}</p>`,
      `<p><a href="${escapeHtml(link)}">Unlock account</a></p>`,
      `<p>${escapeHtml(validity)}</p>`,
      '</body></html>',
    ].join('\n'),
  };
}

/**
 * Emails a fresh unlock link to a user lockout just locked. Without mail delivery (or an email
 * address) nothing is sent: the lock stands and an admin unlocks, as before.
 */
export async function sendUnlockEmail(deps: UnlockDeps, user: { id: string; email: string | null; name: string | null }) {
  if (!deps.mailer.available || !user.email) return;
  const token = randomToken(32);
  await replaceOutstandingToken(deps, { type: 'USER_UNLOCK', userId: user.id, target: user.email, tokenHash: deps.secrets.hashToken(token), maxAttempts: 1, ttlMs: UNLOCK_TTL_MS });
  deliver(deps, unlockMessage(user.email, user.name, accountLink(deps.config.appUrl, '/account/unlock', { token })));
}

export function createUnlockService(deps: UnlockServiceDeps) {
  const { db, clock, secrets } = deps;
  return {
    /**
     * Unlocks the user the emailed token names. Unknown, used, expired and other-type tokens
     * answer alike; no attempt counting, since a 256-bit token names no user to guess against.
     */
    async unlockWithToken(raw: { token: string }, client: ClientInfo = {}) {
      const input = parseInput(UnlockInput, raw);
      const now = clock.now();
      // The token names no account: only the client's failure budget applies.
      return deps.throttle.attempt('code', { ip: client.ipAddress }, async () => {
        const row = await db.oneTimeToken.findUnique({
          where: { tokenHash: secrets.hashToken(input.token) },
          select: { id: true, type: true, userId: true, usedAt: true, expiresAt: true },
        });
        if (!row || row.type !== 'USER_UNLOCK' || !row.userId || row.usedAt || row.expiresAt <= now) fail('unlock_token_invalid');
        const userId = row.userId;
        await db.$transaction(async (tx) => {
          // Compare-and-set: of two concurrent uses only one wins.
          const { count } = await tx.oneTimeToken.updateMany({ where: { id: row.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
          if (count !== 1) fail('unlock_token_invalid');
          await tx.user.update({ where: { id: userId }, data: { lockedAt: null, failedLoginAttempts: 0 } });
        });
        return true;
      });
    },
  };
}

export type UnlockService = ReturnType<typeof createUnlockService>;
