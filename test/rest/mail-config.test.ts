// The vendor's mail configuration and mail templates over Frontegg's /resources/mail/ paths, with
// real SMTP: a stored configuration points at a second local server that requires the configured
// credentials, so a mail arriving there proves it went through the stored (decrypted) settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startGatehouse, uniqueEmail, type TestGatehouse } from '../helpers/gatehouse.ts';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const APP_URL = 'https://app.example.test';
const M = '/identity/resources/mail';
const SECRET = 'smtp-pass-7f3c2a9e-never-shown';

let t: TestGatehouse;
let envSmtp: TestSmtp;
let cfgSmtp: TestSmtp;
let vendor: string;
let cfgPort: number;

beforeAll(async () => {
  envSmtp = await startSmtp();
  cfgSmtp = await startSmtp({ auth: { user: 'mailer', pass: SECRET } });
  cfgPort = Number(new URL(cfgSmtp.url).port);
  t = await startGatehouse({ GATEHOUSE_SMTP_URL: envSmtp.url, GATEHOUSE_APP_URL: APP_URL, GATEHOUSE_MAIL_FROM: 'Acme <auth@acme.test>' });
  vendor = await t.vendorToken();
});
afterAll(async () => {
  await t?.close();
  await envSmtp?.close();
  await cfgSmtp?.close();
});

const mail = (method: string, path: string, body?: unknown, token = vendor) => t.rest(method, `${M}${path}`, { token, body });
const requestReset = async (email: string) => {
  const r = await t.rest('POST', '/identity/resources/users/v1/passwords/reset', { body: { email } });
  expect(r.status).toBe(201);
};
const smtpConfig = { provider: 'smtp', host: '127.0.0.1', username: 'mailer', secret: SECRET, senderEmail: 'noreply@vendor.test', fromName: 'Vendor Mail' };

describe('mail configuration', () => {
  it('sends through the stored SMTP settings with the configured sender, never shows the secret, and falls back on delete', async () => {
    const u = await signUp(t);
    const stored = await mail('POST', '/v2/configurations', { ...smtpConfig, port: cfgPort });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ provider: 'smtp', host: '127.0.0.1', port: cfgPort, username: 'mailer', senderEmail: 'noreply@vendor.test' });
    expect(JSON.stringify(stored.body)).not.toContain(SECRET);
    expect(stored.body).not.toHaveProperty('secret');

    const got = await mail('GET', '/v1/configurations');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ provider: 'smtp', host: '127.0.0.1', port: cfgPort, fromName: 'Vendor Mail' });
    expect(JSON.stringify(got.body)).not.toContain(SECRET);
    expect(got.body).not.toHaveProperty('secret');
    // GraphQL has no field that could return it either.
    const gql = await t.rest('POST', '/graphql', { token: vendor, body: { query: '{ mailConfiguration { provider hasSecret host } }' } });
    expect(gql.body.data.mailConfiguration).toEqual({ provider: 'smtp', hasSecret: true, host: '127.0.0.1' });
    // Stored encrypted.
    const row = await t.deps.db.policy.findUnique({ where: { id: 'vendor-default-mail-provider-policy' } });
    expect(JSON.stringify(row!.config)).not.toContain(SECRET);
    expect(t.deps.secrets.decrypt((row!.config as { secretEncrypted: string }).secretEncrypted)).toBe(SECRET);

    await requestReset(u.email);
    const m = await cfgSmtp.next(u.email);
    expect(m.authUser).toBe('mailer');
    expect(m.from).toBe('noreply@vendor.test');
    expect(m.fromHeader).toContain('Vendor Mail');
    expect(m.subject).toBe('Reset your password');
    expect(linkIn(m, '/account/reset-password').origin).toBe(APP_URL);
    expect(envSmtp.count(u.email)).toBe(0);

    const deleted = await mail('DELETE', '/v1/configurations');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({});
    expect((await mail('GET', '/v1/configurations')).status).toBe(404);
    expect((await mail('DELETE', '/v1/configurations')).status).toBe(404);

    await requestReset(u.email);
    const fallback = await envSmtp.next(u.email);
    expect(fallback.from).toBe('auth@acme.test');
    expect(cfgSmtp.count(u.email)).toBe(1);
  });

  it('takes a whole smtp:// URL as the secret (v1 body) and hides it', async () => {
    const u = await signUp(t);
    const url = `smtp://mailer:${SECRET}@127.0.0.1:${cfgPort}`;
    const r = await mail('POST', '/v1/configurations', { provider: 'smtp', secret: url });
    expect(r.status).toBe(201);
    expect(JSON.stringify(r.body)).not.toContain(SECRET);
    expect(r.body).not.toHaveProperty('host');

    await requestReset(u.email);
    const m = await cfgSmtp.next(u.email);
    expect(m.authUser).toBe('mailer');
    expect(m.from).toBe('auth@acme.test');
    expect((await mail('DELETE', '/v1/configurations')).status).toBe(200);
  });

  it('stores SendGrid as its SMTP relay (the key never returned); a body with only the secret is SendGrid', async () => {
    const r = await mail('POST', '/v1/configurations', { secret: 'SG.test-key-do-not-show' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ provider: 'sendgrid' });
    const got = await mail('GET', '/v1/configurations');
    expect(got.body.provider).toBe('sendgrid');
    expect(JSON.stringify(got.body)).not.toContain('SG.test-key');
    // v2 with the payload wrapper updates it.
    const v2 = await mail('POST', '/v2/configurations', { payload: { provider: 'sendgrid', secret: 'SG.other', senderEmail: 'hi@vendor.test' } });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ provider: 'sendgrid', senderEmail: 'hi@vendor.test' });
    expect((await mail('DELETE', '/v1/configurations')).status).toBe(200);
  });

  it('refuses bad input with 400 and HTTP-API providers with 501, storing nothing', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      ['/v2/configurations', { provider: 'ses', secret: 'x' }, 501, 'mail_provider_not_supported'],
      ['/v2/configurations', { provider: 'mailgun', secret: 'x' }, 501, 'mail_provider_not_supported'],
      ['/v2/configurations', { provider: 'carrier-pigeon', secret: 'x' }, 400, 'mail_provider_unknown'],
      ['/v2/configurations', { provider: 'smtp' }, 400, 'mail_config_invalid'],
      ['/v2/configurations', { provider: 'smtp', secret: 'not a url' }, 400, 'mail_config_invalid'],
      ['/v2/configurations', { provider: 'smtp', host: '127.0.0.1', username: 'u' }, 400, 'mail_config_invalid'],
      ['/v2/configurations', { provider: 'smtp', host: 'bad host!', secret: 'x' }, 400, 'validation_failed'],
      ['/v2/configurations', { provider: 'smtp', host: '127.0.0.1', port: 70000, secret: 'x' }, 400, 'validation_failed'],
      ['/v2/configurations', { provider: 'smtp', host: '127.0.0.1', senderEmail: 'nope', secret: 'x' }, 400, 'validation_failed'],
      ['/v2/configurations', { provider: 'sendgrid' }, 400, 'mail_config_invalid'],
    ];
    for (const [path, body, status, code] of cases) {
      const r = await mail('POST', path, body);
      expect([JSON.stringify(body), r.status, r.body.errorCode]).toEqual([JSON.stringify(body), status, code]);
    }
    // v1 requires the secret.
    expect((await mail('POST', '/v1/configurations', { provider: 'smtp', host: '127.0.0.1' })).status).toBe(400);
    expect((await mail('POST', '/v2/configurations', { provider: 'smtp', host: '127.0.0.1', port: 'abc' })).status).toBe(400);
    expect((await mail('GET', '/v1/configurations')).status).toBe(404);
  });
});

