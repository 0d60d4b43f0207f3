// User migration over Frontegg's /migrations paths (vendor only): imported users log in with
// their old password, whose foreign hash is replaced by argon2id at the first login; bulk imports
// run as background jobs with per-user results (tests poll the status route a bounded number of
// times; shutdown and crash recovery of the jobs themselves: test/rest/jobs.test.ts). Foreign hashes are made here with node:crypto; the bcrypt ones are fixed vectors.
import { createHash, pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/services/index.ts';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';

const M = '/identity/resources/migrations';
const LOGIN = '/identity/resources/auth/v1/user';

// bcrypt (cost 4) of "old bcrypt password", $2b$ and $2y$ flavours.
const BCRYPT_PASSWORD = 'old bcrypt password';
const BCRYPT_2B = '$2b$04$ccJb/YpeE/9tgPpELQ.Qu.DdzRkNLIwLKG2hhlkOlTU6R6X5CXFcm';
const BCRYPT_2Y = '$2y$04$fVNP9NOW8gxEKTfuvQzRoesJBIfRMGgZTz1oBQryv7.C812HE1fpW';

let t: TestGatehouse;
let vendor: string;
let tenantId: string;
beforeAll(async () => {
  t = await startGatehouse();
  vendor = await t.vendorToken();
  tenantId = (await signUp(t)).tenantId;
});
afterAll(async () => {
  await t?.close();
});

const migrate = (body: Record<string, unknown>, token = vendor) => t.rest('POST', `${M}/v1/local`, { token, body: { tenantId, ...body } });
const login = (email: string, password: string) => t.rest('POST', LOGIN, { body: { email, password } });
const storedHash = async (email: string) => (await t.deps.db.passwordCredential.findFirst({ where: { user: { email } } }))?.hash ?? null;

/** Polls the status route until the job is finished (a bounded number of polls). */
async function finished(id: string) {
  for (let i = 0; i < 300; i++) {
    const r = await t.rest('GET', `${M}/v1/local/bulk/status/${id}`, { token: vendor });
    expect(r.status).toBe(200);
    if (r.body.status === 'COMPLETED' || r.body.status === 'FAILED') return r.body;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`migration ${id} did not finish`);
}

/** Hashes of `password` in each supported node:crypto-based format, as another system stores them. */
function foreignHashes(password: string) {
  const salt = randomBytes(16).toString('hex');
  const pbSalt = randomBytes(8).toString('hex');
  return {
    scrypt: {
      passwordHashType: 'scrypt',
      passwordHash: `${salt}$${scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64')}`,
      passwordHashConfig: JSON.stringify({ saltSeparator: '$', N: 1024, r: 8, p: 1, keyLen: 32 }),
    },
    pbkdf2: {
      passwordHashType: 'pbkdf2',
      passwordHash: `pbkdf2_sha256$1000$${pbSalt}$${pbkdf2Sync(password, pbSalt, 1000, 32, 'sha256').toString('base64')}`,
    },
    sha256: {
      passwordHashType: 'sha256',
      passwordHash: createHash('sha256').update(`pepper${password}`).digest('hex'),
      passwordHashConfig: JSON.stringify({ salt: 'pepper', saltPosition: 'prefix' }),
    },
  };
}

describe('single user migration', () => {
  it('imports a bcrypt user who logs in with the old password; the hash becomes argon2id and the bcrypt one is gone', async () => {
    const email = uniqueEmail('bcrypt');
    const r = await migrate({ email, name: 'Imported', passwordHash: BCRYPT_2B, passwordHashType: 'bcrypt', verifyUser: true, externalId: 'ext-1', metadata: '{"plan":"pro"}' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: expect.any(String), email, name: 'Imported', verified: true, tenantId, tenantIds: [tenantId], externalId: 'ext-1', metadata: '{"plan":"pro"}' });
    expect(JSON.stringify(r.body)).not.toContain(BCRYPT_2B);
    expect(await storedHash(email)).toContain(BCRYPT_2B);

    // A wrong password neither logs in nor upgrades anything.
    expect((await login(email, 'not the password')).status).toBe(401);
    expect(await storedHash(email)).toContain(BCRYPT_2B);

    t.queries.length = 0;
    const first = await login(email, BCRYPT_PASSWORD);
    const statements = t.queries.filter((q) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(q.trim())).length;
    expect(first.status).toBe(200);
    expect(first.body.accessToken).toEqual(expect.any(String));
    // The usual three plus the one upgrade write.
    expect(statements).toBe(4);

    const upgraded = await storedHash(email);
    expect(upgraded).toMatch(/^\$argon2id\$/);
    expect(upgraded).not.toContain(BCRYPT_2B);
    expect(await argon2.verify(upgraded!, BCRYPT_PASSWORD)).toBe(true);

    // Later logins are normal ones: argon2id, three statements, no further write.
    t.queries.length = 0;
    expect((await login(email, BCRYPT_PASSWORD)).status).toBe(200);
    expect(t.queries.filter((q) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(q.trim())).length).toBe(3);
    expect(await storedHash(email)).toBe(upgraded);
  });

  it('accepts $2y$ bcrypt hashes', async () => {
    const email = uniqueEmail('bcrypt2y');
    expect((await migrate({ email, passwordHash: BCRYPT_2Y, passwordHashType: 'bcrypt', verifyUser: true })).status).toBe(201);
    expect((await login(email, BCRYPT_PASSWORD)).status).toBe(200);
    expect(await storedHash(email)).toMatch(/^\$argon2id\$/);
  });

  it.each(['scrypt', 'pbkdf2', 'sha256'] as const)('imports a %s hash: login with the old password, then upgraded to argon2id', async (type) => {
    const email = uniqueEmail(type);
    const password = `old ${type} password`;
    const r = await migrate({ email, verifyUser: true, ...foreignHashes(password)[type] });
    expect(r.status).toBe(201);
    expect((await login(email, `${password}!`)).status).toBe(401);
    expect(await storedHash(email)).not.toMatch(/^\$argon2id\$/);
    expect((await login(email, password)).status).toBe(200);
    const upgraded = await storedHash(email);
    expect(upgraded).toMatch(/^\$argon2id\$/);
    expect(await argon2.verify(upgraded!, password)).toBe(true);
    expect((await login(email, password)).status).toBe(200);
  });

  it('imports an argon2 hash made by another system', async () => {
    const email = uniqueEmail('argon2');
    const foreign = await argon2.hash('old argon2 password', { type: argon2.argon2i, memoryCost: 1024, timeCost: 2 });
    expect((await migrate({ email, verifyUser: true, passwordHash: foreign, passwordHashType: 'argon2' })).status).toBe(201);
    expect((await login(email, 'old argon2 password')).status).toBe(200);
    expect(await storedHash(email)).toMatch(/^\$argon2id\$/);
  });

  it('lets a migrated user change the password with the old one as the current password', async () => {
    const email = uniqueEmail('change');
    expect((await migrate({ email, verifyUser: true, ...foreignHashes('pbkdf2 old one').pbkdf2 })).status).toBe(201);
    const imported = await storedHash(email);
    // A token needs a login, which upgrades the hash: put the imported one back to test the change path on it.
    const l = await login(email, 'pbkdf2 old one');
    expect(l.status).toBe(200);
    await t.deps.db.passwordCredential.updateMany({ where: { user: { email } }, data: { hash: imported! } });

    const change = await t.rest('POST', '/identity/resources/users/v1/passwords/change', {
      token: l.body.accessToken,
      body: { password: 'pbkdf2 old one', newPassword: 'a brand new passphrase' },
    });
    expect(change.status).toBe(201);
    expect(await storedHash(email)).toMatch(/^\$argon2id\$/);
    expect((await login(email, 'a brand new passphrase')).status).toBe(200);
    expect((await login(email, 'pbkdf2 old one')).status).toBe(401);
  });

  it('refuses malformed hashes with 400 and creates nothing', async () => {
    const cases: Array<Record<string, unknown>> = [
      { passwordHash: '$2b$04$tooshort', passwordHashType: 'bcrypt' },
      { passwordHash: 'plain-text-password', passwordHashType: 'bcrypt' },
      { passwordHash: '$2b$31$ccJb/YpeE/9tgPpELQ.Qu.DdzRkNLIwLKG2hhlkOlTU6R6X5CXFcm', passwordHashType: 'bcrypt' },
      { passwordHash: BCRYPT_2B, passwordHashType: 'md5' },
      { passwordHash: BCRYPT_2B },
      { passwordHashType: 'bcrypt' },
      { passwordHash: 'no-separator-here', passwordHashType: 'scrypt' },
      { passwordHash: 'salt:a2V5', passwordHashType: 'scrypt', passwordHashConfig: '{"N": 1000}' },
      { passwordHash: 'salt:a2V5a2V5a2V5a2V5a2V5a2V5', passwordHashType: 'scrypt', passwordHashConfig: 'not json' },
      { passwordHash: 'salt:a2V5a2V5a2V5a2V5a2V5a2V5', passwordHashType: 'scrypt', passwordHashConfig: '{"N": 1048576, "r": 64}' },
      { passwordHash: 'abc', passwordHashType: 'sha256' },
      { passwordHash: 'pbkdf2_md5$1000$salt$a2V5a2V5a2V5a2V5a2V5a2V5', passwordHashType: 'pbkdf2' },
      { passwordHash: '$argon2id$v=19$m=4194304,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', passwordHashType: 'argon2' },
    ];
    for (const c of cases) {
      const email = uniqueEmail('bad');
      const r = await migrate({ email, ...c });
      expect(r.status, JSON.stringify(c)).toBe(400);
      expect(await t.deps.db.user.findUnique({ where: { email } })).toBeNull();
    }
  });

  it('answers 409 for an address that already belongs to someone, and leaves that account alone', async () => {
    const owner = await signUp(t);
    const r = await migrate({ email: owner.email, passwordHash: BCRYPT_2B, passwordHashType: 'bcrypt' });
    expect(r.status).toBe(409);
    expect((await login(owner.email, owner.password)).status).toBe(200);
    expect((await login(owner.email, BCRYPT_PASSWORD)).status).toBe(401);
    expect(await t.deps.db.userTenant.count({ where: { user: { email: owner.email } } })).toBe(1);
  });

  it('refuses what it cannot import instead of dropping it', async () => {
    expect((await migrate({ email: uniqueEmail('mfa'), authenticatorAppMfaSecret: 'JBSWY3DPEHPK3PXP' })).status).toBe(501);
    expect((await migrate({ email: uniqueEmail('mfa'), phoneNumber: '+15551234567', phoneNumberType: 'mfa' })).status).toBe(501);
    expect((await migrate({ email: uniqueEmail('unknown-tenant'), tenantId: 'no-such-tenant' })).status).toBe(404);
  });

  it('is vendor only: a tenant admin token and no token are refused on every route', async () => {
    const admin = await signUp(t);
    const email = uniqueEmail('by-tenant');
    const body = { users: [{ tenantId: admin.tenantId, email, passwordHash: BCRYPT_2B, passwordHashType: 'bcrypt' }] };
    for (const token of [admin.accessToken, undefined]) {
      const expected = token ? 403 : 401;
      expect((await t.rest('POST', `${M}/v1/local`, { token, body: body.users[0] })).status).toBe(expected);
      expect((await t.rest('POST', `${M}/v1/local/bulk`, { token, body })).status).toBe(expected);
      expect((await t.rest('POST', `${M}/v2/local/bulk`, { token, body: { users: [{ tenantId: admin.tenantId, emails: [{ email }] }] } })).status).toBe(expected);
      expect((await t.rest('GET', `${M}/v1/local/bulk/status/anything`, { token })).status).toBe(expected);
    }
    expect(await t.deps.db.user.findUnique({ where: { email } })).toBeNull();
  });

  it('leaves the Auth0 migration unrouted (it needs Auth0\'s API)', async () => {
    const r = await t.rest('POST', `${M}/v1/auth0`, { token: vendor, body: { domain: 'x.auth0.com', clientId: 'c', secret: 's', tenantIdFieldName: 'tenant' } });
    expect(r.status).toBe(404);
  });
});

describe('bulk migration', () => {
  it('v1: answers 202 with a migrationId, then COMPLETED with per-user results; duplicates and bad hashes fail alone', async () => {
    const taken = (await signUp(t)).email;
    const ok1 = uniqueEmail('bulk-ok');
    const ok2 = uniqueEmail('bulk-ok');
    const badHash = uniqueEmail('bulk-badhash');
    const r = await t.rest('POST', `${M}/v1/local/bulk`, {
      token: vendor,
      body: {
        users: [
          { tenantId, email: ok1, passwordHash: BCRYPT_2B, passwordHashType: 'bcrypt', verifyUser: true },
          { tenantId, email: taken, passwordHash: BCRYPT_2B, passwordHashType: 'bcrypt' },
          { tenantId, email: badHash, passwordHash: '$2b$04$broken', passwordHashType: 'bcrypt' },
          { tenantId, email: ok2, verifyUser: true, ...foreignHashes('bulk scrypt password').scrypt },
          { tenantId, email: ok1 },
        ],
      },
    });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ migrationId: expect.any(String) });
    // The job row keeps no hashes.
    const row = await t.deps.db.job.findUniqueOrThrow({ where: { id: r.body.migrationId } });
    expect(JSON.stringify(row.input)).not.toContain('$2b$');

    const job = await finished(r.body.migrationId);
    expect(job).toMatchObject({ migrationId: r.body.migrationId, status: 'COMPLETED', total: 5, processed: 5 });
    expect(job.succeeded.map((s: { email: string }) => s.email)).toEqual([ok1, ok2]);
    expect(job.failed).toEqual([
      { email: taken, errorCode: 'user_already_exists', message: expect.any(String) },
      { email: badHash, errorCode: 'migration_password_hash_invalid', message: expect.any(String) },
      { email: ok1, errorCode: 'user_already_exists', message: expect.any(String) },
    ]);
    expect(await t.deps.db.user.findUnique({ where: { email: badHash } })).toBeNull();
    expect((await login(ok1, BCRYPT_PASSWORD)).status).toBe(200);
    expect((await login(ok2, 'bulk scrypt password')).status).toBe(200);
    expect(await storedHash(ok2)).toMatch(/^\$argon2id\$/);
  });

  it('v2: several emails per user, the primary one logs in and the others are additional addresses', async () => {
    const primary = uniqueEmail('v2-primary');
    const extra = uniqueEmail('v2-extra');
    const r = await t.rest('POST', `${M}/v2/local/bulk`, {
      token: vendor,
      body: {
        users: [
          {
            tenantId,
            name: 'Two Emails',
            passwordHash: BCRYPT_2B,
            passwordHashType: 'bcrypt',
            emails: [
              { email: extra, isVerified: false },
              { email: primary, isPrimary: true, isVerified: true },
            ],
          },
        ],
      },
    });
    expect(r.status).toBe(202);
    const job = await finished(r.body.migrationId);
    expect(job).toMatchObject({ status: 'COMPLETED', total: 1, failed: [] });
    const user = await t.deps.db.user.findUniqueOrThrow({ where: { email: primary }, include: { emails: true } });
    expect(user.verified).toBe(true);
    expect(user.emails.map((e) => [e.email, e.verifiedAt])).toEqual([[extra, null]]);
    expect((await login(primary, BCRYPT_PASSWORD)).status).toBe(200);
  });

  it('refuses an empty batch and answers 404 for an unknown migration', async () => {
    expect((await t.rest('POST', `${M}/v1/local/bulk`, { token: vendor, body: { users: [] } })).status).toBe(400);
    expect((await t.rest('GET', `${M}/v1/local/bulk/status/00000000-0000-0000-0000-000000000000`, { token: vendor })).status).toBe(404);
  });
});

