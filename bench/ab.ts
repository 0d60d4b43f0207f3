// A/B of one hot path between two in-process Gatehouses that differ in one database option,
// measured interleaved (A B B A) in the same run, next to the raw signing rate:
//   npx tsx bench/ab.ts [refresh|exchange|login] [seconds] [alg]
import { decodeJwt } from 'jose';
import type { SigningAlgorithm } from '../src/platform/jwt.ts';
import { PASSWORD, benchEmail, bootGatehouse, expectStatus, login, signUp, type BenchGatehouse } from './harness.ts';
import { timeInterleaved, timeLoop, fmt } from './measure.ts';

const what = process.argv[2] ?? 'refresh';
const seconds = Number(process.argv[3] ?? '6');
const alg = (process.argv[4] ?? 'EdDSA') as SigningAlgorithm;
const chains = 8;

async function prepare(b: BenchGatehouse) {
  const email = benchEmail('ab');
  const { accessToken: adminToken } = await signUp(b, email);
  const tokens: string[] = [];
  for (let i = 0; i < chains; i++) tokens.push((await login(b, email)).refreshToken);
  const authz = await expectStatus(await b.request('GET', '/identity/resources/users/v1/me/authorization', { token: adminToken }), 200, 'authz');
  const created = await expectStatus(
    await b.request('POST', '/identity/resources/tenants/api-tokens/v1', { token: adminToken, body: { description: 'ab', roleIds: authz.roles.map((r: any) => r.id) } }),
    201,
    'create',
  );
  const { iss: _i, aud: _a, sub, iat: _t, exp: _e, ...claims } = decodeJwt(adminToken);
  const sign = () =>
    b.gh.deps.keys.current.sign({ ...claims, type: claims.type as string }, {
      issuer: b.gh.deps.config.issuer, audience: b.gh.deps.vendor.clientId, subject: sub!, expiresInSeconds: 600, now: new Date(),
    });
  const op = async (w: number) => {
    if (what === 'refresh') {
      const res = await b.request('POST', '/identity/resources/auth/v1/user/token/refresh', { refreshToken: tokens[w] });
      const rotated = b.refreshCookie(res);
      await expectStatus(res, 201, 'refresh');
      tokens[w] = rotated!;
    } else if (what === 'exchange') {
      await expectStatus(await b.request('POST', '/identity/resources/auth/v2/api-token', { body: { clientId: created.clientId, secret: created.secret } }), 200, 'exchange');
    } else {
      await expectStatus(await b.request('POST', '/identity/resources/auth/v1/user', { body: { email, password: PASSWORD } }), 200, 'login');
    }
  };
  return { op, sign };
}

const a = await bootGatehouse(alg, { kind: 'pglite', url: 'pglite:memory' }, { database: { preparedStatements: false } });
const b = await bootGatehouse(alg, { kind: 'pglite', url: 'pglite:memory' });
const pa = await prepare(a);
const pb = await prepare(b);
const conc = what === 'login' ? 4 : chains;
const loop = { durationMs: seconds * 1000, warmupMs: 1000 };
const ab = await timeInterleaved({ concurrency: conc, op: pa.op }, { concurrency: conc, op: pb.op }, loop);
const sign = await timeLoop(async () => void (await pb.sign()), { durationMs: 2000, warmupMs: 200, concurrency: 1 });
console.log(`${what} ${alg}: A (unprepared) ${fmt(ab.a.rate)}/s  B (prepared) ${fmt(ab.b.rate)}/s  B÷A ${fmt(ab.b.rate / ab.a.rate, 2)}  sign ${fmt(sign.rate)}/s  A÷sign ${fmt(ab.a.rate / sign.rate, 3)}  B÷sign ${fmt(ab.b.rate / sign.rate, 3)}`);
await a.close();
await b.close();
process.exit(0);
