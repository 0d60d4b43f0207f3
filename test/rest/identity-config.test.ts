// Identity management configuration: vendor-only reads and writes, the settings it writes are the
// ones sign-up and login obey, fixed settings are refused rather than ignored, and the passwordless
// method switches are enforced at prelogin and postlogin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const CONFIG = '/identity/resources/configurations/v1';
const P = '/identity/resources/auth/v1/passwordless';

let t: TestGatehouse;
let smtp: TestSmtp;
let vendor: string;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await startGatehouse({ GATEHOUSE_SMTP_URL: smtp.url, GATEHOUSE_APP_URL: 'https://app.example.test' });
  vendor = await t.vendorToken();
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const update = (body: Record<string, unknown>, token = vendor) => t.rest('POST', CONFIG, { token, body });

describe('identity configuration', () => {
  it('is read and written by the vendor only', async () => {
    const r = await t.rest('GET', CONFIG, { token: vendor });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      allowSignups: true,
      allowNotVerifiedUsersLogin: true,
      authStrategy: 'EmailAndPassword',
      passwordlessMethods: { magicLink: true, code: true, smsCode: true },
      defaultTokenExpiration: t.config.accessTokenTtl,
      defaultRefreshTokenExpiration: t.config.refreshTokenTtl,
      rotateRefreshTokens: true,
    });
    const user = await signUp(t);
    expect((await t.rest('GET', CONFIG, { token: user.accessToken })).status).toBe(403);
    expect((await t.rest('GET', CONFIG)).status).toBe(401);
    expect((await update({ allowSignups: false }, user.accessToken)).status).toBe(403);
    expect((await t.rest('POST', CONFIG, { body: { allowSignups: false } })).status).toBe(401);
    expect((await t.deps.db.vendorSettings.findUniqueOrThrow({ where: { id: 1 } })).allowSignUps).toBe(true);

    const basic = await t.rest('GET', `${CONFIG}/basic`, { token: user.accessToken });
    expect(basic.status).toBe(200);
    expect(basic.body).toEqual({ forcePermissions: false, machineToMachineAuthStrategy: 'ClientCredentials' });
    expect((await t.rest('GET', `${CONFIG}/basic`)).status).toBe(401);
  });

  it('writes the settings sign-up and login obey', async () => {
    const off = await update({ allowSignups: false, authStrategy: 'MagicLink' });
    expect(off.status, JSON.stringify(off.body)).toBe(201);
    expect(off.body).toMatchObject({ allowSignups: false, authStrategy: 'MagicLink', allowNotVerifiedUsersLogin: true });
    const refused = await t.rest('POST', '/identity/resources/users/v1/signUp', {
      body: { email: uniqueEmail(), password: 'a long enough passphrase', companyName: 'Acme', provider: 'local' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.errorCode).toBe('signup_disabled');

    const strict = await update({ allowSignups: true, allowNotVerifiedUsersLogin: false });
    expect(strict.body).toMatchObject({ allowSignups: true, allowNotVerifiedUsersLogin: false, authStrategy: 'MagicLink' });
    expect(await t.deps.db.vendorSettings.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ allowSignUps: true, forceEmailVerification: true });
    await update({ allowNotVerifiedUsersLogin: true, authStrategy: 'EmailAndPassword' });
    expect((await t.rest('GET', CONFIG, { token: vendor })).body).toMatchObject({ allowNotVerifiedUsersLogin: true, authStrategy: 'EmailAndPassword' });
  });

  it('refuses to change fixed settings, and writes nothing then', async () => {
    const r = await update({ allowSignups: false, defaultTokenExpiration: t.config.accessTokenTtl + 1 });
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('identity_config_fixed');
    expect(JSON.stringify(r.body)).toContain('defaultTokenExpiration');
    expect((await t.deps.db.vendorSettings.findUniqueOrThrow({ where: { id: 1 } })).allowSignUps).toBe(true);
    // The value in force is accepted (clients post the whole object back).
    expect((await update({ defaultTokenExpiration: t.config.accessTokenTtl, rotateRefreshTokens: true })).status).toBe(201);
    expect((await update({ authStrategy: 'Carrier pigeon' })).status).toBe(400);
  });
});

describe('passwordless method switches', () => {
  it('refuses a disabled method at prelogin and postlogin, and leaves the others on', async () => {
    const { email } = await signUp(t);
    // A link sent while the method is on...
    expect((await t.rest('POST', `${P}/magiclink/prelogin`, { body: { email } })).status).toBe(200);
    const token = linkIn(await smtp.next(email), '/account/login/magic-link').searchParams.get('token')!;

    const off = await update({ passwordlessMethods: { magicLink: false } });
    expect(off.body.passwordlessMethods).toEqual({ magicLink: false, code: true, smsCode: true });
    const pre = await t.rest('POST', `${P}/magiclink/prelogin`, { body: { email } });
    expect(pre.status).toBe(403);
    expect(pre.body.errorCode).toBe('passwordless_method_disabled');
    // Unknown addresses get the same refusal: it says nothing about the account.
    expect((await t.rest('POST', `${P}/magiclink/prelogin`, { body: { email: uniqueEmail() } })).status).toBe(403);
    // ...no longer logs in.
    expect((await t.rest('POST', `${P}/magiclink/postlogin`, { body: { token } })).status).toBe(403);
    // The one-time code still works.
    expect((await t.rest('POST', `${P}/code/prelogin`, { body: { email } })).status).toBe(201);
    const code = /Login code: (\d{6})/.exec((await smtp.next(email)).text)![1]!;

    await update({ passwordlessMethods: { code: false } });
    expect((await t.rest('POST', `${P}/code/prelogin`, { body: { email } })).status).toBe(403);
    expect((await t.rest('POST', `${P}/code/postlogin`, { body: { email, token: code } })).status).toBe(403);

    // Back on: the unused link works again (it was never consumed).
    const on = await update({ passwordlessMethods: { magicLink: true, code: true } });
    expect(on.body.passwordlessMethods).toEqual({ magicLink: true, code: true, smsCode: true });
    const login = await t.rest('POST', `${P}/magiclink/postlogin`, { body: { token } });
    expect(login.status, JSON.stringify(login.body)).toBe(201);
    expect(login.body.accessToken).toEqual(expect.any(String));
  });
});
