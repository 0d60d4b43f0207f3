// The reuse interval shared by the two refresh-token families (user sessions, API-token
// exchanges); sessions.service.ts explains the design. A rotated token's successor is derived
// from it, so a retry within the interval gets the same successor while only hashes are stored.
import type { Deps } from '../deps.ts';

/** The successor of the token `token` stored in row `rowId`; `purpose` keeps the families apart. */
export const successorToken = (secrets: Deps['secrets'], purpose: string, rowId: string, token: string) =>
  secrets.deriveToken(purpose, `${rowId}.${token}`);

/** Tokens rotated after this instant may be answered again; null when the interval is 0 (strict single use). */
export function reuseWindowStart(config: Pick<Deps['config'], 'refreshReuseInterval'>, now: Date): Date | null {
  return config.refreshReuseInterval > 0 ? new Date(now.getTime() - config.refreshReuseInterval * 1000) : null;
}
