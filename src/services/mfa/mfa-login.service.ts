// MFA at login, the shared framework every factor plugs into:
// - the decision after the first factor (mfaStepAtLogin): no MFA, or a pending flow. A user with
//   a usable device gets an MFA_LOGIN flow; a user without one, when the policy forces MFA, gets
//   an MFA_ENROLL_AT_LOGIN flow (mfaEnrolled: false) in which they may enrol a device or, if the
//   vendor enabled it, pass with an emailed code. A remembered device skips both.
// - the flow helpers (find, spend an attempt, complete once) other factors (SMS, WebAuthn) reuse;
// - remember-this-device tokens; the authenticator (verify, enrol at login) and email-code factors.
// Starting the session is injected (auth.service owns sessions), as for passwordless.
import { maskPhone } from '../sms/phone.ts';
import { deviceTypeOf } from './webauthn-devices.ts';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { randomDigits, randomToken, safeEqual } from '../../platform/crypto.ts';
import type { Prisma } from '../../platform/db.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { mfaFlowAccount } from './mfa-flow-account.ts';
import { renderCodeTemplate } from '../mail/templates.ts';
import { assertMailAvailable, checkCode, deliver } from '../users/account-tokens.ts';
import { idSchema, parseInput } from '../validation.ts';
import { mfaLoginPolicyForUser, mfaLoginPolicyFromRows } from './mfa-policy.service.ts';
import {
  assertStrategyEnabled,
  ENROLLABLE_STRATEGIES,
  enabledDeviceTypes,
  enabledStrategies,
  loadMfaConfiguration,
  readMfaConfiguration,
  STRATEGY_DEVICE_TYPES,
  type MfaStrategy,
} from './mfa-strategies.ts';
import { completeMfaLogin, MFA_LOGIN_MAX_ATTEMPTS, MFA_LOGIN_TTL_MS, type MfaChallenge, type MfaDevicesView, type MfaService } from './mfa.service.ts';

type FlowDeps = Pick<Deps, 'db' | 'secrets' | 'clock'>;
type FlowKind = 'MFA_LOGIN' | 'MFA_ENROLL_AT_LOGIN';
const ANY_FLOW: readonly FlowKind[] = ['MFA_LOGIN', 'MFA_ENROLL_AT_LOGIN'];

/** Digits of the emailed MFA code, and its tries (the right one included). */
const EMAIL_CODE_DIGITS = 6;
const EMAIL_CODE_MAX_ATTEMPTS = 5;

// ---- the pending-login flow ----------------------------------------------------------------

const liveWhere = (deps: FlowDeps, mfaToken: string, kinds: readonly FlowKind[]) => ({
  tokenHash: deps.secrets.hashToken(mfaToken),
  kind: { in: [...kinds] },
  completedAt: null,
  expiresAt: { gt: deps.clock.now() },
});

const validToken = (mfaToken: unknown): mfaToken is string => typeof mfaToken === 'string' && mfaToken.length > 0 && mfaToken.length <= 512;

/** A live flow of one of `kinds`, without spending an attempt (requests that check no secret). */
export async function findMfaFlow(deps: FlowDeps, mfaToken: string, kinds: readonly FlowKind[] = ANY_FLOW) {
  if (!validToken(mfaToken)) fail('mfa_token_invalid');
  const flow = await deps.db.authFlow.findFirst({
    where: { ...liveWhere(deps, mfaToken, kinds), attempts: { lt: MFA_LOGIN_MAX_ATTEMPTS } },
    select: { id: true, userId: true, kind: true },
  });
  return flow ?? fail('mfa_token_invalid');
}

/**
 * Spends one attempt of a live flow before any secret is checked (conditional increment, so
 * parallel guesses cannot pass the limit). Every factor shares the flow's attempts, so asking for
 * fresh codes does not buy more guesses.
 */
export async function spendMfaFlowAttempt(deps: FlowDeps, mfaToken: string, kinds: readonly FlowKind[] = ANY_FLOW) {
  if (!validToken(mfaToken)) fail('mfa_token_invalid');
  const where = liveWhere(deps, mfaToken, kinds);
  const counted = await deps.db.authFlow.updateMany({ where: { ...where, attempts: { lt: MFA_LOGIN_MAX_ATTEMPTS } }, data: { attempts: { increment: 1 } } });
  if (counted.count !== 1) fail('mfa_token_invalid');
  return (await deps.db.authFlow.findFirst({ where: { tokenHash: where.tokenHash }, select: { id: true, userId: true, kind: true } })) ?? fail('mfa_token_invalid');
}

