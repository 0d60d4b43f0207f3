// The container's stop, played as Docker plays it: the image's CMD (read from the Dockerfile, run
// as is) gets SIGTERM. Gatehouse must finish the request in flight, stop, and exit 0 — not keep
// serving until the runtime's SIGKILL (what `npm start` as PID 1 did: npm does not pass the
// signal on to node).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { dockerCmd } from '../helpers/fleet.ts';
import { freePort } from '../helpers/redis.ts';

const root = path.resolve(import.meta.dirname, '../..');

it('stops on SIGTERM to the image CMD: the request in flight is answered, the process exits 0', async () => {
  const [cmd, ...args] = dockerCmd();
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-stop-'));
  const child = spawn(cmd!, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: 'pglite:memory',
      GATEHOUSE_LOG_LEVEL: 'info',
      GATEHOUSE_VENDOR_CLIENT_ID: 'stop-test-vendor',
      GATEHOUSE_VENDOR_SECRET: 'stop-test-vendor-secret-0123',
      GATEHOUSE_PGLITE_MAINTENANCE_SECONDS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const base = `http://127.0.0.1:${port}`;
    // Up when /health answers.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`Gatehouse did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // A request in flight when the signal arrives: vendor auth verifies an argon2id hash.
    const inFlight = fetch(`${base}/auth/vendor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'stop-test-vendor', secret: 'stop-test-vendor-secret-0123' }),
    });
    await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGTERM');
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(await exited).toBe(0);
    expect(output).toContain('shutting down');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
