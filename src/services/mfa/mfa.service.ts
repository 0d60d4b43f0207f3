// MFA with an authenticator app (TOTP) and recovery codes: self-service enrolment and disabling,
// recovery, vendor unenrolment, and the pending-login flow that a password login turns into when
// the user has a verified authenticator. auth.service.ts calls the flow helpers; it owns sessions.
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { emailSchema, idSchema, parseInput } from '../validation.ts';
import { newTotpSecret, otpauthUri, totpStep } from './totp.ts';
import { loadMfaConfiguration } from './mfa-strategies.ts';
import { smsMfaPhonesOf } from './sms-mfa.service.ts';
import { MFA_FACTOR_TYPES, webauthnMfaDevicesOf, type WebAuthnDeviceView } from './webauthn-devices.ts';

type MfaDeps = Pick<Deps, 'db' | 'secrets' | 'clock'>;
type Db = MfaDeps['db'];

export const RECOVERY_CODE_COUNT = 10;
export const MFA_LOGIN_TTL_MS = 10 * 60 * 1000;
/** Attempts per pending login; the flow is dead after that and the user starts again with the password. */
export const MFA_LOGIN_MAX_ATTEMPTS = 5;

/** 10 base32 characters = 50 random bits: too many to guess, so a keyed hash (not argon2) suffices. */
export function newRecoveryCode(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from(randomBytes(10), (b) => alphabet[b & 31]).join('');
}
/** Users retype recovery codes: case, spaces and dashes are not part of the secret. */
const normalizeRecoveryCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

export interface MfaDevicesView {
  webauthn: WebAuthnDeviceView[];
  phones: { id: string; phoneNumber: string }[];
  authenticators: { id: string; name: string | null; createdAt: Date }[];
  emails: { id: string }[];
}

export async function mfaDevicesOf(db: Db, userId: string): Promise<MfaDevicesView> {
  const authenticators = await db.mfaDevice.findMany({
    where: { userId, type: 'TOTP', verifiedAt: { not: null } },
    select: { id: true, name: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
  });
  const phones = await smsMfaPhonesOf(db, userId);
  return { webauthn: await webauthnMfaDevicesOf(db, userId), phones, authenticators, emails: [] };
}

/**
 * Accepts a TOTP code once. RFC 6238 §5.2: a code whose step is at or before the last accepted
 * one is refused, and the step is advanced with a conditional UPDATE so two parallel requests
 * carrying the same code cannot both win. The caller cannot tell a replay from a wrong code.
 */
async function acceptTotp(deps: MfaDeps, userId: string, code: string, deviceId?: string): Promise<boolean> {
  const { db, secrets, clock } = deps;
  const now = clock.now();
  const devices = await db.mfaDevice.findMany({
    where: { userId, type: 'TOTP', verifiedAt: { not: null }, ...(deviceId ? { id: deviceId } : {}) },
    select: { id: true, secretEncrypted: true },
  });
  for (const d of devices) {
    if (!d.secretEncrypted) continue;
    const step = await totpStep(secrets.decrypt(d.secretEncrypted), code, now);
    if (step === null) continue;
    const won = await db.mfaDevice.updateMany({
      where: { id: d.id, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
      data: { lastUsedStep: step, lastUsedAt: now },
    });
    return won.count === 1;
  }
  return false;
}

/** Marks one unused recovery code used; the conditional UPDATE makes a code single-use under races. */
async function consumeRecoveryCode(deps: MfaDeps, userId: string, code: string): Promise<boolean> {
  const normalized = normalizeRecoveryCode(code);
  if (normalized.length < 10 || normalized.length > 64) return false;
  const r = await deps.db.recoveryCode.updateMany({
    where: { userId, codeHash: deps.secrets.hashToken(normalized), usedAt: null },
    data: { usedAt: deps.clock.now() },
  });
  return r.count === 1;
}

/** A TOTP code, or (where allowed) a recovery code. */
async function acceptSecondFactor(deps: MfaDeps, userId: string, code: string, o: { recovery: boolean; deviceId?: string }) {
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed)) return acceptTotp(deps, userId, trimmed, o.deviceId);
  return o.recovery ? consumeRecoveryCode(deps, userId, trimmed) : false;
}

