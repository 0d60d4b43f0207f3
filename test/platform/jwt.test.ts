import { describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair } from 'jose';
import { generateSigningKey, InvalidTokenError, KeySet, loadKey, type SigningAlgorithm } from '../../src/platform/jwt.ts';

const now = new Date('2026-01-01T00:00:00Z');
const sign = { issuer: 'https://issuer.test', audience: 'aud-1', subject: 'user-1', expiresInSeconds: 60, now };
const verify = { issuer: 'https://issuer.test', audience: 'aud-1', types: ['userToken'], now };

async function keySet(alg: SigningAlgorithm) {
  const k = await generateSigningKey(alg);
  return new KeySet([loadKey({ kid: k.kid, algorithm: k.algorithm, publicJwk: k.publicJwk, privatePem: k.privatePem })]);
}

const reason = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidTokenError);
    return (e as InvalidTokenError).reason;
  }
};

describe.each(['RS256', 'ES256', 'EdDSA'] as const)('KeySet %s', (alg) => {
  it('signs and verifies, publishing a JWKS with kid and alg', async () => {
    const ks = await keySet(alg);
    const token = await ks.sign({ type: 'userToken', tenantId: 't' }, sign);
    const claims = await ks.verify(token, verify);
    expect(claims).toMatchObject({ sub: 'user-1', type: 'userToken', tenantId: 't', iss: sign.issuer, aud: 'aud-1' });
    const jwks = ks.jwks();
    expect(jwks.keys[0]).toMatchObject({ kid: ks.signingKey.kid, alg, use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('checks iss, aud, exp and the type claim', async () => {
    const ks = await keySet(alg);
    const token = await ks.sign({ type: 'userToken' }, sign);
    expect(await reason(ks.verify(token, { ...verify, issuer: 'https://other.test' }))).toBe('verification failed');
    expect(await reason(ks.verify(token, { ...verify, audience: 'aud-2' }))).toBe('verification failed');
    expect(await reason(ks.verify(token, { ...verify, now: new Date(now.getTime() + 61_000) }))).toBe('expired');
    expect(await reason(ks.verify(token, { ...verify, types: ['vendor'] }))).toBe('wrong token type');
  });
});

describe('KeySet trust', () => {
  it('never trusts a key or algorithm named by the token', async () => {
    const ks = await keySet('RS256');
    const kid = ks.signingKey.kid;
    // a token signed by an attacker's key that claims our kid
    const attacker = await generateKeyPair('RS256');
    const forged = await new SignJWT({ type: 'userToken' })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(sign.issuer).setAudience('aud-1').setSubject('x').setIssuedAt(now.getTime() / 1000).setExpirationTime(now.getTime() / 1000 + 60)
      .sign(attacker.privateKey);
    expect(await reason(ks.verify(forged, verify))).toBe('verification failed');
    // an algorithm other than the key's
    const hs = await new SignJWT({ type: 'userToken' }).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode('secret'));
    expect(await reason(ks.verify(hs, verify))).toBe('algorithm not allowed');
    // unknown kid, embedded jwk and jku are not followed
    const other = await keySet('RS256');
    const foreign = await other.sign({ type: 'userToken' }, sign);
    expect(await reason(ks.verify(foreign, verify))).toBe('unknown key');
    expect(await reason(ks.verify('not.a.jwt', verify))).toBe('malformed');
  });

  it('verifies with every key and signs with the first (rotation)', async () => {
    const oldKey = await generateSigningKey('RS256');
    const newKey = await generateSigningKey('EdDSA');
    const before = new KeySet([loadKey({ ...oldKey, privatePem: oldKey.privatePem })]);
    const oldToken = await before.sign({ type: 'userToken' }, sign);
    const after = new KeySet([loadKey({ ...newKey }), loadKey({ kid: oldKey.kid, algorithm: 'RS256', publicJwk: oldKey.publicJwk })]);
    expect((await after.verify(oldToken, verify)).sub).toBe('user-1');
    expect(after.signingKey.kid).toBe(newKey.kid);
    expect(after.jwks().keys.map((k) => k.kid)).toEqual([newKey.kid, oldKey.kid]);
  });
});
