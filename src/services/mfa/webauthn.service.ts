// WebAuthn (@simplewebauthn/server): security keys and platform authenticators as a second factor
// (self-service enrolment/disable, the MFA step of a login, enrolment during a login), and
// passkeys (passwordless login, user-verified, discoverable).
//
// Every ceremony's challenge is a 256-bit random value the server stores only as a keyed hash of
// "purpose:binding:challenge" in a WEBAUTHN_CHALLENGE one-time token: it is spent with one
// conditional UPDATE before the response is checked (single use even under races, and a failed
// try burns it), it expires after CHALLENGE_TTL_MS, and it cannot be spent for another purpose,
// another user, another pending login or another device than the one it was issued for.
// The browser echoes the challenge in clientDataJSON, which is how the verify step finds it;
// Frontegg's `webauthnToken` is that same challenge and, when sent, must match.
import { randomBytes } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeClientDataJSON, isoBase64URL } from '@simplewebauthn/server/helpers';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { safeEqual } from '../../platform/crypto.ts';
import { Prisma, type Tx } from '../../platform/db.ts';
import type { AuthResult } from '../auth/auth.service.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { mfaFlowAccount } from './mfa-flow-account.ts';
import { emailSchema, idSchema, parseInput } from '../validation.ts';
import { MFA_LOGIN_MAX_ATTEMPTS, RECOVERY_CODE_COUNT, newRecoveryCode } from './mfa.service.ts';
import { MFA_FACTOR_TYPES, WEBAUTHN_DEVICE_TYPES, passkeysOf, type WebAuthnDeviceType } from './webauthn-devices.ts';

export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** What the browser is told to wait for; the server-side expiry above is what counts. */
const CEREMONY_TIMEOUT_MS = 60_000;

type Purpose = 'mfa-enroll' | 'mfa-disable' | 'mfa-login' | 'mfa-login-enroll' | 'passkey-register' | 'passkey-login';

type WebAuthnDeps = Pick<Deps, 'db' | 'secrets' | 'clock' | 'config'> & ThrottleDeps & {
  /** Starts a session for a user who proved themselves (auth.service owns sessions; injected, so no import cycle). */
  startSession: (userId: string, client: ClientInfo) => Promise<AuthResult>;
};

// Browsers send binary fields base64url-encoded (PublicKeyCredential.toJSON, Frontegg's client).
const b64url = z.string().min(1).max(16_384).regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url');
const extensions = z.record(z.string(), z.unknown()).default({});

const AttestationSchema = z.object({
  id: b64url,
  rawId: b64url.optional(),
  type: z.literal('public-key').default('public-key'),
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).nullish(),
  clientExtensionResults: extensions,
});

const AssertionSchema = z.object({
  id: b64url,
  rawId: b64url.optional(),
  type: z.literal('public-key').default('public-key'),
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.nullish(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).nullish(),
  clientExtensionResults: extensions,
});

const webauthnToken = z.string().max(512).nullish();
const mfaToken = z.string().min(1).max(512);
const deviceType = z.enum(WEBAUTHN_DEVICE_TYPES).nullish();

const EnrollInput = z.object({ webauthnToken, deviceType, credential: AttestationSchema });
const AssertInput = z.object({ deviceId: idSchema, webauthnToken, credential: AssertionSchema });
const MfaStartInput = z.object({ mfaToken, deviceId: idSchema });
const MfaVerifyInput = AssertInput.extend({ mfaToken });
const EnrollAtLoginStartInput = z.object({ mfaToken });
const EnrollAtLoginInput = EnrollInput.extend({ mfaToken });
const PasskeyRegisterInput = z.object({ credential: AttestationSchema, name: z.string().trim().max(255).nullish() });
const PasskeyLoginStartInput = z.object({ email: emailSchema.nullish() });
const PasskeyLoginInput = z.object({ credential: AssertionSchema });

type Attestation = z.output<typeof AttestationSchema>;
/** What transports hand over: the browser's credential JSON, checked by the schemas above. */
type CredentialJson = Record<string, unknown>;
interface EnrollRaw {
  credential: CredentialJson;
  webauthnToken?: string | null;
  deviceType?: string | null;
}
interface AssertRaw {
  deviceId: string;
  credential: CredentialJson;
  webauthnToken?: string | null;
}
type Assertion = z.output<typeof AssertionSchema>;