export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  userId: string;
  /** False when MFA is forced and the user has no device yet: the step is to enrol one. */
  mfaEnrolled?: boolean;
  mfaDevices: MfaDevicesView;
  mfaStrategies: readonly string[];
}

const MfaLoginInput = z.object({
  mfaToken: z.string().min(1).max(512),
  value: z.string().max(128),
  deviceId: idSchema.nullish(),
});

/**
 * Spends one attempt of a pending login on a code, and on success completes the flow (once).
 * The attempt is counted before the code is checked, so the 6th try fails even with a good code.
 * Returns the user to start a session for.
 */
export async function completeMfaLogin(deps: MfaDeps, raw: z.input<typeof MfaLoginInput>): Promise<string> {
  const input = parseInput(MfaLoginInput, raw);
  const { db, secrets, clock } = deps;
  const now = clock.now();
  const tokenHash = secrets.hashToken(input.mfaToken);
  const live = { tokenHash, kind: 'MFA_LOGIN' as const, completedAt: null, expiresAt: { gt: now } };
  const counted = await db.authFlow.updateMany({
    where: { ...live, attempts: { lt: MFA_LOGIN_MAX_ATTEMPTS } },
    data: { attempts: { increment: 1 } },
  });
  if (counted.count !== 1) fail('mfa_token_invalid');
  const flow = (await db.authFlow.findUnique({ where: { tokenHash }, select: { id: true, userId: true } })) ?? fail('mfa_token_invalid');
  const ok = await acceptSecondFactor(deps, flow.userId, input.value, { recovery: false, deviceId: input.deviceId ?? undefined });
  if (!ok) fail('mfa_code_invalid');
  const done = await db.authFlow.updateMany({ where: { id: flow.id, completedAt: null }, data: { completedAt: now } });
  if (done.count !== 1) fail('mfa_token_invalid');
  return flow.userId;
}

const CodeInput = z.object({ token: z.string().trim().min(1, 'token is required').max(128) });
const DisableInput = CodeInput.extend({ deviceId: idSchema.nullish() });
const RecoverInput = z.object({ email: emailSchema, recoveryCode: z.string().trim().min(1).max(128) });

