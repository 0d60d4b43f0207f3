#!/usr/bin/env node
// Runs after `npm install`/`npm ci`:
// 1. argon2 ships prebuilt binaries; on some CPUs/glibc combinations the prebuilt one crashes
//    (seen: SIGSEGV on the first hash). Probe it in a child process and build from source
//    with node-gyp when the probe fails, so the server never starts on a broken hasher.
// 2. `prisma generate` (client + Pothos types), offline-safe through prisma.config.ts.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts });

function argon2Works() {
  const probe = `import('argon2').then(async (a) => {
    const h = await a.hash('probe', { type: a.argon2id, memoryCost: 1024, timeCost: 1 });
    process.exit((await a.verify(h, 'probe')) ? 0 : 1);
  }).catch(() => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore' }).status === 0;
}

if (!argon2Works()) {
  console.log('postinstall: the prebuilt argon2 binary does not work here; building it from source');
  const dir = path.dirname(require.resolve('argon2/package.json'));
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  const r = run(process.execPath, [gyp, 'rebuild'], { cwd: dir });
  if (r.status !== 0 || !argon2Works()) {
    console.error('postinstall: argon2 could not be built (needs python3, make and a C++ compiler)');
    process.exit(1);
  }
}

// generators (prisma-pothos-types) are looked up on PATH, as npm scripts have it
const bin = path.resolve('node_modules/.bin');
const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
const gen = run(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], { env });
process.exit(gen.status ?? 1);
