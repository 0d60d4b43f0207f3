// Secrets that are high-entropy (refresh tokens, API-token secrets, one-time tokens, vendor
// secret) are stored as HMAC-SHA256 under a key derived from the installation secret: a slow
// password hash adds nothing against 256-bit random values and would cap the refresh rate.
// Low-entropy secrets (passwords) go to argon2id in password.ts instead.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random token with `bytes` bytes of entropy. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** Random numeric code of `digits` digits, uniform (rejection sampling, no modulo bias). */
export function randomDigits(digits: number): string {
  const max = 10 ** digits;
  const limit = Math.floor(0xffffffff / max) * max;
  for (;;) {
    const n = randomBytes(4).readUInt32BE(0);
    if (n < limit) return String(n % max).padStart(digits, '0');
  }
}

/** Constant-time string comparison (lengths are compared first, which leaks only the length). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface SecretBox {
  /** Keyed hash for high-entropy secrets; deterministic so it can be looked up by index. */
  hashToken(token: string): string;
  /**
   * A token-shaped value (43 base64url chars, 256 bits) derived from `input` under a key of its
   * own per `purpose`: unpredictable without the installation secret, yet recomputable.
   */
  deriveToken(purpose: string, input: string): string;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

/** Derives independent keys for hashing and encryption from the installation secret. */
export function createSecretBox(secret: string): SecretBox {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'gatehouse', info, 32));
  const hmacKey = derive('token-hash-v1');
  const encKey = derive('encryption-v1');
  const purposeKeys = new Map<string, Buffer>();
  const purposeKey = (purpose: string) => {
    let key = purposeKeys.get(purpose);
    if (!key) purposeKeys.set(purpose, (key = derive(`derived-token-v1:${purpose}`)));
    return key;
  };
  return {
    hashToken: (token) => createHmac('sha256', hmacKey).update(token).digest('base64url'),
    deriveToken: (purpose, input) => createHmac('sha256', purposeKey(purpose)).update(input).digest('base64url'),
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    decrypt(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unknown sealed-secret format');
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
