import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { createSecretBox, randomDigits, safeEqual } from '../../src/platform/crypto.ts';
import { createPasswordHasher } from '../../src/platform/password.ts';

describe('config', () => {
  it('applies defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toMatch(/^pglite:.*\.gatehouse[/\\]db$/);
    expect(c.issuer).toBe('http://localhost:3000');
    expect(c.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(c.vendorCredential).toBeNull();
  });

  it('fails fast, listing every problem', () => {
    expect(() => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', GATEHOUSE_SIGNING_ALG: 'HS256' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT/);
      expect((e as Error).message).toMatch(/DATABASE_URL/);
    }
    expect(() => loadConfig({ GATEHOUSE_VENDOR_CLIENT_ID: 'only-the-id' })).toThrow(/both/);
  });

  it("caps the vendor-token lifetime where Frontegg's backend SDK can still schedule its refresh", () => {
    expect(loadConfig({ GATEHOUSE_VENDOR_TOKEN_TTL: String(30 * 24 * 3600) }).vendorTokenTtl).toBe(30 * 24 * 3600);
    expect(() => loadConfig({ GATEHOUSE_VENDOR_TOKEN_TTL: String(30 * 24 * 3600 + 1) })).toThrow(/GATEHOUSE_VENDOR_TOKEN_TTL/);
  });

  it('makes SameSite=None cookies Secure', () => {
    expect(loadConfig({ GATEHOUSE_COOKIE_SAMESITE: 'None' }).cookie).toEqual({ sameSite: 'None', secure: true });
    expect(loadConfig({ GATEHOUSE_ISSUER: 'https://auth.example.com' }).cookie.secure).toBe(true);
  });
});

describe('secret box', () => {
  const box = createSecretBox('x'.repeat(40));
  it('encrypts with authentication and fresh IVs', () => {
    const a = box.encrypt('seed');
    expect(a).not.toBe(box.encrypt('seed'));
    expect(box.decrypt(a)).toBe('seed');
    const [v, iv, tag, data] = a.split('.');
    // Change the first ciphertext character (always whole data bits, unlike the last one) to a different one.
    const flipped = `${v}.${iv}.${tag}.${data!.startsWith('A') ? 'B' : 'A'}${data!.slice(1)}`;
    expect(() => box.decrypt(flipped)).toThrow();
    expect(() => createSecretBox('y'.repeat(40)).decrypt(a)).toThrow();
  });
  it('hashes tokens deterministically under the installation key', () => {
    expect(box.hashToken('t')).toBe(box.hashToken('t'));
    expect(box.hashToken('t')).not.toBe(createSecretBox('y'.repeat(40)).hashToken('t'));
  });
  it('derives token-shaped values per purpose, apart from the token hash', () => {
    const d = box.deriveToken('p', 't');
    expect(d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(box.deriveToken('p', 't')).toBe(d);
    expect(box.deriveToken('q', 't')).not.toBe(d);
    expect(d).not.toBe(box.hashToken('t'));
    expect(createSecretBox('y'.repeat(40)).deriveToken('p', 't')).not.toBe(d);
  });
  it('compares in constant time and draws uniform digits', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    const codes = Array.from({ length: 200 }, () => randomDigits(6));
    expect(codes.every((c) => /^\d{6}$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(190);
  });
});

describe('password hasher', () => {
  const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  it('hashes with argon2id and verifies', async () => {
    const h = await hasher.hash('correct horse');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    expect(await hasher.verify(h, 'correct horse')).toBe(true);
    expect(await hasher.verify(h, 'wrong')).toBe(false);
  });
  it('never accepts when there is no hash (unknown user), even for the dummy password', async () => {
    expect(await hasher.verify(null, 'anything')).toBe(false);
  });
  it('flags hashes made with other parameters', async () => {
    const strong = createPasswordHasher({ memoryCost: 2048, timeCost: 1, parallelism: 1 });
    expect(strong.needsRehash(await hasher.hash('p'))).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('p'))).toBe(false);
  });
});
