// The vendor credential (Frontegg's environment clientId/secret): it authenticates management
// calls (POST /auth/vendor) and names the refresh cookie. The secret is stored as a keyed hash.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { randomToken, safeEqual } from '../../platform/crypto.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { parseInput } from '../validation.ts';

export const VENDOR_TOKEN_TYPE = 'vendor';

export interface VendorBootstrap {
  clientId: string;
  /** Present only when the credential was generated now: print it once, it is never shown again. */
  generatedSecret?: string;
}

/** Creates the vendor row on first start, or aligns it with the configured credential. */
export async function ensureVendor({ db, secrets, config }: Pick<Deps, 'db' | 'secrets' | 'config'>): Promise<VendorBootstrap> {
  const configured = config.vendorCredential;
  const existing = await db.vendorSettings.findUnique({ where: { id: 1 } });
  if (configured) {
    const secretHash = secrets.hashToken(configured.secret);
    await db.vendorSettings.upsert({
      where: { id: 1 },
      create: { id: 1, clientId: configured.clientId, secretHash },
      update: { clientId: configured.clientId, secretHash },
    });
    return { clientId: configured.clientId };
  }
  if (existing) return { clientId: existing.clientId };
  const clientId = randomUUID();
  const secret = randomToken(32);
  await db.vendorSettings.create({ data: { id: 1, clientId, secretHash: secrets.hashToken(secret) } });
  return { clientId, generatedSecret: secret };
}

/** The sign-up switches a vendor may change (the credential and the rest are configured elsewhere). */
const VendorSettingsInput = z.object({
  allowSignUps: z.boolean().nullish(),
  forceEmailVerification: z.boolean().nullish(),
  subTenantAccessAllowed: z.boolean().nullish(),
});

const settingsView = { allowSignUps: true, forceEmailVerification: true, subTenantAccessAllowed: true } as const;

const VendorCredentialInput = z.object({
  clientId: z.string().min(1).max(255),
  secret: z.string().min(1).max(512),
});

export function createVendorService(deps: Pick<Deps, 'db' | 'secrets' | 'keys' | 'clock' | 'config' | 'vendor'> & ThrottleDeps) {
  const { db, secrets, keys, clock, config, vendor } = deps;
  const readSettings = async () =>
    (await db.vendorSettings.findUnique({ where: { id: 1 }, select: settingsView })) ?? fail('vendor_settings_not_found');
  return {
    /** POST /auth/vendor: exchanges the vendor credential for a vendor JWT. */
    async authenticate(input: { clientId: string; secret: string }, client: ClientInfo = {}) {
      const { clientId, secret } = parseInput(VendorCredentialInput, input);
      await deps.throttle.attempt('secret', { ip: client.ipAddress, account: clientId }, async () => {
        const row = await db.vendorSettings.findUnique({ where: { id: 1 } });
        // Hash first, compare in constant time, and answer the same for a wrong id or secret.
        const presented = secrets.hashToken(secret);
        const ok = !!row && safeEqual(row.clientId, clientId) && safeEqual(row.secretHash, presented);
        if (!ok) fail('auth_vendor_invalid_credentials');
      });
      const expiresIn = config.vendorTokenTtl;
      const token = await keys.current.sign(
        { type: VENDOR_TOKEN_TYPE },
        { issuer: config.issuer, audience: vendor.clientId, subject: clientId, expiresInSeconds: expiresIn, now: clock.now() },
      );
      return { token, expiresIn };
    },

    /** The vendor's sign-up settings (the row exists from the first start, see ensureVendor). */
    getSettings: readSettings,

    /**
     * Changes the fields given. forceEmailVerification also turns on sign-up without account
     * enumeration (a registered email answers like a new one, see auth/signup-enumeration.ts).
     */
    async updateSettings(raw: z.input<typeof VendorSettingsInput>) {
      const input = parseInput(VendorSettingsInput, raw);
      const data = {
        ...(input.allowSignUps != null ? { allowSignUps: input.allowSignUps } : {}),
        ...(input.forceEmailVerification != null ? { forceEmailVerification: input.forceEmailVerification } : {}),
        ...(input.subTenantAccessAllowed != null ? { subTenantAccessAllowed: input.subTenantAccessAllowed } : {}),
      };
      const { count } = await db.vendorSettings.updateMany({ where: { id: 1 }, data });
      if (count !== 1) fail('vendor_settings_not_found');
      return readSettings();
    },
  };
}

export type VendorService = ReturnType<typeof createVendorService>;