export interface WebAuthnOptions {
  options: Record<string, unknown>;
  /** Frontegg's webauthnToken: the challenge itself (public; only its hash is stored). */
  webauthnToken: string;
}

export interface WebAuthnMfaEnrollment {
  deviceId: string;
  /** Issued only when this is the user's first second factor (as TOTP enrolment does); shown once. */
  recoveryCodes: string[];
}

/** The challenge a response answers, read from its clientDataJSON (checked against the store, not trusted). */
function challengeOf(clientDataJSON: string): string {
  try {
    const { challenge } = decodeClientDataJSON(clientDataJSON);
    if (typeof challenge === 'string' && challenge.length > 0 && challenge.length <= 128) return challenge;
  } catch {
    /* answered below */
  }
  return fail('webauthn_verification_failed');
}

const asRegistrationJSON = (c: Attestation): RegistrationResponseJSON => ({
  ...c,
  rawId: c.rawId ?? c.id,
  authenticatorAttachment: c.authenticatorAttachment ?? undefined,
  response: { ...c.response, transports: c.response.transports as RegistrationResponseJSON['response']['transports'] },
});

const asAuthenticationJSON = (c: Assertion): AuthenticationResponseJSON => ({
  ...c,
  rawId: c.rawId ?? c.id,
  authenticatorAttachment: c.authenticatorAttachment ?? undefined,
  response: { ...c.response, userHandle: c.response.userHandle ?? undefined },
});

const utf8 = new TextEncoder();
const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