/** Completes a flow once (compare-and-set): of two concurrent successes only one logs in. */
export async function completeMfaFlow(deps: FlowDeps, flowId: string) {
  const done = await deps.db.authFlow.updateMany({ where: { id: flowId, completedAt: null }, data: { completedAt: deps.clock.now() } });
  if (done.count !== 1) fail('mfa_token_invalid');
}

// ---- remembered devices ----------------------------------------------------------------------

export interface RememberedDevice {
  /** The cookie value; only its hash is stored. */
  token: string;
  maxAgeSeconds: number;
}

/**
 * After a passed second factor, when asked and the policy allows it: a random device token,
 * stored hashed, bound to the user, expiring after the policy's mfaDeviceExpiration. A request
 * the policy does not allow is ignored (Frontegg answers the login alike).
 */
export async function rememberDeviceFor(deps: FlowDeps, userId: string, requested: boolean | null | undefined): Promise<RememberedDevice | null> {
  if (!requested) return null;
  const { rememberDeviceSeconds } = await mfaLoginPolicyForUser(deps.db, userId);
  if (rememberDeviceSeconds === null) return null;
  const now = deps.clock.now();
  const token = randomToken(32);
  await deps.db.$transaction([
    // Expired tokens of the user are dead weight; dropping them here keeps the table small.
    deps.db.oneTimeToken.deleteMany({ where: { userId, type: 'MFA_REMEMBER_DEVICE', expiresAt: { lte: now } } }),
    deps.db.oneTimeToken.create({
      // createdAt from the service clock: the policy's current expiration is measured from it.
      data: {
        type: 'MFA_REMEMBER_DEVICE',
        userId,
        tokenHash: deps.secrets.hashToken(token),
        createdAt: now,
        expiresAt: new Date(now.getTime() + rememberDeviceSeconds * 1000),
      },
    }),
  ]);
  return { token, maxAgeSeconds: rememberDeviceSeconds };
}

/**
 * Whether the presented device token is this user's, unexpired, and still within what the policy
 * allows now (a policy that stops allowing it, or shortens it, applies to earlier tokens too).
 */
async function isRememberedDevice(deps: FlowDeps, userId: string, deviceToken: string | null | undefined, rememberDeviceSeconds: number | null) {
  if (!deviceToken || deviceToken.length > 512 || rememberDeviceSeconds === null) return false;
  const row = await deps.db.oneTimeToken.findUnique({
    where: { tokenHash: deps.secrets.hashToken(deviceToken) },
    select: { type: true, userId: true, usedAt: true, expiresAt: true, createdAt: true },
  });
  const now = deps.clock.now().getTime();
  return (
    !!row &&
    row.type === 'MFA_REMEMBER_DEVICE' &&
    row.userId === userId &&
    !row.usedAt &&
    row.expiresAt.getTime() > now &&
    row.createdAt.getTime() + rememberDeviceSeconds * 1000 > now
  );
}

// ---- the decision at login -------------------------------------------------------------------

const devicesView = (
  devices: Array<{ id: string; type: string; name: string | null; phoneNumber: string | null; createdAt: Date; lastUsedAt: Date | null }>,
): MfaDevicesView => ({
  authenticators: devices.filter((d) => d.type === 'TOTP').map((d) => ({ id: d.id, name: d.name, createdAt: d.createdAt })),
  // Masked: the MFA step is shown before the second factor, to whoever knows the password.
  phones: devices.filter((d) => d.type === 'SMS').map((d) => ({ id: d.id, phoneNumber: maskPhone(d.phoneNumber ?? '') })),
  webauthn: devices
    .filter((d) => d.type === 'WEBAUTHN')
    .map((d) => ({ id: d.id, name: d.name, deviceType: deviceTypeOf(d.name), createdAt: d.createdAt, lastUsedAt: d.lastUsedAt })),
  emails: [],
});

/**
 * After the first factor: null (start the session), or the pending MFA step. Devices count only
 * while their strategy is enabled; mfaStrategies are the enabled ones the user can use now (or,
 * not yet enrolled, the enabled ones they can enrol, plus the email code).
 */