describe('shutdown', () => {
  it('stops after the current user and hands the job back; another instance resumes it without importing anyone twice; takes no new ones', async () => {
    const t2 = await startGatehouse();
    try {
      const v = await t2.vendorToken();
      const tenant = (await signUp(t2)).tenantId;
      const users = Array.from({ length: 40 }, () => ({ tenantId: tenant, email: uniqueEmail('drain'), passwordHash: BCRYPT_2B, passwordHashType: 'bcrypt' }));
      const r = await t2.rest('POST', `${M}/v1/local/bulk`, { token: v, body: { users } });
      expect(r.status).toBe(202);
      const id = r.body.migrationId as string;
      // Drain once the job is under way (a few users made).
      for (let i = 0; i < 500 && (await t2.deps.db.jobItem.count({ where: { jobId: id } })) < 3; i++) await new Promise((res) => setTimeout(res, 5));
      await t2.services.jobs.drain();
      const parked = await t2.deps.db.job.findUniqueOrThrow({ where: { id } });
      // Not failed: released for another instance (or this one restarted), its progress kept.
      expect(parked).toMatchObject({ lockedBy: null, lockedUntil: null, completedAt: null, status: 'IN_PROGRESS' });
      expect((parked.result as { processed: number }).processed).toBeGreaterThanOrEqual(3);
      const late = await t2.rest('POST', `${M}/v1/local/bulk`, { token: v, body: { users: users.slice(0, 1) } });
      expect(late.status).toBe(503);

      // "Another instance" on the same database picks it up and finishes it.
      const other = createServices(t2.deps);
      other.jobs.start();
      try {
        for (let i = 0; i < 1000; i++) {
          const j = await t2.deps.db.job.findUniqueOrThrow({ where: { id } });
          if (j.completedAt) break;
          await new Promise((res) => setTimeout(res, 10));
        }
      } finally {
        await other.jobs.drain();
      }
      const done = await t2.deps.db.job.findUniqueOrThrow({ where: { id } });
      expect(done).toMatchObject({ status: 'COMPLETED', payload: null, attempts: 2 });
      const result = done.result as { processed: number; succeeded: Array<{ email: string }>; failed: unknown[] };
      expect(result.processed).toBe(40);
      expect(result.failed).toEqual([]);
      expect(result.succeeded.map((s) => s.email)).toEqual(users.map((u) => u.email));
      expect(await t2.deps.db.user.count({ where: { email: { in: users.map((u) => u.email) } } })).toBe(40);
      expect(await t2.deps.db.jobItem.count({ where: { jobId: id } })).toBe(0);
    } finally {
      await t2.close();
    }
  });
});