export function createWebAuthnService(deps: WebAuthnDeps) {
  const { db, secrets, clock, config, startSession } = deps;
  const rp = config.webauthn;

  const challengeHash = (purpose: Purpose, binding: string, challenge: string) => secrets.hashToken(`webauthn:${purpose}:${binding}:${challenge}`);

  async function issueChallenge(purpose: Purpose, binding: string, userId: string | null): Promise<string> {
    const challenge = randomBytes(32).toString('base64url');
    const now = clock.now();
    // Prelogin is public, so challenges are swept as they are issued: the table holds at most
    // the last few minutes' worth (the expiresAt index makes this cheap).
    await db.oneTimeToken.deleteMany({ where: { type: 'WEBAUTHN_CHALLENGE', OR: [{ expiresAt: { lte: now } }, { usedAt: { not: null } }] } });
    await db.oneTimeToken.create({
      data: {
        type: 'WEBAUTHN_CHALLENGE',
        userId,
        tokenHash: challengeHash(purpose, binding, challenge),
        maxAttempts: 1,
        payload: { purpose },
        expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
      },
    });
    return challenge;
  }

  /**
   * Spends the challenge a response carries, before the response is verified: a challenge is
   * good for one try, right or wrong. A webauthnToken that names another challenge is refused.
   */
  async function spendChallenge(purpose: Purpose, binding: string, userId: string | null, clientDataJSON: string, token?: string | null) {
    const challenge = challengeOf(clientDataJSON);
    if (token && !safeEqual(token, challenge)) fail('webauthn_challenge_invalid');
    const now = clock.now();
    const spent = await db.oneTimeToken.updateMany({
      where: { type: 'WEBAUTHN_CHALLENGE', tokenHash: challengeHash(purpose, binding, challenge), userId, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now, attempts: { increment: 1 } },
    });
    if (spent.count !== 1) fail('webauthn_challenge_invalid');
    return challenge;
  }

  async function registrationOptions(userId: string, purpose: Purpose, binding: string, passkey: boolean): Promise<WebAuthnOptions> {
    const user = (await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, username: true, name: true } })) ?? fail('user_not_found');
    // Every credential the user already has is excluded, so one authenticator is not registered twice.
    const existing = await db.mfaDevice.findMany({
      where: { userId, type: { in: ['WEBAUTHN', 'PASSKEY'] }, credentialId: { not: null } },
      select: { credentialId: true, transports: true },
    });
    const challenge = await issueChallenge(purpose, binding, userId);
    const options = await generateRegistrationOptions({
      rpName: rp.rpName,
      rpID: rp.rpId,
      userName: user.email ?? user.username ?? user.id,
      userDisplayName: user.name ?? user.email ?? '',
      // The user handle is the user id, so a passkey assertion names its owner (checked at login).
      userID: utf8.encode(user.id),
      challenge: isoBase64URL.toBuffer(challenge),
      timeout: CEREMONY_TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: existing.map((d) => ({ id: d.credentialId!, transports: d.transports })),
      // A passkey replaces the password, so it must be discoverable and verify the user (PIN,
      // biometrics): possession plus verification is two factors on its own.
      authenticatorSelection: passkey
        ? { residentKey: 'required', requireResidentKey: true, userVerification: 'required' }
        : { residentKey: 'discouraged', userVerification: 'preferred' },
    });
    return { options: options as unknown as Record<string, unknown>, webauthnToken: challenge };
  }

  async function authenticationOptions(
    purpose: Purpose,
    binding: string,
    userId: string | null,
    allow: { credentialId: string | null; transports: string[] }[],
    userVerification: 'required' | 'preferred',
  ): Promise<WebAuthnOptions> {
    const challenge = await issueChallenge(purpose, binding, userId);
    const options = await generateAuthenticationOptions({
      rpID: rp.rpId,
      challenge: isoBase64URL.toBuffer(challenge),
      timeout: CEREMONY_TIMEOUT_MS,
      userVerification,
      allowCredentials: allow.filter((d) => d.credentialId).map((d) => ({ id: d.credentialId!, transports: d.transports })),
    });
    return { options: options as unknown as Record<string, unknown>, webauthnToken: challenge };
  }

  /** Checks an attestation against the spent challenge, the configured origins and the RP id. */
  async function verifyAttestation(credential: Attestation, challenge: string, requireUserVerification: boolean) {
    let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      result = await verifyRegistrationResponse({
        response: asRegistrationJSON(credential),
        expectedChallenge: challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.rpId,
        requireUserVerification,
      });
    } catch {
      return fail('webauthn_verification_failed');
    }
    if (!result.verified) fail('webauthn_verification_failed');
    return result.registrationInfo;
  }

  type StoredDevice = { id: string; userId: string; credentialId: string | null; publicKey: Uint8Array | null; signCount: number; transports: string[] };
  const storedDeviceSelect = { id: true, userId: true, credentialId: true, publicKey: true, signCount: true, transports: true } as const;

  /**
   * Checks an assertion (signature, origin, RP id, challenge, counter) and records the new
   * counter. The library refuses a counter that did not grow (a cloned authenticator); the
   * conditional UPDATE refuses a parallel use that read the same stored counter.
   */
  async function verifyAssertion(credential: Assertion, challenge: string, device: StoredDevice, requireUserVerification: boolean) {
    if (!device.credentialId || !device.publicKey) fail('webauthn_verification_failed');
    let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      result = await verifyAuthenticationResponse({
        response: asAuthenticationJSON(credential),
        expectedChallenge: challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.rpId,
        credential: { id: device.credentialId, publicKey: new Uint8Array(device.publicKey), counter: device.signCount, transports: device.transports },
        requireUserVerification,
      });
    } catch {
      return fail('webauthn_verification_failed');
    }
    if (!result.verified) fail('webauthn_verification_failed');
    const won = await db.mfaDevice.updateMany({
      where: { id: device.id, signCount: device.signCount },
      data: { signCount: result.authenticationInfo.newCounter, lastUsedAt: clock.now() },
    });
    if (won.count !== 1) fail('webauthn_verification_failed');
  }

  /**
   * Stores a verified credential. The first second factor also brings the recovery codes (shown
   * once, stored hashed), as authenticator enrolment does; later ones keep the existing codes.
   */
  async function storeCredentialIn(
    tx: Tx,
    userId: string,
    type: 'WEBAUTHN' | 'PASSKEY',
    info: Awaited<ReturnType<typeof verifyAttestation>>,
    credential: Attestation,
    kind: WebAuthnDeviceType,
  ): Promise<WebAuthnMfaEnrollment> {
    const now = clock.now();
    const first = type === 'WEBAUTHN' && (await tx.mfaDevice.count({ where: { userId, type: { in: [...MFA_FACTOR_TYPES] }, verifiedAt: { not: null } } })) === 0;
    const device = await tx.mfaDevice.create({
      data: {
        userId,
        type,
        name: kind,
        credentialId: info.credential.id,
        publicKey: new Uint8Array(info.credential.publicKey),
        signCount: info.credential.counter,
        transports: credential.response.transports ?? info.credential.transports ?? [],
        verifiedAt: now,
      },
      select: { id: true },
    });
    const recoveryCodes = first ? Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode) : [];
    if (first) {
      await tx.recoveryCode.deleteMany({ where: { userId } });
      await tx.recoveryCode.createMany({ data: recoveryCodes.map((c) => ({ userId, codeHash: secrets.hashToken(c) })) });
    }
    return { deviceId: device.id, recoveryCodes };
  }

  /** Runs the store in a transaction; an authenticator registered anywhere already is a conflict. */
  async function storeCredential(userId: string, type: 'WEBAUTHN' | 'PASSKEY', info: Awaited<ReturnType<typeof verifyAttestation>>, credential: Attestation, kind: WebAuthnDeviceType, more?: (tx: Tx) => Promise<void>) {
    if (await db.mfaDevice.findUnique({ where: { credentialId: info.credential.id }, select: { id: true } })) fail('webauthn_credential_exists');
    try {
      return await db.$transaction(async (tx) => {
        const r = await storeCredentialIn(tx, userId, type, info, credential, kind);
        await more?.(tx);
        return r;
      });
    } catch (e) {
      if (isUniqueViolation(e)) fail('webauthn_credential_exists');
      throw e;
    }
  }

  const kindOf = (declared: WebAuthnDeviceType | null | undefined, c: Attestation): WebAuthnDeviceType =>
    declared ?? (c.authenticatorAttachment === 'platform' ? 'Platform' : 'CrossPlatform');

  // --- pending logins (AuthFlow rows written by the password/passwordless login or the MFA policy)

  const flowWhere = (kind: 'MFA_LOGIN' | 'MFA_ENROLL_AT_LOGIN', token: string) => ({
    tokenHash: secrets.hashToken(token),
    kind,
    completedAt: null,
    expiresAt: { gt: clock.now() },
    attempts: { lt: MFA_LOGIN_MAX_ATTEMPTS },
  });

  async function liveFlow(kind: 'MFA_LOGIN' | 'MFA_ENROLL_AT_LOGIN', token: string) {
    return (await db.authFlow.findFirst({ where: flowWhere(kind, token), select: { id: true, userId: true } })) ?? fail('mfa_token_invalid');
  }

  /** Counts one attempt of the pending login before anything is checked (as the TOTP step does). */
  async function spendFlowAttempt(kind: 'MFA_LOGIN' | 'MFA_ENROLL_AT_LOGIN', token: string) {
    const where = flowWhere(kind, token);
    const counted = await db.authFlow.updateMany({ where, data: { attempts: { increment: 1 } } });
    if (counted.count !== 1) fail('mfa_token_invalid');
    return (await db.authFlow.findUnique({ where: { tokenHash: where.tokenHash }, select: { id: true, userId: true } })) ?? fail('mfa_token_invalid');
  }

  /** Finishes a pending login once: a second completion (a race) loses. */
  async function completeFlowIn(tx: Tx, flowId: string) {
    const done = await tx.authFlow.updateMany({ where: { id: flowId, completedAt: null }, data: { completedAt: clock.now() } });
    if (done.count !== 1) fail('mfa_token_invalid');
  }

  const mfaDevice = (userId: string, deviceId: string) =>
    db.mfaDevice.findFirst({ where: { id: deviceId, userId, type: 'WEBAUTHN', verifiedAt: { not: null } }, select: storedDeviceSelect });

  /** The device an assertion must come from; a different credential answers like a bad signature. */
  async function assertingDevice(userId: string, deviceId: string, credential: Assertion) {
    const device = await mfaDevice(userId, deviceId);
    if (!device || device.credentialId !== credential.id || (credential.rawId && credential.rawId !== credential.id)) fail('webauthn_verification_failed');
    return device;
  }

  return {
    passkeys: (userId: string) => passkeysOf(db, userId),

    // --- WebAuthn as a second factor, self-service

    /** Registration options for a new security key / platform authenticator as a second factor. */
    startMfaEnrollment: (userId: string) => registrationOptions(userId, 'mfa-enroll', userId, false),

    async verifyMfaEnrollment(userId: string, raw: EnrollRaw): Promise<WebAuthnMfaEnrollment> {
      const input = parseInput(EnrollInput, raw);
      const challenge = await spendChallenge('mfa-enroll', userId, userId, input.credential.response.clientDataJSON, input.webauthnToken);
      const info = await verifyAttestation(input.credential, challenge, false);
      return storeCredential(userId, 'WEBAUTHN', info, input.credential, kindOf(input.deviceType, input.credential));
    },

    /** Options to prove possession of the device before it is removed. */
    async startMfaDisable(userId: string, deviceId: string): Promise<WebAuthnOptions> {
      const id = parseInput(idSchema, deviceId);
      const device = (await mfaDevice(userId, id)) ?? fail('mfa_device_not_found');
      return authenticationOptions('mfa-disable', device.id, userId, [device], 'preferred');
    },

    /** Removes the device after an assertion from it; with no second factor left the recovery codes go too. */
    async disableMfaDevice(userId: string, raw: AssertRaw) {
      const input = parseInput(AssertInput, raw);
      if (!(await mfaDevice(userId, input.deviceId))) fail('mfa_device_not_found');
      const challenge = await spendChallenge('mfa-disable', input.deviceId, userId, input.credential.response.clientDataJSON, input.webauthnToken);
      await verifyAssertion(input.credential, challenge, await assertingDevice(userId, input.deviceId, input.credential), false);
      await db.$transaction(async (tx) => {
        await tx.mfaDevice.deleteMany({ where: { id: input.deviceId, userId, type: 'WEBAUTHN' } });
        if (!(await tx.mfaDevice.count({ where: { userId, type: { in: [...MFA_FACTOR_TYPES] }, verifiedAt: { not: null } } }))) {
          await tx.recoveryCode.deleteMany({ where: { userId } });
        }
      });
      return true;
    },

    // --- WebAuthn as the MFA step of a login

    /** Options for one of the pending login's user's devices; nothing is spent yet. */
    async startMfaLogin(raw: z.input<typeof MfaStartInput>): Promise<WebAuthnOptions> {
      const input = parseInput(MfaStartInput, raw);
      const flow = await liveFlow('MFA_LOGIN', input.mfaToken);
      const device = (await mfaDevice(flow.userId, input.deviceId)) ?? fail('mfa_device_not_found');
      return authenticationOptions('mfa-login', `${flow.id}:${device.id}`, flow.userId, [device], 'preferred');
    },

    /** Spends an attempt, checks the assertion from that device, completes the login once, starts the session. */
    async verifyMfaLogin(raw: AssertRaw & { mfaToken: string }, client: ClientInfo): Promise<AuthResult> {
      const input = parseInput(MfaVerifyInput, raw);
      const flow = await deps.throttle.attempt('mfa', { ip: client.ipAddress, account: await mfaFlowAccount(deps, input.mfaToken) }, async () => {
        const flow = await spendFlowAttempt('MFA_LOGIN', input.mfaToken);
        const challenge = await spendChallenge('mfa-login', `${flow.id}:${input.deviceId}`, flow.userId, input.credential.response.clientDataJSON, input.webauthnToken);
        await verifyAssertion(input.credential, challenge, await assertingDevice(flow.userId, input.deviceId, input.credential), false);
        return flow;
      });
      await completeFlowIn(db, flow.id);
      return startSession(flow.userId, client);
    },

    /** Registration options for a user whose login waits for a first second factor (MFA_ENROLL_AT_LOGIN). */
    async startEnrollmentAtLogin(raw: z.input<typeof EnrollAtLoginStartInput>): Promise<WebAuthnOptions> {
      const input = parseInput(EnrollAtLoginStartInput, raw);
      const flow = await liveFlow('MFA_ENROLL_AT_LOGIN', input.mfaToken);
      return registrationOptions(flow.userId, 'mfa-login-enroll', flow.id, false);
    },

    /** Enrols the device, completes the pending login in the same transaction, and starts the session. */
    async verifyEnrollmentAtLogin(raw: EnrollRaw & { mfaToken: string }, client: ClientInfo): Promise<{ session: AuthResult; recoveryCode: string | null }> {
      const input = parseInput(EnrollAtLoginInput, raw);
      const flow = await spendFlowAttempt('MFA_ENROLL_AT_LOGIN', input.mfaToken);
      const challenge = await spendChallenge('mfa-login-enroll', flow.id, flow.userId, input.credential.response.clientDataJSON, input.webauthnToken);
      const info = await verifyAttestation(input.credential, challenge, false);
      const enrolled = await storeCredential(flow.userId, 'WEBAUTHN', info, input.credential, kindOf(input.deviceType, input.credential), (tx) =>
        completeFlowIn(tx, flow.id),
      );
      return { session: await startSession(flow.userId, client), recoveryCode: enrolled.recoveryCodes[0] ?? null };
    },

    // --- passkeys

    startPasskeyRegistration: (userId: string) => registrationOptions(userId, 'passkey-register', userId, true),

    async verifyPasskeyRegistration(userId: string, raw: { credential: CredentialJson; name?: string | null }) {
      const input = parseInput(PasskeyRegisterInput, raw);
      const challenge = await spendChallenge('passkey-register', userId, userId, input.credential.response.clientDataJSON);
      const info = await verifyAttestation(input.credential, challenge, true);
      const { deviceId } = await storeCredential(userId, 'PASSKEY', info, input.credential, kindOf(null, input.credential));
      return (await passkeysOf(db, userId)).find((d) => d.id === deviceId)!;
    },

    async deletePasskey(userId: string, deviceId: string) {
      const id = parseInput(idSchema, deviceId);
      const r = await db.mfaDevice.deleteMany({ where: { id, userId, type: 'PASSKEY' } });
      if (r.count !== 1) fail('webauthn_device_not_found');
      return true;
    },

    /**
     * Options for a passkey login. The answer never depends on the email (no allowCredentials,
     * no user binding): the authenticator offers its discoverable credentials and the assertion
     * names the user, so a known and an unknown address look the same.
     */
    async startPasskeyLogin(raw: z.input<typeof PasskeyLoginStartInput>): Promise<WebAuthnOptions> {
      parseInput(PasskeyLoginStartInput, raw);
      return authenticationOptions('passkey-login', '-', null, [], 'required');
    },

    /** Logs in with a user-verified passkey assertion; the passkey stands for both factors, so no MFA step follows. */
    async loginWithPasskey(raw: { credential: CredentialJson }, client: ClientInfo): Promise<AuthResult> {
      const input = parseInput(PasskeyLoginInput, raw);
      // A passkey names no account before it is verified: only the client's failure budget applies.
      const userId = await deps.throttle.attempt('mfa', { ip: client.ipAddress }, async () => {
        const challenge = await spendChallenge('passkey-login', '-', null, input.credential.response.clientDataJSON);
        const device = await db.mfaDevice.findFirst({ where: { credentialId: input.credential.id, type: 'PASSKEY', verifiedAt: { not: null } }, select: storedDeviceSelect });
        if (!device || (input.credential.rawId && input.credential.rawId !== input.credential.id)) fail('webauthn_verification_failed');
        const handle = input.credential.response.userHandle;
        if (handle && Buffer.from(handle, 'base64url').toString('utf8') !== device.userId) fail('webauthn_verification_failed');
        await verifyAssertion(input.credential, challenge, device, true);
        return device.userId;
      });
      return startSession(userId, client);
    },
  };
}

export type WebAuthnService = ReturnType<typeof createWebAuthnService>;