export async function mfaStepAtLogin(
  deps: FlowDeps,
  user: { id: string; email: string | null; mfaBypass: boolean },
  deviceToken: string | null | undefined,
): Promise<MfaChallenge | null> {
  if (user.mfaBypass) return null;
  const { db } = deps;
  // Every login asks this, so one statement reads it all: the vendor's strategies, the MFA
  // policy rows of the user's tenants and the vendor (newest first), and the verified devices.
  const [row] = await db.$queryRaw<
    Array<{
      strategies: unknown;
      policies: Array<{ tenantId: string | null; config: unknown }>;
      tenantIds: string[];
      devices: Array<{ id: string; type: Prisma.MfaDeviceCreateInput['type']; name: string | null; phoneNumber: string | null; createdAt: number; lastUsedAt: number | null }>;
    }>
  >`SELECT
      (SELECT p.config FROM "Policy" p WHERE p.type = 'MFA_STRATEGIES' AND p."tenantId" IS NULL ORDER BY p."createdAt" LIMIT 1) AS strategies,
      COALESCE((SELECT json_agg(json_build_object('tenantId', p."tenantId", 'config', p.config) ORDER BY p."createdAt" DESC)
                FROM "Policy" p
                WHERE p.type = 'MFA' AND (p."tenantId" IS NULL OR p."tenantId" IN (SELECT m."tenantId" FROM "UserTenant" m WHERE m."userId" = ${user.id}))),
               '[]'::json) AS policies,
      COALESCE((SELECT array_agg(m."tenantId") FROM "UserTenant" m WHERE m."userId" = ${user.id}), '{}'::text[]) AS "tenantIds",
      COALESCE((SELECT json_agg(json_build_object('id', d.id, 'type', d.type, 'name', d.name, 'phoneNumber', d."phoneNumber",
                                                  'createdAt', (extract(epoch FROM d."createdAt") * 1000)::bigint,
                                                  'lastUsedAt', (extract(epoch FROM d."lastUsedAt") * 1000)::bigint) ORDER BY d."createdAt")
                FROM "MfaDevice" d WHERE d."userId" = ${user.id} AND d."verifiedAt" IS NOT NULL), '[]'::json) AS devices`;
  const config = readMfaConfiguration(row?.strategies ?? null);
  const policy = mfaLoginPolicyFromRows(row?.policies ?? [], row?.tenantIds ?? []);
  const usableTypes = enabledDeviceTypes(config);
  const devices = (row?.devices ?? [])
    .filter((d) => usableTypes.includes(d.type))
    .map((d) => ({ ...d, createdAt: new Date(Number(d.createdAt)), lastUsedAt: d.lastUsedAt === null ? null : new Date(Number(d.lastUsedAt)) }));
  const enrolled = devices.length > 0;
  if (!enrolled && !policy.forced) return null;
  if (await isRememberedDevice(deps, user.id, deviceToken, policy.rememberDeviceSeconds)) return null;

  const hasDeviceFor = (s: MfaStrategy) => devices.some((d) => STRATEGY_DEVICE_TYPES[s].includes(d.type));
  const strategies = enabledStrategies(config).filter((s) =>
    s === 'EmailCode' ? !!user.email : enrolled ? hasDeviceFor(s) : ENROLLABLE_STRATEGIES.includes(s),
  );
  const mfaToken = randomToken(32);
  await db.authFlow.create({
    data: {
      kind: enrolled ? 'MFA_LOGIN' : 'MFA_ENROLL_AT_LOGIN',
      userId: user.id,
      tokenHash: deps.secrets.hashToken(mfaToken),
      expiresAt: new Date(deps.clock.now().getTime() + MFA_LOGIN_TTL_MS),
    },
  });
  return { mfaRequired: true, mfaToken, userId: user.id, mfaEnrolled: enrolled, mfaDevices: devicesView(devices), mfaStrategies: strategies };
}

// ---- the factors -----------------------------------------------------------------------------

/** TAuth: auth.service's session result (generic so this module does not import auth.service back). */
export interface MfaLoginCompletion<TAuth> {
  auth: TAuth;
  rememberDevice: RememberedDevice | null;
}

