// SMS as a second factor: a verified MfaDevice of type SMS holding an E.164 number. Self-service
// enrolment and disabling prove possession of the phone with a code; at login a pending MFA
// flow (the mfaToken from password or passwordless login) asks for a code to be sent to one of
// the user's SMS devices and is completed with it. Codes are the shared SMS codes (MFA_CODE,
// see sms/sms-codes.ts); each one is bound to its purpose, device and, at login, its flow.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { mfaFlowAccount } from './mfa-flow-account.ts';
import { e164Schema, maskPhone } from '../sms/phone.ts';
import { assertSmsAvailable, consumeSmsCode, issueSmsCode, sendSmsCode } from '../sms/sms-codes.ts';
import { idSchema, parseInput } from '../validation.ts';

type SmsMfaDeps<TSession> = Pick<Deps, 'db' | 'clock' | 'secrets' | 'sms' | 'logger'> & ThrottleDeps & {
  /** Starts the session once the second factor is proven (auth.service owns sessions; injected, so no cycle). */
  startSession: (userId: string, client: ClientInfo) => Promise<TSession>;
};
type Db = Deps['db'];

/** Steps a pending login allows: code sends and code tries together (as for authenticator codes). */
const MFA_FLOW_MAX_STEPS = 5;

const otcSchema = z.string().min(1, 'otcToken is required').max(512);
const codeSchema = z.string().trim().min(1, 'code is required').max(32);
const EnrollInput = z.object({ phoneNumber: e164Schema });
const CodeInput = z.object({ otcToken: otcSchema, code: codeSchema });
const LoginSendInput = z.object({ mfaToken: z.string().min(1).max(512), deviceId: idSchema });
const LoginVerifyInput = LoginSendInput.extend({ otcToken: otcSchema, code: codeSchema });
const LoginEnrollInput = z.object({ mfaToken: z.string().min(1).max(512), phoneNumber: e164Schema });
const LoginEnrollVerifyInput = z.object({ mfaToken: z.string().min(1).max(512), otcToken: otcSchema, code: codeSchema });

/** The user's verified SMS devices as login answers show them (numbers masked). */
export async function smsMfaPhonesOf(db: Db, userId: string) {
  const devices = await db.mfaDevice.findMany({
    where: { userId, type: 'SMS', verifiedAt: { not: null } },
    select: { id: true, phoneNumber: true },
    orderBy: { createdAt: 'asc' },
  });
  return devices.map((d) => ({ id: d.id, phoneNumber: maskPhone(d.phoneNumber ?? '') }));
}

