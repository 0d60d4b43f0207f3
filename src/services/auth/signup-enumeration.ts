// Sign-up without account enumeration. A sign-up that answers `{shouldActivate: true, userId,
// tenantId}` continues in the mailbox, so a sign-up for an already registered email can answer
// exactly like a new one: the same status and body (fresh random ids that exist nowhere, so a later
// activation with them fails like any bad link), and the owner of the address gets a notice instead
// of an activation link.
//
// Timing: the duplicate does the work of a new sign-up. It runs the same transaction (captcha,
// invite, tenant, password policy, argon2 hash, user insert) for a stand-in address on the same
// domain (so domain restrictions answer alike) and rolls it back, and both mails (activation link
// or notice) are composed and sent by a queued task after the answer (platform/task-queue.ts).
//
// Which sign-ups answer shouldActivate: every one by default. Frontegg's contract also allows a
// sign-up with a password to answer with a session at once, which cannot be faked for an account
// that exists; that is GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN=true (off by default, the safe choice), and
// then a registered email answers 409 user_already_exists as in Frontegg. Without the immediate
// login a new user still logs in with their password at once unless the vendor forces email
// verification; the activation link verifies the address and starts a session.
//
// What is not hidden: a username collision (username_taken), and a sign-up refused for another
// reason before the rehearsal (sign-ups disabled, captcha, validation) answers alike for both.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { loginLink, renderTemplate } from '../mail/templates.ts';
import { deliver } from '../users/account-tokens.ts';
import { sendActivationEmail } from '../users/activation.service.ts';

/** Thrown inside the sign-up transaction to roll back the rehearsal of a duplicate sign-up. */
export class DuplicateSignUpRehearsal extends Error {}

/**
 * A stand-in for a registered address, never stored (rolled back): random local part of the same
 * length on the same domain, so validation and domain restrictions answer as for the real one. A
 * stand-in that happens to be registered too fails the unique insert, which answers as a duplicate.
 */
export function rehearsalEmail(email: string) {
  const at = email.lastIndexOf('@');
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const local = Array.from(randomBytes(Math.max(at, 1)), (b) => alphabet[b % alphabet.length]).join('');
  return `${local}${email.slice(at)}`;
}

type SignUpMailDeps = Pick<Deps, 'db' | 'clock' | 'secrets' | 'mailer' | 'logger' | 'config' | 'tasks'>;

/** The two mails a sign-up sends after its answer: one enqueue each, the work in the task. */
export function defineSignUpMail(deps: SignUpMailDeps) {
  const activation = deps.tasks.define<{ userId: string; email: string; name: string | null }>('sign-up-activation-mail', (p) =>
    sendActivationEmail(deps, { id: p.userId, email: p.email, name: p.name }),
  );
  const notice = deps.tasks.define<{ email: string }>('sign-up-notice-mail', async ({ email }) => {
    const user = await deps.db.user.findUnique({ where: { email }, select: { email: true, name: true } });
    if (user?.email) await deliver(deps, renderTemplate('SignUpAttempt', { to: user.email, name: user.name, link: loginLink(deps.config.appUrl) }));
  });
  return {
    activation,
    /** The answer to a sign-up for a registered email, indistinguishable from a sign-up needing activation. */
    duplicate(email: string) {
      notice({ email });
      return { shouldActivate: true, userId: randomUUID(), tenantId: randomUUID(), authResponse: null };
    },
  };
}