const VerifyAuthenticatorInput = z.object({
  mfaToken: z.string().min(1).max(512),
  value: z.string().max(128),
  deviceId: idSchema.nullish(),
  rememberDevice: z.boolean().nullish(),
});
const MfaTokenInput = z.object({ mfaToken: z.string().min(1, 'mfaToken is required').max(512) });
const VerifyEnrollmentInput = MfaTokenInput.extend({ token: z.string().trim().min(1, 'token is required').max(128), rememberDevice: z.boolean().nullish() });
const VerifyEmailCodeInput = MfaTokenInput.extend({
  otcToken: z.string().trim().max(512).nullish(),
  code: z.string().trim().max(32).nullish(),
  rememberDevice: z.boolean().nullish(),
});

type MfaLoginDeps<TAuth> = Pick<Deps, 'db' | 'secrets' | 'clock' | 'mailer' | 'logger'> & ThrottleDeps & {
  mfa: MfaService;
  /** Starts a session for a user who passed MFA (re-checks the lock); injected, so no cycle. */
  startSession: (userId: string, client: ClientInfo) => Promise<TAuth>;
};

export function createMfaLoginService<TAuth>(deps: MfaLoginDeps<TAuth>) {
  const { db, secrets, clock, mfa } = deps;

  async function finish(flowId: string | null, userId: string, client: ClientInfo, remember: boolean | null | undefined): Promise<MfaLoginCompletion<TAuth>> {
    if (flowId) await completeMfaFlow(deps, flowId);
    const auth = await deps.startSession(userId, client);
    return { auth, rememberDevice: await rememberDeviceFor(deps, userId, remember) };
  }

  const mfaKeys = async (mfaToken: string, client: ClientInfo) => ({ ip: client.ipAddress, account: await mfaFlowAccount(deps, mfaToken) });

  // Bound to the flow and the user, so equal codes of two logins never collide in the unique
  // tokenHash index and a dump cannot be matched against 10^6 candidates without the key.
  const emailCodeHash = (flowId: string, code: string) => secrets.hashToken(`mfa-email:${flowId}:${code}`);

  return {
    /** Authenticator code for a pending login (any device, or the named one). */
    async verifyAuthenticator(raw: z.input<typeof VerifyAuthenticatorInput>, client: ClientInfo): Promise<MfaLoginCompletion<TAuth>> {
      const input = parseInput(VerifyAuthenticatorInput, raw);
      await assertStrategyEnabled(db, 'AuthenticatorApp');
      const userId = await deps.throttle.attempt('mfa', await mfaKeys(input.mfaToken, client), () => completeMfaLogin(deps, input));
      return finish(null, userId, client, input.rememberDevice);
    },

    /** Enrolment at login (forced MFA, no device yet): the QR code for the flow's user. */
    async enrollAuthenticator(raw: z.input<typeof MfaTokenInput>) {
      const input = parseInput(MfaTokenInput, raw);
      await assertStrategyEnabled(db, 'AuthenticatorApp');
      const flow = await findMfaFlow(deps, input.mfaToken, ['MFA_ENROLL_AT_LOGIN']);
      return mfa.enrollAuthenticator(flow.userId);
    },

    /** Confirms the enrolment with a first code: the device is enrolled and the login completes. */
    async verifyAuthenticatorEnrollment(raw: z.input<typeof VerifyEnrollmentInput>, client: ClientInfo) {
      const input = parseInput(VerifyEnrollmentInput, raw);
      await assertStrategyEnabled(db, 'AuthenticatorApp');
      const { flow, enrolled } = await deps.throttle.attempt('mfa', await mfaKeys(input.mfaToken, client), async () => {
        const flow = await spendMfaFlowAttempt(deps, input.mfaToken, ['MFA_ENROLL_AT_LOGIN']);
        return { flow, enrolled: await mfa.verifyAuthenticatorEnrollment(flow.userId, { token: input.token }) };
      });
      const done = await finish(flow.id, flow.userId, client, input.rememberDevice);
      return { ...done, recoveryCodes: enrolled.recoveryCodes };
    },

    /**
     * Emails a 6-digit code for the pending login (replacing an earlier one of this flow). The
     * answer's otcToken names the code; the code itself goes only to the user's mailbox.
     */
    async requestEmailCode(raw: z.input<typeof MfaTokenInput>, client: ClientInfo = {}) {
      const input = parseInput(MfaTokenInput, raw);
      const config = await loadMfaConfiguration(db);
      if (!config.strategies.EmailCode) fail('mfa_strategy_disabled');
      assertMailAvailable(deps);
      const flow = await findMfaFlow(deps, input.mfaToken);
      await deps.throttle.request('mfa-email', { ip: client.ipAddress, account: flow.userId });
      const user = await db.user.findUnique({ where: { id: flow.userId }, select: { email: true, name: true } });
      if (!user?.email) fail('mfa_strategy_disabled');
      const code = randomDigits(EMAIL_CODE_DIGITS);
      const otcToken = randomToken(24);
      const ttlMs = config.email.tokenLifetimeSeconds * 1000;
      const payload: Prisma.InputJsonObject = { channel: 'email', flowId: flow.id, otcHash: secrets.hashToken(otcToken) };
      await db.$transaction([
        // Only this flow's emailed code is replaced (other factors' MFA_CODE rows are left alone).
        db.oneTimeToken.deleteMany({ where: { userId: flow.userId, type: 'MFA_CODE', usedAt: null, payload: { path: ['flowId'], equals: flow.id } } }),
        db.oneTimeToken.create({
          data: {
            type: 'MFA_CODE',
            userId: flow.userId,
            target: user.email,
            tokenHash: emailCodeHash(flow.id, code),
            maxAttempts: EMAIL_CODE_MAX_ATTEMPTS,
            payload,
            expiresAt: new Date(clock.now().getTime() + ttlMs),
          },
        }),
      ]);
      deliver(deps, renderCodeTemplate('MfaCode', { to: user.email, name: user.name, code, validForMinutes: Math.round(ttlMs / 60_000) }));
      return { otcToken };
    },

    /**
     * Checks the emailed code (single use, 5 tries, expiring) and completes the login. Frontegg
     * sends {otcToken, code}; a body with the code in otcToken alone is accepted too.
     */
    async verifyEmailCode(raw: z.input<typeof VerifyEmailCodeInput>, client: ClientInfo): Promise<MfaLoginCompletion<TAuth>> {
      const input = parseInput(VerifyEmailCodeInput, raw);
      const code = input.code || input.otcToken;
      if (!code) fail('validation_failed', 'code: is required');
      await assertStrategyEnabled(db, 'EmailCode');
      const flow = await deps.throttle.attempt('mfa', await mfaKeys(input.mfaToken, client), async () => {
        const flow = await spendMfaFlowAttempt(deps, input.mfaToken);
        const row = await db.oneTimeToken.findFirst({
          where: { userId: flow.userId, type: 'MFA_CODE', usedAt: null, payload: { path: ['flowId'], equals: flow.id } },
          orderBy: { createdAt: 'desc' },
          select: { id: true, tokenHash: true, maxAttempts: true, payload: true },
        });
        if (!row) fail('mfa_code_invalid');
        if (input.code && input.otcToken) {
          const otcHash = (row.payload as Record<string, unknown>).otcHash;
          if (typeof otcHash !== 'string' || !safeEqual(otcHash, secrets.hashToken(input.otcToken))) fail('mfa_code_invalid');
        }
        await checkCode(deps, row, emailCodeHash(flow.id, code), 'mfa_code_invalid');
        const used = await db.oneTimeToken.updateMany({ where: { id: row.id, usedAt: null, expiresAt: { gt: clock.now() } }, data: { usedAt: clock.now() } });
        if (used.count !== 1) fail('mfa_code_invalid');
        return flow;
      });
      return finish(flow.id, flow.userId, client, input.rememberDevice);
    },

    /** Whether the pending login's user may remember this device, and for how long. */
    async allowRememberDevice(raw: z.input<typeof MfaTokenInput>) {
      const input = parseInput(MfaTokenInput, raw);
      const flow = await findMfaFlow(deps, input.mfaToken);
      const { rememberDeviceSeconds } = await mfaLoginPolicyForUser(db, flow.userId);
      return { isAllowedToRemember: rememberDeviceSeconds !== null, mfaDeviceExpiration: rememberDeviceSeconds ?? 0 };
    },
  };
}

export type MfaLoginService<TAuth> = ReturnType<typeof createMfaLoginService<TAuth>>;
