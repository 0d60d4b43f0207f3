// Access tokens (account and personal) over the Frontegg REST paths: the secret is a bearer JWT
// shown once; it works only while its row exists and has not expired, acts only in its tenant with
// the roles resolved at use, and the vendor data routes never reveal it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

let t: TestGatehouse;
beforeAll(async () => {
  t = await startGatehouse();
});
afterAll(() => t?.close());

const TENANT_TOKENS = '/identity/resources/tenants/access-tokens/v1';
const USER_TOKENS = '/identity/resources/users/access-tokens/v1';
const VENDOR_TENANT_DATA = '/identity/resources/vendor-only/tenants/access-tokens/v1';
const VENDOR_USER_DATA = '/identity/resources/vendor-only/users/access-tokens/v1';

const roleId = async (key: 'Admin' | 'ReadOnly') => (await t.deps.db.role.findFirstOrThrow({ where: { key, tenantId: null } })).id;
const getUser = (token: string, id: string, headers: Record<string, string> = {}) => t.rest('GET', `/identity/resources/users/v1/${id}`, { token, headers });

async function create(path: string, token: string, body: Record<string, unknown>) {
  const r = await t.rest('POST', path, { token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; secret: string; description?: string; roleIds?: string[]; expires?: string; createdByUserId?: string };
}

describe('account (tenant) access tokens', () => {
  it('shows the secret once and stores only its keyed hash', async () => {
    const founder = await signUp(t);
    const readOnly = await roleId('ReadOnly');
    const created = await create(TENANT_TOKENS, founder.accessToken, { description: 'CI', roleIds: [readOnly] });
    expect(created).toMatchObject({ id: expect.any(String), secret: expect.any(String), description: 'CI', roleIds: [readOnly], createdByUserId: founder.userId });
    expect(created).not.toHaveProperty('expires');
    const claims = decodeJwt(created.secret);
    expect(claims).toMatchObject({ type: 'tenantAccessToken', jti: created.id, tenantId: founder.tenantId });
    expect(claims).not.toHaveProperty('permissions');

    const list = await t.rest('GET', TENANT_TOKENS, { token: founder.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.accessTokens).toEqual([expect.objectContaining({ id: created.id, description: 'CI', roleIds: [readOnly] })]);
    expect(JSON.stringify(list.body)).not.toContain(created.secret);
    expect(list.body.accessTokens[0]).not.toHaveProperty('secret');

    const row = await t.deps.db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.kind).toBe('TENANT_ACCESS');
    expect(row.secretHash).toBe(t.deps.secrets.hashToken(created.secret));
    expect(JSON.stringify(row)).not.toContain(created.secret);
    // Client-credential listings do not show access tokens.
    const apiTokens = await t.rest('GET', '/identity/resources/tenants/api-tokens/v1', { token: founder.accessToken });
    expect(apiTokens.body).toEqual([]);
  });

  it('acts as a bearer with its roles, only in its tenant, until it is deleted', async () => {
    const founder = await signUp(t);
    const other = await signUp(t);
    const created = await create(TENANT_TOKENS, founder.accessToken, { roleIds: [await roleId('ReadOnly')] });
    const bearer = created.secret;

    expect((await getUser(bearer, founder.userId)).status).toBe(200);
    // Read-only: writing users is refused.
    const write = await t.rest('POST', '/identity/resources/users/v1', { token: bearer, body: { email: uniqueEmail() } });
    expect(write.status).toBe(403);
    // Another tenant's user is not visible, and naming another tenant is refused.
    expect((await getUser(bearer, other.userId)).status).toBe(404);
    expect((await getUser(bearer, other.userId, { 'frontegg-tenant-id': other.tenantId })).status).toBe(403);
    // It cannot mint tokens: read-only has no write permission on tokens.
    expect((await t.rest('POST', TENANT_TOKENS, { token: bearer, body: {} })).status).toBe(403);
    // Nor manage personal tokens: it is not a person.
    expect((await t.rest('POST', USER_TOKENS, { token: bearer, body: {} })).status).toBe(403);

    // Another tenant cannot delete it; its own tenant can, and then the bearer is dead.
    expect((await t.rest('DELETE', `${TENANT_TOKENS}/${created.id}`, { token: other.accessToken })).status).toBe(404);
    expect((await getUser(bearer, founder.userId)).status).toBe(200);
    expect((await t.rest('DELETE', `${TENANT_TOKENS}/${created.id}`, { token: founder.accessToken })).status).toBe(200);
    const after = await getUser(bearer, founder.userId);
    expect(after.status).toBe(401);
    expect((await t.rest('DELETE', `${TENANT_TOKENS}/${created.id}`, { token: founder.accessToken })).status).toBe(404);
  });

  it('is resolved by the vendor data route into the permissions of its roles', async () => {
    const founder = await signUp(t);
    const created = await create(TENANT_TOKENS, founder.accessToken, { roleIds: [await roleId('Admin')] });
    const data = await t.rest('GET', `${VENDOR_TENANT_DATA}/${created.id}`, {
      token: await t.vendorToken(),
      headers: { 'frontegg-tenant-id': founder.tenantId },
    });
    expect(data.status, JSON.stringify(data.body)).toBe(200);
    expect(data.body.roles).toEqual(['Admin']);
    expect(data.body.permissions).toContain('fe.secure.write.users');
  });

  it('refuses roles the creator does not hold and unknown roles', async () => {
    const founder = await signUp(t);
    expect((await t.rest('POST', TENANT_TOKENS, { token: founder.accessToken, body: { roleIds: ['no-such-role'] } })).status).toBe(400);
    // A read-only token-holder cannot hand out Admin even through the vendor-less path: it lacks the write permission.
    const ro = await create(TENANT_TOKENS, founder.accessToken, { roleIds: [await roleId('ReadOnly')] });
    expect((await t.rest('POST', TENANT_TOKENS, { token: ro.secret, body: { roleIds: [await roleId('Admin')] } })).status).toBe(403);
  });

  it('stops working when it expires', async () => {
    const founder = await signUp(t);
    const created = await create(TENANT_TOKENS, founder.accessToken, { roleIds: [await roleId('ReadOnly')], expiresInMinutes: 5 });
    expect(created.expires).toEqual(expect.any(String));
    expect(decodeJwt(created.secret).exp).toBe(Math.floor(new Date(created.expires!).getTime() / 1000));
    expect((await getUser(created.secret, founder.userId)).status).toBe(200);
    (t.clock as ManualClock).advance(5 * 60_000 + 1000);
    expect((await getUser(created.secret, founder.userId)).status).toBe(401);
  });
});

describe('user (personal) access tokens', () => {
  it("acts for its user with the user's roles, is listed without its secret, and dies on delete", async () => {
    const founder = await signUp(t);
    const first = await create(USER_TOKENS, founder.accessToken, { description: 'laptop' });
    const second = await create(USER_TOKENS, founder.accessToken, { description: 'ci' });
    expect(first.secret).not.toBe(second.secret);
    // sub is the token (as Frontegg signs it; its backend SDK looks tokens up by sub), userId the user.
    expect(decodeJwt(first.secret)).toMatchObject({ type: 'userAccessToken', jti: first.id, sub: first.id, userId: founder.userId, tenantId: founder.tenantId });

    const list = await t.rest('GET', USER_TOKENS, { token: founder.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.accessTokens.map((x: { id: string }) => x.id).sort()).toEqual([first.id, second.id].sort());
    expect(JSON.stringify(list.body)).not.toContain(first.secret);
    expect(JSON.stringify(list.body)).not.toContain(second.secret);

    // The founder is Admin, so the token may write users in the founder's tenant.
    expect((await getUser(first.secret, founder.userId)).status).toBe(200);
    const created = await t.rest('POST', '/identity/resources/users/v1', { token: first.secret, body: { email: uniqueEmail() } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // A token cannot mint more personal tokens.
    expect((await t.rest('POST', USER_TOKENS, { token: first.secret, body: {} })).status).toBe(403);

    // Another user cannot delete it.
    const stranger = await signUp(t);
    expect((await t.rest('DELETE', `${USER_TOKENS}/${first.id}`, { token: stranger.accessToken })).status).toBe(404);
    expect((await t.rest('DELETE', `${USER_TOKENS}/${first.id}`, { token: founder.accessToken })).status).toBe(200);
    expect((await getUser(first.secret, founder.userId)).status).toBe(401);
    expect((await getUser(second.secret, founder.userId)).status).toBe(200);
  });

  it('stops working when its user is locked', async () => {
    const founder = await signUp(t);
    const pat = await create(USER_TOKENS, founder.accessToken, {});
    expect((await getUser(pat.secret, founder.userId)).status).toBe(200);
    // The tenant's lockout policy locks the founder after two wrong passwords.
    const policy = await t.rest('POST', '/identity/resources/configurations/v1/lockout-policy', { token: founder.accessToken, body: { enabled: true, maxAttempts: 2 } });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    for (let i = 0; i < 2; i++) {
      await t.rest('POST', '/identity/resources/auth/v1/user', { body: { email: founder.email, password: 'wrong password here' } });
    }
    expect((await t.deps.db.user.findUniqueOrThrow({ where: { id: founder.userId } })).lockedAt).not.toBeNull();
    expect((await getUser(pat.secret, founder.userId)).status).toBe(401);
  });

  it('stops working when it expires', async () => {
    const founder = await signUp(t);
    const pat = await create(USER_TOKENS, founder.accessToken, { expiresInMinutes: 1 });
    expect((await getUser(pat.secret, founder.userId)).status).toBe(200);
    (t.clock as ManualClock).advance(61_000);
    expect((await getUser(pat.secret, founder.userId)).status).toBe(401);
  });
});

describe('vendor-only access token data', () => {
  it('answers tenant, user, roles and permissions, never the secret, and only to the vendor', async () => {
    const founder = await signUp(t);
    const vendor = await t.vendorToken();
    const headers = { 'frontegg-tenant-id': founder.tenantId };
    const pat = await create(USER_TOKENS, founder.accessToken, { description: 'x' });
    const expiring = await create(USER_TOKENS, founder.accessToken, { expiresInMinutes: 1 });

    const data = await t.rest('GET', `${VENDOR_USER_DATA}/${pat.id}`, { token: vendor, headers });
    expect(data.status, JSON.stringify(data.body)).toBe(200);
    expect(data.body).toMatchObject({ id: pat.id, tenantId: founder.tenantId, userId: founder.userId, roles: ['Admin'], createdAt: expect.any(String) });
    expect(data.body.permissions).toContain('fe.secure.read.users');
    expect(JSON.stringify(data.body)).not.toContain(pat.secret);
    expect(JSON.stringify(data.body)).not.toContain(t.deps.secrets.hashToken(pat.secret));

    // Wrong tenant, wrong kind, not the vendor. Without a tenant header (Frontegg's backend SDK
    // sends none) the token is found in any tenant.
    const other = await signUp(t);
    expect((await t.rest('GET', `${VENDOR_USER_DATA}/${pat.id}`, { token: vendor, headers: { 'frontegg-tenant-id': other.tenantId } })).status).toBe(404);
    expect((await t.rest('GET', `${VENDOR_TENANT_DATA}/${pat.id}`, { token: vendor, headers })).status).toBe(404);
    expect((await t.rest('GET', `${VENDOR_TENANT_DATA}/${pat.id}`, { token: vendor })).status).toBe(404);
    const anyTenant = await t.rest('GET', `${VENDOR_USER_DATA}/${pat.id}`, { token: vendor });
    expect(anyTenant.status).toBe(200);
    expect(anyTenant.body).toMatchObject({ id: pat.id, tenantId: founder.tenantId, userId: founder.userId });
    expect((await t.rest('GET', `${VENDOR_USER_DATA}/${pat.id}`, { token: founder.accessToken, headers })).status).toBe(403);
    expect((await t.rest('GET', `${VENDOR_USER_DATA}/${pat.id}`, { token: pat.secret, headers })).status).toBe(403);

    // A bare array of ids: what @frontegg/client compares a presented token's sub with.
    const otherPat = await create(USER_TOKENS, other.accessToken, {});
    const active = await t.rest('GET', `${VENDOR_USER_DATA}/active`, { token: vendor, headers });
    expect(active.status, JSON.stringify(active.body)).toBe(200);
    expect([...active.body].sort()).toEqual([pat.id, expiring.id].sort());
    const everywhere = await t.rest('GET', `${VENDOR_USER_DATA}/active`, { token: vendor });
    expect(everywhere.body).toEqual(expect.arrayContaining([pat.id, expiring.id, otherPat.id]));
    expect((await t.rest('GET', `${VENDOR_TENANT_DATA}/active`, { token: vendor, headers })).body).toEqual([]);
    expect((await t.rest('GET', `${VENDOR_USER_DATA}/active`, { token: founder.accessToken, headers })).status).toBe(403);
    (t.clock as ManualClock).advance(61_000);
    const later = await t.rest('GET', `${VENDOR_USER_DATA}/active`, { token: vendor, headers });
    expect(later.body).toEqual([pat.id]);
    expect(JSON.stringify(later.body)).not.toContain(pat.secret);
    // Revoked: gone from the list. A locked user's tokens are not active either (the bearer
    // check refuses them, and the SDK trusts this list).
    expect((await t.rest('DELETE', `${USER_TOKENS}/${pat.id}`, { token: founder.accessToken })).status).toBe(200);
    expect((await t.rest('GET', `${VENDOR_USER_DATA}/active`, { token: vendor, headers })).body).toEqual([]);
    const otherHeaders = { 'frontegg-tenant-id': other.tenantId };
    expect((await t.rest('GET', `${VENDOR_USER_DATA}/active`, { token: vendor, headers: otherHeaders })).body).toEqual([otherPat.id]);
    expect((await t.rest('POST', `/identity/resources/users/v1/${other.userId}/lock`, { token: vendor, headers: otherHeaders })).status).toBe(200);
    expect((await t.rest('GET', `${VENDOR_USER_DATA}/active`, { token: vendor, headers: otherHeaders })).body).toEqual([]);
  });
});
