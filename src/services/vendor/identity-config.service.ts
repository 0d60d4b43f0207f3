// Frontegg's identity management configuration (GET/POST /configurations/v1). Only settings
// Gatehouse honours are writable: sign-ups and unverified logins (VendorSettings, read by sign-up
// and login), the passwordless method switches (PASSWORDLESS policy row, enforced by the
// passwordless services) and authStrategy (the primary method the login box shows; IDENTITY_CONFIG
// row). The rest is fixed by the server configuration or by how Gatehouse works: it is reported
// as it is, and a write that would change it is refused rather than stored and ignored.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { readPasswordlessMethods, writePasswordlessMethods } from '../policies/passwordless-methods.ts';
import { mergeVendorPolicyConfig, vendorPolicyRowId } from '../policies/policy-rows.ts';
import { parseInput } from '../validation.ts';

export const AUTH_STRATEGIES = ['EmailAndPassword', 'MagicLink', 'Code', 'SmsCode', 'NoLocalAuthentication'] as const;

const UpdateInput = z.object({
  allowSignups: z.boolean().nullish(),
  allowNotVerifiedUsersLogin: z.boolean().nullish(),
  authStrategy: z.enum(AUTH_STRATEGIES).nullish(),
  passwordlessMethods: z.object({ magicLink: z.boolean().nullish(), code: z.boolean().nullish(), smsCode: z.boolean().nullish() }).nullish(),
  // Fixed settings: accepted only with the value in force.
  defaultTokenExpiration: z.number().nullish(),
  defaultRefreshTokenExpiration: z.number().nullish(),
  cookieSameSite: z.string().nullish(),
  jwtAlgorithm: z.string().nullish(),
  rotateRefreshTokens: z.boolean().nullish(),
  apiTokensEnabled: z.boolean().nullish(),
  addRolesToJwt: z.boolean().nullish(),
  addPermissionsToJwt: z.boolean().nullish(),
  forcePermissions: z.boolean().nullish(),
  machineToMachineAuthStrategy: z.string().nullish(),
});
/** authStrategy arrives as any string and is checked here. */
export type IdentityConfigInput = Omit<z.input<typeof UpdateInput>, 'authStrategy'> & { authStrategy?: string | null };

type ConfigDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'keys'>;

export function createIdentityConfigService(deps: ConfigDeps) {
  const { db, clock, config, keys } = deps;

  /** What the server configuration and Gatehouse's design decide; not writable here. */
  const fixed = () => ({
    defaultTokenExpiration: config.accessTokenTtl,
    defaultRefreshTokenExpiration: config.refreshTokenTtl,
    cookieSameSite: config.cookie.sameSite.toUpperCase(),
    jwtAlgorithm: keys.current.signingKey.algorithm,
    rotateRefreshTokens: true,
    apiTokensEnabled: true,
    addRolesToJwt: true,
    addPermissionsToJwt: true,
    // Permissions are always checked from the token's keys; roles never stand in for them.
    forcePermissions: false,
    // Both client credentials and access tokens are served.
    machineToMachineAuthStrategy: 'ClientCredentials',
  });

  async function read() {
    const [settings, row, passwordlessMethods] = await Promise.all([
      db.vendorSettings.findUnique({ where: { id: 1 }, select: { allowSignUps: true, forceEmailVerification: true, updatedAt: true } }),
      db.policy.findUnique({ where: { id: vendorPolicyRowId('IDENTITY_CONFIG') }, select: { config: true } }),
      readPasswordlessMethods(db),
    ]);
    if (!settings) fail('vendor_settings_not_found');
    const stored = (row?.config ?? {}) as Record<string, unknown>;
    const authStrategy = AUTH_STRATEGIES.includes(stored.authStrategy as never) ? (stored.authStrategy as string) : 'EmailAndPassword';
    return {
      ...fixed(),
      // Frontegg's backend SDK (@frontegg/client IdentityClient) verifies every token with this one
      // PEM and RS256 only, fetched once per process: it does not read the JWKS, so after a key
      // rotation it keeps the key it fetched until it restarts.
      publicKey: keys.current.signingKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      allowSignups: settings.allowSignUps,
      allowNotVerifiedUsersLogin: !settings.forceEmailVerification,
      authStrategy,
      passwordlessMethods,
    };
  }

  return {
    read,

    /** The subset Frontegg's SDKs read without vendor rights. */
    async basic() {
      const f = fixed();
      return { forcePermissions: f.forcePermissions, machineToMachineAuthStrategy: f.machineToMachineAuthStrategy };
    },

    /** Writes the honoured settings; a fixed one with another value than the one in force is refused, and nothing is written. */
    async update(raw: IdentityConfigInput) {
      const input = parseInput(UpdateInput, raw);
      const f = fixed() as Record<string, unknown>;
      const refused = Object.keys(f).filter((k) => {
        const v = (input as Record<string, unknown>)[k];
        return v !== undefined && v !== null && String(v).toUpperCase() !== String(f[k]).toUpperCase();
      });
      if (refused.length) fail('identity_config_fixed', `These settings are fixed by the server configuration: ${refused.join(', ')}`);
      const now = clock.now();
      await db.$transaction(async (tx) => {
        const settings: Prisma.VendorSettingsUpdateInput = {};
        if (input.allowSignups != null) settings.allowSignUps = input.allowSignups;
        if (input.allowNotVerifiedUsersLogin != null) settings.forceEmailVerification = !input.allowNotVerifiedUsersLogin;
        if (Object.keys(settings).length) {
          const { count } = await tx.vendorSettings.updateMany({ where: { id: 1 }, data: settings });
          if (count === 0) fail('vendor_settings_not_found');
        }
        if (input.authStrategy) await mergeVendorPolicyConfig(tx, 'IDENTITY_CONFIG', { authStrategy: input.authStrategy }, now);
        if (input.passwordlessMethods) {
          const { magicLink, code, smsCode } = input.passwordlessMethods;
          await writePasswordlessMethods(tx, { ...(magicLink != null && { magicLink }), ...(code != null && { code }), ...(smsCode != null && { smsCode }) }, now);
        }
      });
      return read();
    },
  };
}

export type IdentityConfigService = ReturnType<typeof createIdentityConfigService>;
