// Password hashes imported from another identity system (Frontegg's user migration). They are
// stored in the same PasswordCredential.hash column as Gatehouse's own argon2id hashes, as a
// self-describing string (prefix + type + foreign hash + its parameters), so the login read stays
// one statement and any code path that only knows argon2 fails closed on them (argon2.verify
// rejects the format). Login verifies them here once and re-hashes with argon2id (transparent
// upgrade), after which the foreign hash is gone.
//
// Everything is validated at import (a malformed hash is the importer's 400, never a 500 at
// login) and the cost parameters are bounded, so an import cannot plant a hash that makes one
// login burn gigabytes or minutes.
import { createHash, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';

export const IMPORTED_HASH_TYPES = ['bcrypt', 'scrypt', 'pbkdf2', 'argon2', 'sha256', 'sha1'] as const;
export type ImportedHashType = (typeof IMPORTED_HASH_TYPES)[number];

const PREFIX = '$gh-import$';

type Scrypt = { type: 'scrypt'; salt: string; key: string; N: number; r: number; p: number };
type Pbkdf2 = { type: 'pbkdf2'; digest: 'sha1' | 'sha256' | 'sha512'; iterations: number; salt: string; key: string };
type Sha = { type: 'sha256' | 'sha1'; digest: string; salt: string; saltPosition: 'prefix' | 'suffix' };
export type ImportedHash = { type: 'bcrypt'; hash: string } | { type: 'argon2'; hash: string } | Scrypt | Pbkdf2 | Sha;

/** Thrown by parseImportedHash with a message for the importer. */
export class ImportedHashFormatError extends Error {}
const bad = (message: string): never => {
  throw new ImportedHashFormatError(message);
};

const BCRYPT = /^\$2[aby]\$(0[4-9]|1[0-6])\$[./A-Za-z0-9]{53}$/;
// Parameters in any order: libraries differ (node-argon2 writes m,p,t).
const ARGON2 = /^\$argon2(?:id|i|d)\$v=(?:16|19)\$([mtp]=\d{1,7}(?:,[mtp]=\d{1,7}){2})\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}$/;
const HEX = /^[0-9a-fA-F]+$/;
const B64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Derived keys arrive hex- or base64-encoded; base64 also covers its url-safe alphabet. */
function decodeKey(s: string, what: string): string {
  if (HEX.test(s) && s.length % 2 === 0) return Buffer.from(s, 'hex').toString('base64');
  if (B64.test(s)) return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('base64');
  return bad(`${what} must be hex or base64`);
}

function parseConfig(raw: string | null | undefined): Record<string, unknown> {
  if (raw === null || raw === undefined || raw === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return bad('passwordHashConfig must be a JSON object');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) bad('passwordHashConfig must be a JSON object');
  return v as Record<string, unknown>;
}

const intIn = (v: unknown, name: string, min: number, max: number, dflt: number) => {
  if (v === undefined || v === null) return dflt;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) bad(`${name} must be an integer between ${min} and ${max}`);
  return n as number;
};

/**
 * Validates a foreign hash and its config. Formats (Frontegg leaves most unspecified):
 * - bcrypt: the modular crypt string `$2a|2b|2y$<cost 04-16>$<53 chars>`.
 * - argon2: the PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), memory ≤ 256 MiB.
 * - scrypt: `<salt><saltSeparator><key>`, config `{ saltSeparator=":", N=16384, r=8, p=1, keyLen }`;
 *   the salt is used as its text, the key is hex or base64 (keyLen, when given, must match).
 * - pbkdf2: `pbkdf2_<sha1|sha256|sha512>$<iterations>$<salt>$<key>` (Django/Werkzeug layout; salt
 *   as text, key hex or base64).
 * - sha256 / sha1: the hex or base64 digest, config `{ salt?, saltPosition: "prefix"|"suffix" }`.
 */