describe('mail templates', () => {
  it('a stored template replaces subject, body, link base and sender, with placeholders filled and escaped', async () => {
    const email = uniqueEmail('tpl');
    const name = '<b>Eve & "co"</b> {{code}}';
    const s = await t.rest('POST', '/identity/resources/users/v1/signUp', { body: { email, name, password: 'a long enough passphrase', companyName: 'Acme', provider: 'local' } });
    expect(s.status).toBe(201);

    const stored = await mail('POST', '/v1/configs/templates', {
      type: 'ResetPassword',
      subject: 'Reset for {{name}}',
      htmlTemplate: '<p>Hello {{ name }} ({{email}})</p><p><a href="{{redirectURL}}">Choose a password</a></p><p>[{{unknownVar}}]</p><script>{{constructor}}</script>',
      redirectURL: 'https://custom.example.test/reset',
      senderEmail: 'reset@vendor.test',
      fromName: 'Reset Desk',
    });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ type: 'ResetPassword', subject: 'Reset for {{name}}', active: true, id: expect.any(String) });
    const id = stored.body.id as string;

    await requestReset(email);
    const m = await envSmtp.next(email);
    expect(m.subject).toBe(`Reset for ${name}`);
    expect(m.from).toBe('reset@vendor.test');
    expect(m.fromHeader).toContain('Reset Desk');
    expect(m.html).toContain('Hello &lt;b&gt;Eve &amp; &quot;co&quot;&lt;/b&gt; {{code}} (');
    expect(m.html).not.toContain('<b>Eve');
    expect(m.html).toContain('<p>[]</p>');
    expect(m.html).toContain('<script></script>');
    // The link keeps its userId and token on the template's base, and works.
    const link = linkIn(m, '/reset');
    expect(link.origin).toBe('https://custom.example.test');
    const userId = link.searchParams.get('userId')!;
    const token = link.searchParams.get('token')!;
    expect(m.html).toContain(`href="${link.toString().replace(/&/g, '&amp;')}"`);
    const valid = await t.rest('POST', '/identity/resources/users/v1/passwords/reset/validate', { body: { userId, token } });
    expect(valid.status).toBe(200);

    // Listing: all stored, or one type (stored, else the default).
    const all = await mail('GET', '/v1/configs/templates');
    expect(all.status).toBe(200);
    expect(all.body).toEqual([expect.objectContaining({ id, type: 'ResetPassword' })]);
    const one = await mail('GET', '/v1/configs/templates?type=ResetPassword');
    expect(one.body).toMatchObject({ id, type: 'ResetPassword', redirectURL: 'https://custom.example.test/reset' });
    const dflt = await mail('GET', '/v1/configs/templates?type=MagicLink');
    expect(dflt.body).toMatchObject({ type: 'MagicLink', subject: 'Your login link', active: true });
    expect(dflt.body).not.toHaveProperty('id');

    // An update keeps the id and the fields it leaves out.
    const upd = await mail('POST', '/v1/configs/templates', { type: 'ResetPassword', subject: 'Second {{email}}' });
    expect(upd.body).toMatchObject({ id, subject: 'Second {{email}}', senderEmail: 'reset@vendor.test' });

    const del = await mail('DELETE', `/v1/configs/templates/${id}`);
    expect(del.status).toBe(200);
    expect((await mail('DELETE', `/v1/configs/templates/${id}`)).status).toBe(404);
    await requestReset(email);
    const back = await envSmtp.next(email);
    expect(back.subject).toBe('Reset your password');
    expect(linkIn(back, '/account/reset-password').origin).toBe(APP_URL);
  });

  it('an inactive template means that mail is not sent', async () => {
    const u = await signUp(t);
    const off = await mail('POST', '/v1/configs/templates', { type: 'ResetPassword', active: false });
    expect(off.status).toBe(201);
    expect(off.body).toMatchObject({ active: false, subject: 'Reset your password' });
    await requestReset(u.email); // same answer, no mail
    const del = await mail('DELETE', `/v1/configs/templates/${off.body.id}`);
    expect(del.status).toBe(200);
    await requestReset(u.email);
    // The first mail to arrive is the one sent after the template was removed.
    const m = await envSmtp.next(u.email);
    expect(m.subject).toBe('Reset your password');
    expect(envSmtp.count(u.email)).toBe(1);
  });

  it('serves the built-in default of a type; types Gatehouse never sends answer 501, unknown types 400', async () => {
    const r = await mail('GET', '/v1/configs/ResetPassword/default');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ type: 'ResetPassword', subject: 'Reset your password', active: true });
    expect(r.body.htmlTemplate).toContain('{{redirectURL}}');
    expect(r.body.htmlTemplate).toContain('{{name}}');
    const otc = await mail('GET', '/v1/configs/OTC/default');
    expect(otc.body.htmlTemplate).toContain('{{code}}');
    expect((await mail('GET', '/v1/configs/PwnedPassword/default')).body.errorCode).toBe('mail_template_type_not_supported');
    expect((await mail('GET', '/v1/configs/PwnedPassword/default')).status).toBe(501);
    expect((await mail('GET', '/v1/configs/Bogus/default')).status).toBe(400);
  });

  it('refuses bad templates', async () => {
    const cases: Array<[unknown, number]> = [
      [{ type: 'Bogus', subject: 'x' }, 400],
      [{ type: 'PwnedPassword', subject: 'x' }, 501],
      [{ type: 'ResetPassword', redirectURL: 'javascript:alert(1)' }, 400],
      [{ type: 'ResetPassword', subject: 'a\r\nBcc: victim@example.com' }, 400],
      [{ type: 'ResetPassword', senderEmail: 'not-an-email' }, 400],
      [{ subject: 'no type' }, 400],
      [{ type: 'ResetPassword', active: 'yes' }, 400],
    ];
    for (const [body, status] of cases) expect([JSON.stringify(body), (await mail('POST', '/v1/configs/templates', body)).status]).toEqual([JSON.stringify(body), status]);
    expect((await mail('GET', '/v1/configs/templates?type=Bogus')).status).toBe(400);
    expect((await mail('GET', '/v1/configs/templates')).body).toEqual([]);
  });
});

