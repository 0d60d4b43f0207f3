// The MFA factors ("strategies") and the vendor's MFA configuration: which factors are enabled,
// the authenticator-app service name (the otpauth issuer), code lifetimes. One vendor-wide
// Policy row of type MFA_STRATEGIES. The `active` flags of GET/POST /configurations/v1/mfa and
// the strategies list of /configurations/v1/mfa/strategies are the same switches.
//
// Factors plug in here: a factor names its strategy and the MfaDevice types that belong to it.
// Login offers a factor only when its strategy is enabled, and a device only counts (is listed,
// satisfies "enrolled", may be verified) while its strategy is enabled.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma, PrismaClient, Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { parseInput } from '../validation.ts';
import { upsertPolicyRow } from '../policies/policy-rows.ts';
import { TOTP_ISSUER } from './totp.ts';

type Db = PrismaClient | Tx;
type MfaDeviceType = Prisma.MfaDeviceCreateInput['type'];

export const MFA_STRATEGY_NAMES = ['AuthenticatorApp', 'SMS', 'EmailCode', 'WebAuthnPlatform', 'WebAuthnCrossPlatform'] as const;
export type MfaStrategy = (typeof MFA_STRATEGY_NAMES)[number];

/** The device types each strategy verifies with. EmailCode has none: the account email is the device. */
export const STRATEGY_DEVICE_TYPES: Record<MfaStrategy, readonly MfaDeviceType[]> = {
  AuthenticatorApp: ['TOTP'],
  SMS: ['SMS'],
  EmailCode: [],
  WebAuthnPlatform: ['WEBAUTHN'],
  WebAuthnCrossPlatform: ['WEBAUTHN'],
};

/** Strategies that need an enrolled device (EmailCode works for any user with an email). */
export const ENROLLABLE_STRATEGIES: readonly MfaStrategy[] = MFA_STRATEGY_NAMES.filter((s) => STRATEGY_DEVICE_TYPES[s].length > 0);

export interface MfaConfiguration {
  strategies: Record<MfaStrategy, boolean>;
  authenticationApp: { serviceName: string };
  sms: { tokenLifetimeSeconds: number };
  email: { tokenLifetimeSeconds: number };
}

/**
 * Device-based factors are on by default (enrolled users keep working); the email code is off:
 * with passwordless email login it would let the mailbox alone pass both factors, so the vendor
 * opts in.
 */
export const DEFAULT_MFA_CONFIGURATION: MfaConfiguration = {
  strategies: { AuthenticatorApp: true, SMS: true, EmailCode: false, WebAuthnPlatform: true, WebAuthnCrossPlatform: true },
  authenticationApp: { serviceName: TOTP_ISSUER },
  sms: { tokenLifetimeSeconds: 5 * 60 },
  email: { tokenLifetimeSeconds: 10 * 60 },
};

const lifetime = z.number().int('must be a whole number of seconds').min(60).max(24 * 3600);
const MfaConfigurationInput = z.object({
  authenticationApp: z.object({ active: z.boolean().nullish(), serviceName: z.string().trim().min(1).max(64).nullish() }).nullish(),
  sms: z.object({ active: z.boolean().nullish(), tokenLifetimeSeconds: lifetime.nullish() }).nullish(),
  email: z.object({ active: z.boolean().nullish(), tokenLifetimeSeconds: lifetime.nullish() }).nullish(),
});
export type MfaConfigurationInput = z.input<typeof MfaConfigurationInput>;

