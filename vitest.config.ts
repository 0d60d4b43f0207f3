import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships index.js (CJS, what Node resolves for the externalised Pothos/yoga) and
    // index.mjs (what Vite would pick for our sources): two realms. Pin our sources to Node's copy.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The fleet suite runs several Gatehouse processes on one database server: it runs in the
    // PostgreSQL stage (scripts/with-postgres.sh), since the embedded database cannot be shared.
    exclude: [...(process.env.GATEHOUSE_TEST_DB === 'postgres' ? [] : ['test/fleet/**']), '**/node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file boots its own Gatehouse on its own database; files never share state.
    isolate: true,
  },
});