describe('vendor only', () => {
  it('refuses a tenant admin (403) and an anonymous caller (401)', async () => {
    const founder = await signUp(t);
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/v1/configurations'],
      ['POST', '/v1/configurations', { secret: 'x' }],
      ['POST', '/v2/configurations', { ...smtpConfig, port: cfgPort }],
      ['DELETE', '/v1/configurations'],
      ['POST', '/v1/configs/templates', { type: 'ResetPassword', subject: 'pwned' }],
      ['GET', '/v1/configs/templates'],
      ['DELETE', '/v1/configs/templates/some-id'],
      ['GET', '/v1/configs/ResetPassword/default'],
    ];
    for (const [method, path, body] of calls) {
      expect([method, path, (await mail(method, path, body, founder.accessToken)).status]).toEqual([method, path, 403]);
      expect([method, path, (await t.rest(method, `${M}${path}`, { body })).status]).toEqual([method, path, 401]);
    }
    expect(await t.deps.db.policy.count({ where: { type: { in: ['MAIL_PROVIDER', 'MAIL_TEMPLATES'] }, config: { path: ['templates', 'ResetPassword', 'subject'], equals: 'pwned' } } })).toBe(0);
    expect(await t.deps.db.policy.count({ where: { type: 'MAIL_PROVIDER' } })).toBe(0);
  });
});
