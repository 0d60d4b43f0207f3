// JWT signing and verification with a list of keys: the first signs, all verify (rotation).
// Verification never trusts the token's header beyond choosing among OUR keys by kid: the
// algorithm must be the one that key was made for (allowlist), jku/jwk/x5u are ignored, and
// iss, aud, exp and our `type` claim are always checked.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, exportJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';

export type SigningAlgorithm = 'RS256' | 'ES256' | 'EdDSA';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];

export interface GeneratedKey {
  kid: string;
  algorithm: SigningAlgorithm;
  publicJwk: JWK;
  privatePem: string;
}

export async function generateSigningKey(algorithm: SigningAlgorithm): Promise<GeneratedKey> {
  const pair =
    algorithm === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : algorithm === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: algorithm, use: 'sig' };
  return { kid, algorithm, publicJwk, privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export interface LoadedKey {
  kid: string;
  algorithm: SigningAlgorithm;
  publicJwk: JWK;
  /** Absent for keys that only verify (retired). */
  privateKey?: KeyObject;
  publicKey: KeyObject;
}

export function loadKey(k: { kid: string; algorithm: string; publicJwk: JWK; privatePem?: string }): LoadedKey {
  if (!SIGNING_ALGORITHMS.includes(k.algorithm as SigningAlgorithm)) throw new Error(`unsupported key algorithm ${k.algorithm}`);
  const privateKey = k.privatePem ? createPrivateKey(k.privatePem) : undefined;
  const publicKey = privateKey ? createPublicKey(privateKey) : createPublicKey({ key: k.publicJwk as never, format: 'jwk' });
  return { kid: k.kid, algorithm: k.algorithm as SigningAlgorithm, publicJwk: k.publicJwk, privateKey, publicKey };
}

export class InvalidTokenError extends Error {
  constructor(public readonly reason: string) {
    super(`invalid token: ${reason}`);
  }
}

export interface SignOptions {
  issuer: string;
  audience: string;
  subject: string;
  expiresInSeconds: number;
  now: Date;
}

export interface VerifyOptions {
  issuer: string;
  audience: string;
  /** Accepted values of the `type` claim. */
  types: readonly string[];
  now: Date;
}

export class KeySet {
  readonly #keys: LoadedKey[];
  readonly #byKid: Map<string, LoadedKey>;
  constructor(keys: LoadedKey[]) {
    if (!keys[0]?.privateKey) throw new Error('the first key of a key set must be able to sign');
    this.#keys = keys;
    this.#byKid = new Map(keys.map((k) => [k.kid, k]));
  }

  get signingKey(): LoadedKey {
    return this.#keys[0]!;
  }

  async sign(claims: JWTPayload & { type: string }, o: SignOptions): Promise<string> {
    const key = this.signingKey;
    const iat = Math.floor(o.now.getTime() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.algorithm, kid: key.kid, typ: 'JWT' })
      .setIssuer(o.issuer)
      .setAudience(o.audience)
      .setSubject(o.subject)
      .setIssuedAt(iat)
      .setExpirationTime(iat + o.expiresInSeconds)
      .sign(key.privateKey!);
  }

  async verify<T extends JWTPayload = JWTPayload>(token: string, o: VerifyOptions): Promise<T & { type: string; sub: string }> {
    let kid: string | undefined;
    let alg: string | undefined;
    try {
      ({ kid, alg } = decodeProtectedHeader(token));
    } catch {
      throw new InvalidTokenError('malformed');
    }
    const key = kid ? this.#byKid.get(kid) : undefined;
    if (!key) throw new InvalidTokenError('unknown key');
    if (alg !== key.algorithm) throw new InvalidTokenError('algorithm not allowed');
    try {
      const { payload } = await jwtVerify(token, key.publicKey, {
        algorithms: [key.algorithm],
        issuer: o.issuer,
        audience: o.audience,
        typ: 'JWT',
        currentDate: o.now,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      if (typeof payload.type !== 'string' || !o.types.includes(payload.type)) throw new InvalidTokenError('wrong token type');
      return payload as T & { type: string; sub: string };
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      const code = (error as { code?: string }).code;
      throw new InvalidTokenError(code === 'ERR_JWT_EXPIRED' ? 'expired' : 'verification failed');
    }
  }

  /**
   * The signing key as a private JWK (kid, alg, use), for a signer that needs the key material in
   * that form (oidc-provider's `jwks`). Only the current signer has a private half in memory.
   */
  signingPrivateJwk(): JWK {
    const key = this.signingKey;
    return { ...(key.privateKey!.export({ format: 'jwk' }) as JWK), kid: key.kid, alg: key.algorithm, use: 'sig' };
  }

  /** The public keys as a JWKS document. */
  jwks(): { keys: JWK[] } {
    return { keys: this.#keys.map((k) => k.publicJwk) };
  }
}