export function createSmsMfaService<TSession>(deps: SmsMfaDeps<TSession>) {
  const { db, clock, secrets } = deps;

  async function sendCode(userId: string, phone: string, payload: Record<string, string>) {
    assertSmsAvailable(deps);
    const { otcToken, code } = await issueSmsCode(deps, { type: 'MFA_CODE', userId, phone, payload });
    await sendSmsCode(deps, phone, 'MfaVerifyCode', code);
    return { otcToken };
  }

  /**
   * Spends one step of a live pending login of one of `kinds` (conditional increment, so parallel
   * requests cannot exceed the limit) and returns it; any dead, unknown or exhausted flow is mfa_token_invalid.
   */
  async function stepFlow(mfaToken: string, kinds: ('MFA_LOGIN' | 'MFA_ENROLL_AT_LOGIN')[]) {
    const tokenHash = secrets.hashToken(mfaToken);
    const counted = await db.authFlow.updateMany({
      where: { tokenHash, kind: { in: kinds }, completedAt: null, expiresAt: { gt: clock.now() }, attempts: { lt: MFA_FLOW_MAX_STEPS } },
      data: { attempts: { increment: 1 } },
    });
    if (counted.count !== 1) fail('mfa_token_invalid');
    return (await db.authFlow.findUnique({ where: { tokenHash }, select: { id: true, userId: true } })) ?? fail('mfa_token_invalid');
  }

  /** A self-service code (enrol, disable), under the user's MFA budget. */
  const ownCode = (userId: string, input: { otcToken: string; code: string }) =>
    deps.throttle.attempt('mfa', { account: userId }, () => consumeSmsCode(deps, { type: 'MFA_CODE', userId, ...input }, 'mfa_code_invalid'));

  async function completeFlow(flowId: string) {
    const done = await db.authFlow.updateMany({ where: { id: flowId, completedAt: null }, data: { completedAt: clock.now() } });
    if (done.count !== 1) fail('mfa_token_invalid');
  }

  /** Creates a pending (unverified) SMS device, replacing the user's earlier pending ones. */
  async function pendingDevice(userId: string, phoneNumber: string) {
    if (await db.mfaDevice.count({ where: { userId, type: 'SMS', phoneNumber, verifiedAt: { not: null } } })) fail('mfa_sms_already_enrolled');
    const [, device] = await db.$transaction([
      db.mfaDevice.deleteMany({ where: { userId, type: 'SMS', verifiedAt: null } }),
      db.mfaDevice.create({ data: { userId, type: 'SMS', name: 'SMS', phoneNumber }, select: { id: true } }),
    ]);
    return device.id;
  }

  async function confirmDevice(userId: string, deviceId: string | undefined) {
    if (!deviceId) fail('mfa_code_invalid');
    const now = clock.now();
    const won = await db.mfaDevice.updateMany({ where: { id: deviceId, userId, type: 'SMS', verifiedAt: null }, data: { verifiedAt: now, lastUsedAt: now } });
    if (won.count !== 1) fail('mfa_enrollment_not_found');
  }

  return {
    /** Self-service: sends a code to the number to enrol; answers the otcToken to verify with. */
    async enroll(userId: string, raw: z.input<typeof EnrollInput>) {
      const input = parseInput(EnrollInput, raw);
      assertSmsAvailable(deps);
      await deps.throttle.request('mfa-sms', { account: userId });
      const deviceId = await pendingDevice(userId, input.phoneNumber);
      return sendCode(userId, input.phoneNumber, { purpose: 'enroll', deviceId });
    },

    async verifyEnrollment(userId: string, raw: z.input<typeof CodeInput>) {
      const input = parseInput(CodeInput, raw);
      const used = await ownCode(userId, input);
      if (used.payload.purpose !== 'enroll') fail('mfa_code_invalid');
      await confirmDevice(userId, used.payload.deviceId);
      return { deviceId: used.payload.deviceId! };
    },

    /** Self-service: disabling needs a code sent to the device's own phone. */
    async requestDisable(userId: string, rawDeviceId: string) {
      const deviceId = parseInput(idSchema, rawDeviceId);
      const device =
        (await db.mfaDevice.findFirst({ where: { id: deviceId, userId, type: 'SMS', verifiedAt: { not: null } }, select: { phoneNumber: true } })) ??
        fail('mfa_device_not_found');
      await deps.throttle.request('mfa-sms', { account: userId });
      return sendCode(userId, device.phoneNumber!, { purpose: 'disable', deviceId });
    },

    async verifyDisable(userId: string, rawDeviceId: string, raw: z.input<typeof CodeInput>) {
      const deviceId = parseInput(idSchema, rawDeviceId);
      const input = parseInput(CodeInput, raw);
      const used = await ownCode(userId, input);
      if (used.payload.purpose !== 'disable' || used.payload.deviceId !== deviceId) fail('mfa_code_invalid');
      await db.$transaction(async (tx) => {
        const { count } = await tx.mfaDevice.deleteMany({ where: { id: deviceId, userId, type: 'SMS' } });
        if (!count) fail('mfa_device_not_found');
        // With no second factor left, the recovery codes have nothing to recover.
        if (!(await tx.mfaDevice.count({ where: { userId, verifiedAt: { not: null } } }))) await tx.recoveryCode.deleteMany({ where: { userId } });
      });
      return true;
    },

    /** Login: sends a code to one of the pending login's user's SMS devices (a step of the flow). */
    async requestLoginCode(raw: z.input<typeof LoginSendInput>, client: ClientInfo = {}) {
      const input = parseInput(LoginSendInput, raw);
      assertSmsAvailable(deps);
      const flow = await stepFlow(input.mfaToken, ['MFA_LOGIN']);
      await deps.throttle.request('mfa-sms', { ip: client.ipAddress, account: flow.userId });
      const device =
        (await db.mfaDevice.findFirst({ where: { id: input.deviceId, userId: flow.userId, type: 'SMS', verifiedAt: { not: null } }, select: { phoneNumber: true } })) ??
        fail('mfa_device_not_found');
      return sendCode(flow.userId, device.phoneNumber!, { purpose: 'login', flowId: flow.id, deviceId: input.deviceId });
    },

    /** Login: the code completes the pending login (once) and starts the session. */
    async verifyLogin(raw: z.input<typeof LoginVerifyInput>, client: ClientInfo): Promise<TSession> {
      const input = parseInput(LoginVerifyInput, raw);
      const flow = await deps.throttle.attempt('mfa', { ip: client.ipAddress, account: await mfaFlowAccount(deps, input.mfaToken) }, async () => {
        const flow = await stepFlow(input.mfaToken, ['MFA_LOGIN']);
        const used = await consumeSmsCode(deps, { type: 'MFA_CODE', userId: flow.userId, otcToken: input.otcToken, code: input.code }, 'mfa_code_invalid');
        // A code sent for another login, device or purpose proves nothing about this one.
        if (used.payload.purpose !== 'login' || used.payload.flowId !== flow.id || used.payload.deviceId !== input.deviceId) fail('mfa_code_invalid');
        return flow;
      });
      await completeFlow(flow.id);
      await db.mfaDevice.updateMany({ where: { id: input.deviceId }, data: { lastUsedAt: clock.now() } });
      return deps.startSession(flow.userId, client);
    },

    /**
     * Enrolment during login, for a pending MFA_ENROLL_AT_LOGIN flow only (a user who must set up
     * MFA before the session starts). A MFA_LOGIN flow is refused: its user already has a second
     * factor, and the password alone must never be enough to add one and log in.
     */
    async enrollAtLogin(raw: z.input<typeof LoginEnrollInput>, client: ClientInfo = {}) {
      const input = parseInput(LoginEnrollInput, raw);
      assertSmsAvailable(deps);
      const flow = await stepFlow(input.mfaToken, ['MFA_ENROLL_AT_LOGIN']);
      await deps.throttle.request('mfa-sms', { ip: client.ipAddress, account: flow.userId });
      const deviceId = await pendingDevice(flow.userId, input.phoneNumber);
      return sendCode(flow.userId, input.phoneNumber, { purpose: 'enroll-login', flowId: flow.id, deviceId });
    },

    async verifyEnrollAtLogin(raw: z.input<typeof LoginEnrollVerifyInput>, client: ClientInfo): Promise<TSession> {
      const input = parseInput(LoginEnrollVerifyInput, raw);
      const { flow, used } = await deps.throttle.attempt('mfa', { ip: client.ipAddress, account: await mfaFlowAccount(deps, input.mfaToken) }, async () => {
        const flow = await stepFlow(input.mfaToken, ['MFA_ENROLL_AT_LOGIN']);
        const used = await consumeSmsCode(deps, { type: 'MFA_CODE', userId: flow.userId, otcToken: input.otcToken, code: input.code }, 'mfa_code_invalid');
        if (used.payload.purpose !== 'enroll-login' || used.payload.flowId !== flow.id) fail('mfa_code_invalid');
        return { flow, used };
      });
      await confirmDevice(flow.userId, used.payload.deviceId);
      await completeFlow(flow.id);
      return deps.startSession(flow.userId, client);
    },
  };
}
