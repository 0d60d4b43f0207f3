import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

// Offline installs: the Prisma 7 CLI wants to download its native schema engine before any
// command, even `prisma generate`, which never uses it. Point it at a stub unless a real binary
// is configured; migrations run through @prisma/schema-engine-wasm (scripts/prisma-wasm).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(
  new URL('./scripts/prisma-wasm/no-native-engine.sh', import.meta.url),
);

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // read only by the native-engine commands (migrate/db/studio), never by generate or the app
    url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/gatehouse',
  },
});
