// config → Gatehouse → listen; graceful shutdown.
import { createServer } from 'node:http';
import { createGatehouse } from './bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './platform/logger.ts';
import { redactUrl } from './platform/db.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const gatehouse = await createGatehouse(config, { logger });
  const { vendor, database } = gatehouse;
  if (database.appliedMigrations.length) logger.info({ migrations: database.appliedMigrations }, 'applied migrations');
  if (vendor.generatedSecret) {
    // Printed once: only a hash is stored.
    console.log(
      [
        '',
        '  Gatehouse vendor credential (shown once; set GATEHOUSE_VENDOR_CLIENT_ID / GATEHOUSE_VENDOR_SECRET to choose your own):',
        `    clientId: ${vendor.clientId}`,
        `    secret:   ${vendor.generatedSecret}`,
        '',
      ].join('\n'),
    );
  }
  const server = createServer(gatehouse.nodeHandler);
  server.listen(config.port, config.host, () => {
    logger.info(
      { url: `http://${config.host}:${config.port}`, database: redactUrl(config.databaseUrl), issuer: config.issuer },
      `Gatehouse listening: GraphiQL at http://localhost:${config.port}/graphql`,
    );
  });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      gatehouse.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error('Gatehouse failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
