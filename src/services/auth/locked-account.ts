// What every door that takes a password (login over REST and GraphQL, the vendor's password
// verification, password change) answers for a locked account: user_locked, whatever the password,
// without verifying it. Otherwise the lock would be an oracle: a guesser who locked the account
// (or found it locked) could keep guessing and tell the right password by its different answer.
//
// Same cost as an ordinary failed attempt: one argon2 verification against the hasher's dummy hash
// (the one unknown users cost) and the same failed-attempt statement, so neither the answer nor
// its timing depends on the password. The attempt is counted like any failure while locked.
//
// Why user_locked and not auth_invalid_credentials: Frontegg answers user_locked, and it is what
// tells the owner why the right password does not work (and to look for the unlock mail). The
// price is that "locked" is visible without the password, so a locked address answers unlike an
// unknown one (401). Reaching that answer takes maxAttempts failures on a registered address,
// which locks the victim out, mails them, and is throttled per identifier: a noisy and slow way
// to learn that an address is registered, and it gives nothing about the password.
import { fail } from '../../errors/domain-errors.ts';
import type { Deps } from '../deps.ts';
import { recordFailedPassword } from '../policies/password-policies.service.ts';

export async function refuseLockedAccount(
  deps: Pick<Deps, 'db' | 'hasher' | 'clock'>,
  where: { email: string } | { username: string } | { id: string },
  password: string,
): Promise<never> {
  // The dummy verification (hash null) costs what a real one does; its result means nothing.
  await deps.hasher.verify(null, password);
  await recordFailedPassword(deps.db, where, deps.clock.now());
  fail('user_locked');
}