export function parseImportedHash(type: string, hash: string, configJson?: string | null): ImportedHash {
  const h = hash.trim();
  if (!h || h.length > 1024) bad('passwordHash must be 1-1024 characters');
  const config = parseConfig(configJson);
  switch (type) {
    case 'bcrypt':
      return BCRYPT.test(h) ? { type, hash: h } : bad('passwordHash is not a bcrypt hash ($2a$/$2b$/$2y$, cost 04-16)');
    case 'argon2': {
      const m = ARGON2.exec(h) ?? bad('passwordHash is not an argon2 PHC string');
      const p = Object.fromEntries(m[1]!.split(',').map((kv) => [kv[0], Number(kv.slice(2))]));
      if (!(p.m && p.t && p.p)) bad('argon2 parameters must be m, t and p');
      if (p.m! > 262144 || p.t! > 10 || p.p! > 16) bad('argon2 parameters are too expensive');
      return { type, hash: h };
    }
    case 'scrypt': {
      const sep = config.saltSeparator ?? ':';
      if (typeof sep !== 'string' || !sep) return bad('saltSeparator must be a non-empty string');
      const at = h.lastIndexOf(sep);
      if (at <= 0 || at + sep.length >= h.length) return bad('scrypt passwordHash must be <salt><saltSeparator><key>');
      const N = intIn(config.N ?? config.cost, 'N', 2, 1 << 20, 16384);
      if ((N & (N - 1)) !== 0) bad('N must be a power of two');
      const r = intIn(config.r ?? config.blockSize, 'r', 1, 32, 8);
      const p = intIn(config.p ?? config.parallelization, 'p', 1, 16, 1);
      // Bounds one verification's memory (128·N·r bytes) to 256 MiB.
      if (128 * N * r > 256 * 1024 * 1024) bad('scrypt parameters are too expensive');
      const key = decodeKey(h.slice(at + sep.length), 'scrypt key');
      const keyLen = Buffer.from(key, 'base64').length;
      if (keyLen < 16 || keyLen > 128) bad('scrypt key must be 16-128 bytes');
      if (config.keyLen !== undefined && intIn(config.keyLen, 'keyLen', 16, 128, keyLen) !== keyLen) bad('scrypt key length does not match keyLen');
      return { type, salt: h.slice(0, at), key, N, r, p };
    }
    case 'pbkdf2': {
      const m = /^pbkdf2_(sha1|sha256|sha512)\$(\d{1,8})\$([^$]+)\$([^$]+)$/.exec(h) ?? bad('pbkdf2 passwordHash must be pbkdf2_<sha1|sha256|sha512>$<iterations>$<salt>$<key>');
      const iterations = intIn(m[2], 'iterations', 1, 10_000_000, 0);
      const key = decodeKey(m[4]!, 'pbkdf2 key');
      const len = Buffer.from(key, 'base64').length;
      if (len < 16 || len > 64) bad('pbkdf2 key must be 16-64 bytes');
      return { type, digest: m[1] as Pbkdf2['digest'], iterations, salt: m[3]!, key };
    }
    case 'sha256':
    case 'sha1': {
      const want = type === 'sha256' ? 32 : 20;
      const digest = decodeKey(h, `${type} digest`);
      if (Buffer.from(digest, 'base64').length !== want) bad(`${type} digest must be ${want} bytes`);
      const salt = config.salt ?? '';
      const pos = config.saltPosition ?? 'prefix';
      if (typeof salt !== 'string' || salt.length > 255) bad('salt must be a string');
      if (pos !== 'prefix' && pos !== 'suffix') bad('saltPosition must be prefix or suffix');
      return { type, digest, salt: salt as string, saltPosition: pos as Sha['saltPosition'] };
    }
    default:
      return bad(`passwordHashType must be one of ${IMPORTED_HASH_TYPES.join(', ')}`);
  }
}

export const encodeImportedHash = (h: ImportedHash) => PREFIX + JSON.stringify(h);
export const isImportedHash = (stored: string | null | undefined): stored is string => !!stored && stored.startsWith(PREFIX);

const scryptAsync = promisify(scrypt) as (pw: string, salt: string, len: number, o: object) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/** True when `password` matches the imported hash `stored`; false (never a throw) otherwise. */
export async function verifyImportedHash(stored: string, password: string): Promise<boolean> {
  try {
    const h = JSON.parse(stored.slice(PREFIX.length)) as ImportedHash;
    switch (h.type) {
      case 'bcrypt':
        // bcryptjs compares in constant time itself.
        return await bcrypt.compare(password, h.hash);
      case 'argon2':
        return await argon2.verify(h.hash, password);
      case 'scrypt': {
        const want = Buffer.from(h.key, 'base64');
        const got = await scryptAsync(password, h.salt, want.length, { N: h.N, r: h.r, p: h.p, maxmem: 128 * h.N * h.r + 64 * 1024 * 1024 });
        return sameBytes(got, want);
      }
      case 'pbkdf2': {
        const want = Buffer.from(h.key, 'base64');
        return sameBytes(await pbkdf2Async(password, h.salt, h.iterations, want.length, h.digest), want);
      }
      case 'sha256':
      case 'sha1': {
        const input = h.saltPosition === 'prefix' ? h.salt + password : password + h.salt;
        return sameBytes(createHash(h.type).update(input, 'utf8').digest(), Buffer.from(h.digest, 'base64'));
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}