export function createMfaService(deps: MfaDeps & ThrottleDeps) {
  const { db, secrets, clock } = deps;

  /** Removes every second factor of a user (devices, pending enrolments, recovery codes). */
  /** Every second factor and the recovery codes; passkeys are a login of their own and stay. */
  const removeAllMfa = (userId: string) =>
    db.$transaction([
      db.mfaDevice.deleteMany({ where: { userId, type: { in: [...MFA_FACTOR_TYPES, 'SMS'] } } }),
      db.recoveryCode.deleteMany({ where: { userId } }),
    ]);

  return {
    devices: (userId: string) => mfaDevicesOf(db, userId),

    /**
     * Starts authenticator enrolment: a fresh secret kept encrypted in an unverified device; the
     * QR code (and its otpauth URI) is the only time the secret ever leaves the server.
     */
    async enrollAuthenticator(userId: string) {
      const user = (await db.user.findUnique({ where: { id: userId }, select: { email: true, username: true } })) ?? fail('user_not_found');
      if (await db.mfaDevice.count({ where: { userId, type: 'TOTP', verifiedAt: { not: null } } })) fail('mfa_already_enrolled');
      const config = await loadMfaConfiguration(db);
      if (!config.strategies.AuthenticatorApp) fail('mfa_strategy_disabled');
      const secret = newTotpSecret();
      const uri = otpauthUri(secret, user.email ?? user.username ?? userId, config.authenticationApp.serviceName);
      // One pending enrolment at a time: a restarted enrolment invalidates the earlier QR code.
      await db.$transaction([
        db.mfaDevice.deleteMany({ where: { userId, type: 'TOTP', verifiedAt: null } }),
        db.mfaDevice.create({ data: { userId, type: 'TOTP', name: 'Authenticator app', secretEncrypted: secrets.encrypt(secret) } }),
      ]);
      return { qrCode: await QRCode.toDataURL(uri), otpauthUri: uri };
    },

    /** Confirms enrolment with a first code and issues the recovery codes (shown once, stored hashed). */
    async verifyAuthenticatorEnrollment(userId: string, raw: z.input<typeof CodeInput>) {
      const input = parseInput(CodeInput, raw);
      const now = clock.now();
      const pending =
        (await db.mfaDevice.findFirst({
          where: { userId, type: 'TOTP', verifiedAt: null },
          orderBy: { createdAt: 'desc' },
          select: { id: true, secretEncrypted: true },
        })) ?? fail('mfa_enrollment_not_found');
      const step = pending.secretEncrypted ? await totpStep(secrets.decrypt(pending.secretEncrypted), input.token, now) : null;
      if (step === null) fail('mfa_code_invalid');
      const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      await db.$transaction(async (tx) => {
        const won = await tx.mfaDevice.updateMany({
          where: { id: pending.id, verifiedAt: null },
          data: { verifiedAt: now, lastUsedStep: step, lastUsedAt: now },
        });
        if (won.count !== 1) fail('mfa_enrollment_not_found');
        await tx.recoveryCode.deleteMany({ where: { userId } });
        await tx.recoveryCode.createMany({ data: recoveryCodes.map((c) => ({ userId, codeHash: secrets.hashToken(c) })) });
      });
      return { deviceId: pending.id, recoveryCodes };
    },

    /**
     * Disables the authenticator (one device, or all) after proving possession with a current
     * code or a recovery code; with no authenticator left the recovery codes go too.
     */
    async disableAuthenticator(userId: string, raw: z.input<typeof DisableInput>) {
      const input = parseInput(DisableInput, raw);
      const deviceId = input.deviceId ?? undefined;
      if (deviceId && !(await db.mfaDevice.count({ where: { id: deviceId, userId, type: 'TOTP', verifiedAt: { not: null } } }))) {
        fail('mfa_device_not_found');
      }
      if (!(await db.mfaDevice.count({ where: { userId, type: 'TOTP', verifiedAt: { not: null } } }))) fail('mfa_not_enrolled');
      // A stolen session must not guess its way to switching MFA off.
      await deps.throttle.attempt('mfa', { account: userId }, async () => {
        if (!(await acceptSecondFactor(deps, userId, input.token, { recovery: true, deviceId }))) fail('mfa_code_invalid');
      });
      await db.$transaction(async (tx) => {
        await tx.mfaDevice.deleteMany({ where: { userId, type: 'TOTP', ...(deviceId ? { id: deviceId } : {}) } });
        const factorsLeft = await tx.mfaDevice.count({ where: { userId, type: { in: [...MFA_FACTOR_TYPES, 'SMS'] }, verifiedAt: { not: null } } });
        if (!factorsLeft) await tx.recoveryCode.deleteMany({ where: { userId } });
      });
      return true;
    },

    /**
     * Frontegg's "recover MFA": a valid recovery code removes the user's MFA, and the user then
     * logs in with the password alone. Unknown email and wrong code answer alike.
     */
    async recover(raw: z.input<typeof RecoverInput>, client: ClientInfo = {}) {
      const input = parseInput(RecoverInput, raw);
      // Counted per address as typed, before the lookup: unknown addresses spend alike.
      const user = await deps.throttle.attempt('mfa', { ip: client.ipAddress, account: input.email }, async () => {
        const user = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
        if (!user || !(await consumeRecoveryCode(deps, user.id, input.recoveryCode))) fail('mfa_recovery_code_invalid');
        return user;
      });
      await removeAllMfa(user.id);
      return true;
    },

    /** Vendor-only: removes all of a user's MFA (e.g. a lost phone reported to support). */
    async unenroll(userId: string) {
      if (!(await db.user.findUnique({ where: { id: userId }, select: { id: true } }))) fail('user_not_found');
      await removeAllMfa(userId);
      return true;
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
