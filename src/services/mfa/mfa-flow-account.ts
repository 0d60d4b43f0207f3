// The account a pending MFA login's attempts are throttled under (see security/throttle.ts).
import type { Deps } from '../deps.ts';

/**
 * The flow's user, so that logging in again (a fresh flow with fresh attempts) does not buy fresh
 * guesses at the second factor. An unknown token is counted under itself.
 */
export async function mfaFlowAccount(deps: Pick<Deps, 'db' | 'secrets'>, mfaToken: string): Promise<string> {
  if (typeof mfaToken !== 'string' || mfaToken.length === 0 || mfaToken.length > 512) return 'invalid';
  const flow = await deps.db.authFlow.findUnique({ where: { tokenHash: deps.secrets.hashToken(mfaToken) }, select: { userId: true } });
  return flow?.userId ?? mfaToken;
}
