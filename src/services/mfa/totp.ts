// RFC 6238 TOTP primitives (otplib v13 functional API). Kept free of storage so the replay rule
// (RFC 6238 §5.2) lives in one place, mfa.service.ts, next to the atomic step update.
import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'Gatehouse';

/** 20 random bytes (160 bits, RFC 4226 §4's recommended length), base32 for authenticator apps. */
export const newTotpSecret = () => generateSecret();

/** issuer: the vendor's authenticator-app service name (MFA configuration), shown in the app. */
export const otpauthUri = (secret: string, account: string, issuer: string = TOTP_ISSUER) =>
  generateURI({ issuer, label: account, secret, period: TOTP_PERIOD_SECONDS });

/**
 * The time step a code belongs to, or null. One step either side is accepted (RFC 6238 §5.2's
 * "at most one time step" of network delay/clock drift); the caller must still refuse steps it
 * has already accepted.
 */
export async function totpStep(secret: string, code: string, now: Date): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    period: TOTP_PERIOD_SECONDS,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: TOTP_PERIOD_SECONDS,
  });
  // The functional API's result type also covers HOTP; a valid TOTP result carries timeStep.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
