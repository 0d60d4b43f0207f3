// Drives one hot path in-process for profiling: `node --cpu-prof --import tsx bench/profile-refresh.ts [refresh|exchange] [seconds] [alg]`.
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { benchEmail, bootGatehouse, expectStatus, login, signUp } from './harness.ts';
import type { SigningAlgorithm } from '../src/platform/jwt.ts';

const what = process.argv[2] ?? 'refresh';
const seconds = Number(process.argv[3] ?? '8');
const alg = (process.argv[4] ?? 'EdDSA') as SigningAlgorithm;
const b = await bootGatehouse(alg, { kind: 'pglite', url: 'pglite:memory' });
const email = benchEmail('prof');
const { accessToken: adminToken } = await signUp(b, email);
const chains: string[] = [];
for (let i = 0; i < 8; i++) chains.push((await login(b, email)).refreshToken);
const authz = await expectStatus(await b.request('GET', '/identity/resources/users/v1/me/authorization', { token: adminToken }), 200, 'authz');
const created = await expectStatus(
  await b.request('POST', '/identity/resources/tenants/api-tokens/v1', { token: adminToken, body: { description: 'p', roleIds: authz.roles.map((r: any) => r.id) } }),
  201,
  'create',
);
const op = async (w: number) => {
  if (what === 'refresh') {
    const res = await b.request('POST', '/identity/resources/auth/v1/user/token/refresh', { refreshToken: chains[w] });
    const rotated = b.refreshCookie(res);
    await expectStatus(res, 201, 'refresh');
    chains[w] = rotated!;
  } else {
    await expectStatus(await b.request('POST', '/identity/resources/auth/v2/api-token', { body: { clientId: created.clientId, secret: created.secret } }), 200, 'exchange');
  }
};
const run = async (ms: number) => {
  let n = 0;
  const end = performance.now() + ms;
  await Promise.all(Array.from({ length: 8 }, async (_, w) => { while (performance.now() < end) { await op(w); n++; } }));
  return n;
};
await run(1000);
const profileTo = process.env.PROFILE_TO;
const session = new Session();
if (profileTo) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const t = performance.now();
const n = await run(seconds * 1000);
if (profileTo) {
  const { profile } = await session.post('Profiler.stop');
  fs.writeFileSync(profileTo, JSON.stringify(profile));
}
console.log(`${what} ${alg}: ${(n / ((performance.now() - t) / 1000)).toFixed(1)}/s`);
await b.close();
process.exit(0);
