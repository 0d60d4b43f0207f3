// GraphiQL in a real browser under its strict CSP: it renders offline (no third-party origin is
// reachable here, none is needed), violates no directive, and runs a query against /graphql.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, listen } from '../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.ts';

let t: TestGatehouse;
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
beforeAll(async () => {
  t = await startGatehouse();
  server = await listen(t);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

it('loads GraphiQL with no CSP violation and runs the default query', async () => {
  const page = await browser.newPage();
  const violations: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== server.origin) foreign.push(r.url());
  });
  const answers: Array<{ status: number; body: string }> = [];
  page.on('response', async (r) => {
    if (r.url() === `${server.origin}/graphql` && r.request().method() === 'POST') answers.push({ status: r.status(), body: await r.text() });
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to: ${e.violatedDirective} ${e.blockedURI}`));
  });

  const r = await page.goto(`${server.origin}/graphql`);
  expect(r?.status()).toBe(200);
  await page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
  // The schema is introspected through the same endpoint.
  await expect.poll(() => answers.some((a) => a.body.includes('__schema') || a.body.includes('queryType')), { timeout: 30_000 }).toBe(true);

  await page.locator('.graphiql-execute-button').first().click();
  await expect.poll(() => answers.some((a) => a.body.includes('"me"')), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => page.locator('.result-window').first().innerText(), { timeout: 30_000 }).toContain('"me"');

  expect(violations).toEqual([]);
  expect(foreign).toEqual([]);
  await page.close();
});
