// Builds a running Gatehouse from a config: database (migrated), installation secret, signing
// keys, vendor credential, default roles, services, GraphQL, the app and the OpenID provider, and
// the one Node listener in front of them. main.ts and the tests both start here, so what is tested
// is what runs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServerAdapter } from '@whatwg-node/server';
import { createApp, type App } from './app.ts';
import type { Config } from './config.ts';
import { createGraphQLHandler } from './graphql/yoga.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { createHttpCaptchaVerifier, type CaptchaVerifier } from './platform/captcha.ts';
import { createSecretBox } from './platform/crypto.ts';
import { createDatabase, type Database, type DatabaseOptions } from './platform/db.ts';
import { resolveInstallationSecret } from './platform/installation-secret.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { createMailer, type Mailer } from './platform/mail.ts';
import { createMetrics, disabledMetrics, type MetricsEndpoint } from './platform/metrics.ts';
import type { ReadinessCheck } from './platform/readiness.ts';
import { createPasswordHasher } from './platform/password.ts';
import { createRateLimitStore, type RateLimitStore } from './platform/rate-limit.ts';
import { createRedis, type RedisConnections } from './platform/redis.ts';
import { createChangeFeed } from './platform/change-feed.ts';
import { createSmsSender, type SmsSender } from './platform/sms.ts';
import { createInProcessTaskQueue, type TaskQueue } from './platform/task-queue.ts';
import { createOidcListener, isOidcPath } from './oidc/listener.ts';
import { createOidcProvider } from './oidc/provider.ts';
import type { Deps } from './services/deps.ts';
import { createServices, type Services } from './services/index.ts';
import { createConfiguredMailer } from './services/mail/mail-config.service.ts';
import { ensureSigningKeys } from './services/keys/signing-keys.service.ts';
import { seedDefaultAuthorization } from './services/roles/default-authorization.ts';
import { ensureVendor, type VendorBootstrap } from './services/vendor/vendor.service.ts';

/** A Node request listener (node:http createServer). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Gatehouse {
  app: App;
  /**
   * Everything over HTTP: /oidc (and the root discovery document) to the OpenID provider, every
   * other path to `app.fetch`. main.ts listens with it; tests that need a real HTTP peer too.
   */
  nodeHandler: NodeHandler;
  services: Services;
  deps: Deps;
  database: Database;
  vendor: VendorBootstrap;
  generatedSecret: boolean;
  /** Work queued after answers; `tasks.drain()` waits for it (shutdown, tests). */
  tasks: TaskQueue;
  /** Redis connections when REDIS_URL is set (readiness checks ping it); null otherwise. */
  redis: RedisConnections | null;
  close(): Promise<void>;
}

export interface BootstrapOptions {
  clock?: Clock;
  logger?: Logger;
  database?: DatabaseOptions;
  /** Replaces the mailer built from config (tests). */
  mailer?: Mailer;
  /** Replaces the SMS sender built from config (tests). */
  sms?: SmsSender;
  /** Replaces the reCAPTCHA verifier built from config (tests). */
  captcha?: CaptchaVerifier;
  /** Replaces the in-process task queue (tests that must see what runs before the queued work). */
  tasks?: TaskQueue;
  /** Replaces the rate-limit counters built from config. */
  rateLimits?: RateLimitStore;
  /**
   * More readiness checks for /health/ready (e.g. `{ name: 'redis', check }` once a Redis client
   * exists). Without a check named 'redis' readiness reports `redis: 'not_configured'`.
   */
  readiness?: ReadinessCheck[];
}

