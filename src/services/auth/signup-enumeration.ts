// Sign-up without account enumeration. Under forceEmailVerification every sign-up answers
// `{shouldActivate: true, userId, tenantId}` and the next step happens in the mailbox, so a sign-up
// for an already registered email can answer exactly like a new one: nothing is written, the
// owner of the address gets a notice instead of an activation link, and the ids are fresh random
// UUIDs that exist nowhere (a later activation with them fails like any bad link).
//
// Trade-off: without forceEmailVerification a new sign-up with a password answers with a session,
// which cannot be faked for an existing account; there a duplicate still answers 409
// user_already_exists. Vendors who need the protection turn forceEmailVerification on.
//
// What is not hidden: a username collision (username_taken) and timing. The duplicate path pays
// for one password hash (the dominant cost of a real sign-up) but skips the inserts and the
// activation-token write.
import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { loginLink, renderTemplate } from '../mail/templates.ts';
import { deliver } from '../users/account-tokens.ts';

type NoticeDeps = Pick<Deps, 'db' | 'hasher' | 'mailer' | 'logger' | 'config'>;

/** The answer to a sign-up for a registered email, indistinguishable from a sign-up needing activation. */
export async function answerDuplicateSignUp(deps: NoticeDeps, input: { email: string; password?: string | null }) {
  if (input.password) await deps.hasher.hash(input.password);
  const user = await deps.db.user.findUnique({ where: { email: input.email }, select: { email: true, name: true } });
  if (user?.email) deliver(deps, renderTemplate('SignUpAttempt', { to: user.email, name: user.name, link: loginLink(deps.config.appUrl) }));
  return { shouldActivate: true, userId: randomUUID(), tenantId: randomUUID(), authResponse: null };
}
