// Key rotation and retirement in one process (both databases), through the vendor GraphQL API:
// a rotated-out key keeps verifying and stays in the JWKS; a retired one leaves both at once; the
// current signer cannot be retired; nothing but the vendor sees or changes keys; no key material
// is ever answered. And the refresh bound without Redis: a key change written behind this
// instance's back (as another instance on the database would) is picked up within it.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/platform/jwt.ts';
import { signUp, startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

const doc = (source: string) => parse(source) as unknown as TypedDocumentNode<any, any>;
const LIST = doc(`{ signingKeys { kid algorithm status createdAt retiredAt current } }`);
const ROTATE = doc(`mutation { rotateSigningKey { __typename ... on SigningKey { kid status current } ... on Error { code } } }`);
const RETIRE = doc(`mutation R($kid: ID!) { retireSigningKey(kid: $kid) { __typename ... on SigningKey { kid status current retiredAt } ... on Error { code } } }`);

const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid!;
const until = async (what: () => Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('rotation and retirement', () => {
  let t: TestGatehouse;
  beforeAll(async () => {
    t = await startGatehouse();
  });
  afterAll(() => t?.close());

  const me = (token: string) => t.rest('GET', '/identity/resources/users/v2/me', { token });
  const jwks = async () => ((await t.rest('GET', '/.well-known/jwks.json')).body.keys as Array<{ kid: string }>).map((k) => k.kid);

  it('rotates: new tokens use the new key, tokens of the old one keep verifying, both are in the JWKS', async () => {
    const vendor = await t.vendorToken();
    const before = await signUp(t);
    const oldKid = kidOf(before.accessToken);
    const listed = await t.gql(LIST, {}, { token: vendor });
    expect(listed.data.signingKeys).toEqual([{ kid: oldKid, algorithm: 'RS256', status: 'ACTIVE', createdAt: expect.any(String), retiredAt: null, current: true }]);

    const rotated = await t.gql(ROTATE, {}, { token: vendor });
    expect(rotated.data.rotateSigningKey).toMatchObject({ __typename: 'SigningKey', status: 'ACTIVE', current: true });
    const newKid = rotated.data.rotateSigningKey.kid as string;
    expect(newKid).not.toBe(oldKid);

    const after = await signUp(t);
    expect(kidOf(after.accessToken)).toBe(newKid);
    expect((await me(before.accessToken)).status).toBe(200);
    expect((await me(after.accessToken)).status).toBe(200);
    expect(await jwks()).toEqual([newKid, oldKid]);
    const keys = (await t.gql(LIST, {}, { token: vendor })).data.signingKeys;
    expect(keys.map((k: { kid: string; current: boolean }) => [k.kid, k.current])).toEqual([[newKid, true], [oldKid, false]]);
  });

  it('retires: the key leaves the JWKS and its tokens stop verifying; the current key and unknown kids are refused', async () => {
    const vendor = await t.vendorToken();
    const signedBefore = await signUp(t);
    const oldKid = kidOf(signedBefore.accessToken);
    const newKid = (await t.gql(ROTATE, {}, { token: vendor })).data.rotateSigningKey.kid as string;

    const refused = await t.gql(RETIRE, { kid: newKid }, { token: vendor });
    expect(refused.data.retireSigningKey).toEqual({ __typename: 'ConflictError', code: 'signing_key_in_use' });
    expect((await t.gql(RETIRE, { kid: 'no-such-kid' }, { token: vendor })).data.retireSigningKey).toEqual({ __typename: 'NotFoundError', code: 'signing_key_not_found' });

    const retired = await t.gql(RETIRE, { kid: oldKid }, { token: vendor });
    expect(retired.data.retireSigningKey).toEqual({ __typename: 'SigningKey', kid: oldKid, status: 'RETIRED', current: false, retiredAt: expect.any(String) });
    expect(await jwks()).not.toContain(oldKid);
    expect(await jwks()).toContain(newKid);
    const r = await me(signedBefore.accessToken);
    expect(r.status).toBe(401);
    // The vendor token used so far was signed by the retired key too: it stops as well.
    expect((await t.gql(LIST, {}, { token: vendor })).data).toBeNull();
    const fresh = await t.vendorToken();
    // Retiring again is a no-op answer; the private half is gone from the database.
    expect((await t.gql(RETIRE, { kid: oldKid }, { token: fresh })).data.retireSigningKey).toMatchObject({ status: 'RETIRED' });
    expect((await t.deps.db.signingKey.findUniqueOrThrow({ where: { id: oldKid } })).privateKeyEncrypted).toBe('');
    // A fresh token (new key) still works.
    expect((await me((await signUp(t)).accessToken)).status).toBe(200);
  });

  it('is the vendor’s alone, and answers no key material', async () => {
    const user = await signUp(t);
    const list = await t.gql(LIST, {}, { token: user.accessToken });
    expect(list.errors?.[0]?.extensions?.code).toBeDefined();
    expect(list.data).toBeNull();
    const rotate = await t.gql(ROTATE, {}, { token: user.accessToken });
    expect(rotate.data?.rotateSigningKey?.__typename ?? rotate.errors?.[0]?.extensions?.code).not.toBe('SigningKey');
    const fields = doc(`{ __type(name: "SigningKey") { fields { name } } }`);
    const names = ((await t.gql(fields, {})).data.__type.fields as Array<{ name: string }>).map((f) => f.name).sort();
    expect(names).toEqual(['algorithm', 'createdAt', 'current', 'kid', 'retiredAt', 'status']);
  });
});

describe('without Redis, the refresh bound', () => {
  let t: TestGatehouse;
  beforeAll(async () => {
    t = await startGatehouse({ GATEHOUSE_CACHE_REFRESH_SECONDS: '1' });
  });
  afterAll(() => t?.close());

  it('picks up a key added and an IP restriction written behind its back (another instance) without a notification', async () => {
    // A key inserted straight into the database, newer than the current one: what a rotation on
    // another instance leaves. The instance was not told.
    const key = await generateSigningKey('RS256');
    await t.deps.db.signingKey.create({
      data: { id: key.kid, algorithm: 'RS256', publicJwk: key.publicJwk as object, privateKeyEncrypted: t.deps.secrets.encrypt(key.privatePem), createdAt: new Date(Date.now() + 1000) },
    });
    await until(async () => t.deps.keys.current.signingKey.kid === key.kid);
    expect(kidOf((await signUp(t)).accessToken)).toBe(key.kid);

    // An IP block for a tenant, written without the service (no notification): enforced within the bound.
    const u = await signUp(t);
    const body = { email: u.email, password: u.password };
    const login = () => t.rest('POST', '/identity/resources/auth/v1/user', { body, headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect((await login()).status).toBe(200);
    await t.deps.db.policy.create({ data: { type: 'IP_RESTRICTION', tenantId: u.tenantId, config: { strategy: 'BLOCK', isActive: true } } });
    await t.deps.db.restrictionEntry.create({ data: { kind: 'IP', tenantId: u.tenantId, value: '203.0.113.9', strategy: 'BLOCK' } });
    await until(async () => (await login()).status === 403);
    expect((await login()).body.errorCode).toBe('auth_ip_restricted');
  });
});