export async function createGatehouse(config: Config, o: BootstrapOptions = {}): Promise<Gatehouse> {
  const logger = o.logger ?? createLogger(config.logLevel);
  const clock = o.clock ?? systemClock;
  const { secret, generated } = resolveInstallationSecret(config.secret, config.dataDir);
  const secrets = createSecretBox(secret);
  const database = await createDatabase(config.databaseUrl, {
    maintenanceIntervalSeconds: config.pgliteMaintenanceSeconds,
    onMaintenanceError: (e) => logger.warn({ err: e }, 'database maintenance (vacuum/analyze) failed'),
    ...o.database,
  });
  // Redis never blocks the start: it connects in the background, and until it answers counters
  // and notifications fall back (platform/redis.ts).
  const redis = createRedis(config.redis, logger);
  const changes = createChangeFeed({ refreshSeconds: config.cacheRefreshSeconds, logger, redis });
  try {
    const db = database.prisma;
    // One registry per instance (tests boot several in one process).
    const metrics: MetricsEndpoint | null = config.metrics.enabled ? createMetrics({ database: { kind: database.kind, pool: () => database.poolStats() } }) : null;
    const keys = { current: await ensureSigningKeys({ db, secrets, logger }, config.signingAlgorithm) };
    const vendor = await ensureVendor({ db, secrets, config });
    await db.$transaction((tx) => seedDefaultAuthorization(tx));
    const deps: Deps = {
      db,
      clock,
      hasher: createPasswordHasher(config.argon2),
      secrets,
      keys,
      changes,
      config,
      logger,
      // A vendor's stored mail configuration and templates take effect over the environment's mailer.
      mailer: createConfiguredMailer(
        { db, secrets, logger, changes },
        { base: o.mailer ?? createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, env: config.env }, logger), from: config.mail.from },
      ),
      sms: o.sms ?? createSmsSender({ ...config.sms, env: config.env }, logger),
      captcha: o.captcha ?? createHttpCaptchaVerifier({ url: config.captcha.verifyUrl }, logger),
      rateLimits:
        o.rateLimits ??
        createRateLimitStore(
          redis
            ? {
                kind: 'redis',
                client: redis.client,
                keyPrefix: redis.keyPrefix,
                onFallback: (name) => logger.warn({ limit: name }, 'rate limit counted in process memory: redis unreachable'),
              }
            : { kind: 'memory' },
        ),
      vendor: { clientId: vendor.clientId },
      tasks: o.tasks ?? createInProcessTaskQueue(logger),
      metrics: metrics ?? disabledMetrics,
    };
    await deps.mailer.reload?.();
    const services = createServices(deps);
    await services.throttle.reload();
    const yoga = createGraphQLHandler({
      services,
      prisma: db,
      logger,
      graphiql: config.graphiql,
      introspection: config.introspection,
      cookie: {
        // Frontegg's SDKs expect fe_refresh_<clientId without dashes>.
        name: `fe_refresh_${vendor.clientId.replace(/-/g, '')}`,
        deviceName: `fe_device_${vendor.clientId.replace(/-/g, '')}`,
        secure: config.cookie.secure,
        sameSite: config.cookie.sameSite,
        maxAge: config.refreshTokenTtl,
      },
    });
    const readiness: ReadinessCheck[] = [
      { name: 'database', check: () => database.ping() },
      {
        name: 'migrations',
        check: async () => {
          const m = await database.migrationStatus();
          const ok = m.pending.length === 0 && m.failed.length === 0;
          return { ok, status: ok ? 'up' : m.failed.length ? 'failed' : 'pending', detail: { applied: m.applied, pending: m.pending, failed: m.failed } };
        },
      },
      ...(o.readiness ?? []),
    ];
    if (redis && !readiness.some((c) => c.name === 'redis')) readiness.push({ name: 'redis', check: () => redis.ping() });
    if (!readiness.some((c) => c.name === 'redis')) readiness.push({ name: 'redis', check: () => 'not_configured' });
    const app = createApp({ config, yoga, keys, logger, readiness, metrics });
    const oidc = createOidcProvider({
      services,
      keys,
      issuer: config.issuer,
      corsOrigins: config.corsOrigins,
      cookieKeys: [secrets.deriveToken('oidc-cookies', 'v1')],
      logger,
    });
    const oidcListener = createOidcListener({
      oidc,
      keys,
      issuer: config.issuer,
      corsOrigins: config.corsOrigins,
      isApplicationCorsOrigin: (origin) => services.oauthClients.isApplicationCorsOrigin(origin),
      trustProxy: config.trustProxy,
      metrics: deps.metrics,
    });
    const fetchListener = createServerAdapter<{ req: IncomingMessage }>((request, ctx) => app.fetch(request, { remoteAddress: ctx.req.socket.remoteAddress }));
    const nodeHandler: NodeHandler = (req, res) => {
      if (!isOidcPath(req.url)) return void fetchListener(req, res);
      oidcListener(req, res).catch((err) => {
        logger.error({ err, path: req.url }, 'unhandled error');
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ error: 'server_error' }));
        } else res.destroy();
      });
    };
    // Jobs queued before a restart, or left by an instance that died, are picked up from here on.
    services.jobs.start();
    const stopPurge = services.audit.startRetentionPurge();
    // close() first lets background jobs stop after their current user and hand their leases back
    // (another instance, or this one restarted, resumes them), and waits for queued tasks (mail):
    // neither may write to a closed database. Jobs may queue mail, so the task queue is drained last.
    const close = async () => {
      await stopPurge();
      await deps.tasks.drain();
      await services.jobs.drain();
      await deps.tasks.drain();
      await changes.close();
      await redis?.close();
      await database.close();
    };
    return { app, nodeHandler, services, deps, database, vendor, generatedSecret: generated, tasks: deps.tasks, redis, close };
  } catch (error) {
    await changes.close();
    await redis?.close();
    await database.close();
    throw error;
  }
}
