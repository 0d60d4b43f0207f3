// WebAuthn device reads shared by mfa.service (the login's mfaDevices answer, requiresMfa) and
// webauthn.service. Kept free of both services so neither imports the other.
import type { Deps } from '../deps.ts';

type Db = Deps['db'];

/** Frontegg's WebAuthn device kinds: built into the device, or a roaming key (USB/NFC/BLE/phone). */
export const WEBAUTHN_DEVICE_TYPES = ['Platform', 'CrossPlatform'] as const;
export type WebAuthnDeviceType = (typeof WEBAUTHN_DEVICE_TYPES)[number];

/** The device type is kept in `name` (the label Frontegg shows); anything else reads as a roaming key. */
export const deviceTypeOf = (name: string | null): WebAuthnDeviceType => (name === 'Platform' ? 'Platform' : 'CrossPlatform');

/** Device types that count as a second factor (a passkey is a login of its own, not a factor). */
export const MFA_FACTOR_TYPES = ['TOTP', 'WEBAUTHN'] as const;

export interface WebAuthnDeviceView {
  id: string;
  name: string | null;
  deviceType: WebAuthnDeviceType;
  createdAt: Date;
  lastUsedAt: Date | null;
}

async function devicesOf(db: Db, userId: string, type: 'WEBAUTHN' | 'PASSKEY'): Promise<WebAuthnDeviceView[]> {
  const rows = await db.mfaDevice.findMany({
    where: { userId, type, verifiedAt: { not: null } },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((r) => ({ ...r, deviceType: deviceTypeOf(r.name) }));
}

/** The user's enrolled WebAuthn second factors. */
export const webauthnMfaDevicesOf = (db: Db, userId: string) => devicesOf(db, userId, 'WEBAUTHN');

/** The user's passkeys. */
export const passkeysOf = (db: Db, userId: string) => devicesOf(db, userId, 'PASSKEY');