const StrategyInput = z.object({ strategy: z.enum(MFA_STRATEGY_NAMES), isActive: z.boolean() });

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Tolerant read of the stored row (validated when written; hand edits fall back to defaults). */
export function readMfaConfiguration(config: unknown): MfaConfiguration {
  const c = obj(config);
  const d = DEFAULT_MFA_CONFIGURATION;
  const s = obj(c.strategies);
  const int = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fallback);
  const name = obj(c.authenticationApp).serviceName;
  return {
    strategies: Object.fromEntries(MFA_STRATEGY_NAMES.map((k) => [k, typeof s[k] === 'boolean' ? s[k] : d.strategies[k]])) as MfaConfiguration['strategies'],
    authenticationApp: { serviceName: typeof name === 'string' && name ? name : d.authenticationApp.serviceName },
    sms: { tokenLifetimeSeconds: int(obj(c.sms).tokenLifetimeSeconds, d.sms.tokenLifetimeSeconds) },
    email: { tokenLifetimeSeconds: int(obj(c.email).tokenLifetimeSeconds, d.email.tokenLifetimeSeconds) },
  };
}

export async function loadMfaConfiguration(db: Db): Promise<MfaConfiguration> {
  const row = await db.policy.findFirst({ where: { type: 'MFA_STRATEGIES', tenantId: null }, orderBy: { createdAt: 'asc' }, select: { config: true } });
  return row ? readMfaConfiguration(row.config) : structuredClone(DEFAULT_MFA_CONFIGURATION);
}

export const enabledStrategies = (c: MfaConfiguration): MfaStrategy[] => MFA_STRATEGY_NAMES.filter((s) => c.strategies[s]);

/** Whether a device of this type may be used (some enabled strategy verifies with it). */
export const deviceTypeEnabled = (c: MfaConfiguration, type: MfaDeviceType) =>
  MFA_STRATEGY_NAMES.some((s) => c.strategies[s] && STRATEGY_DEVICE_TYPES[s].includes(type));

/** The device types currently usable for MFA. */
export const enabledDeviceTypes = (c: MfaConfiguration): MfaDeviceType[] =>
  (['TOTP', 'SMS', 'EMAIL', 'WEBAUTHN'] as const).filter((t) => deviceTypeEnabled(c, t));

/** Fails when a factor is switched off: a disabled strategy is refused everywhere, not hidden only. */
export async function assertStrategyEnabled(db: Db, strategy: MfaStrategy) {
  if (!(await loadMfaConfiguration(db)).strategies[strategy]) fail('mfa_strategy_disabled');
}

export function createMfaConfigurationService(deps: Pick<Deps, 'db'>) {
  const { db } = deps;
  const save = (c: MfaConfiguration) => upsertPolicyRow(db, 'MFA_STRATEGIES', null, c as unknown as Prisma.InputJsonObject);

  return {
    get: () => loadMfaConfiguration(db),

    /** Sections and fields left out keep their value; `active` switches the matching strategy. */
    async set(raw: MfaConfigurationInput): Promise<MfaConfiguration> {
      const input = parseInput(MfaConfigurationInput, raw);
      const c = await loadMfaConfiguration(db);
      if (input.authenticationApp?.active != null) c.strategies.AuthenticatorApp = input.authenticationApp.active;
      if (input.authenticationApp?.serviceName != null) c.authenticationApp.serviceName = input.authenticationApp.serviceName;
      if (input.sms?.active != null) c.strategies.SMS = input.sms.active;
      if (input.sms?.tokenLifetimeSeconds != null) c.sms.tokenLifetimeSeconds = input.sms.tokenLifetimeSeconds;
      if (input.email?.active != null) c.strategies.EmailCode = input.email.active;
      if (input.email?.tokenLifetimeSeconds != null) c.email.tokenLifetimeSeconds = input.email.tokenLifetimeSeconds;
      await save(c);
      return c;
    },

    strategies: async () => enabledStrategiesView(await loadMfaConfiguration(db)),

    async setStrategy(raw: z.input<typeof StrategyInput>) {
      const input = parseInput(StrategyInput, raw);
      const c = await loadMfaConfiguration(db);
      c.strategies[input.strategy] = input.isActive;
      await save(c);
      return enabledStrategiesView(c);
    },
  };
}

export const enabledStrategiesView = (c: MfaConfiguration) => MFA_STRATEGY_NAMES.map((strategy) => ({ strategy, isActive: c.strategies[strategy] }));

export type MfaConfigurationService = ReturnType<typeof createMfaConfigurationService>;
