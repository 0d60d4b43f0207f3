// The only reader of process.env: parsed once, typed, failing fast with every problem listed.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CAPTCHA_VERIFY_URL } from './platform/captcha.ts';
import { parseLimitRule, RATE_LIMIT_DEFAULTS, RATE_LIMIT_NAMES, type LimitRule, type RateLimitName, type RateLimitStoreKind } from './platform/rate-limit.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const seconds = z.coerce.number().int().positive();

const limitRule = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s, ctx) => {
      const rule = parseLimitRule(s);
      if (!rule) {
        ctx.addIssue({ code: 'custom', message: 'must be <points>/<window> (e.g. 10/15m; window units s, m, h, d) or off' });
        return z.NEVER;
      }
      return rule;
    });
const rateLimitEnv = Object.fromEntries(RATE_LIMIT_NAMES.map((n) => [`GATEHOUSE_RATE_LIMIT_${n}`, limitRule(RATE_LIMIT_DEFAULTS[n])])) as Record<
  `GATEHOUSE_RATE_LIMIT_${RateLimitName}`,
  ReturnType<typeof limitRule>
>;

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./.gatehouse'),
  /** postgresql://… for PostgreSQL; pglite:<dir> or pglite:memory for the embedded database. */
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|pglite:)/, 'must start with postgresql://, postgres:// or pglite:')
    .optional(),
  /** JWT `iss` and the base of the discovery document; defaults to http://localhost:PORT. */
  GATEHOUSE_ISSUER: z.url().optional(),
  GATEHOUSE_VENDOR_CLIENT_ID: z.string().min(8).optional(),
  GATEHOUSE_VENDOR_SECRET: z.string().min(16).optional(),
  /** Encrypts private signing keys and TOTP seeds, keys the token hashes; else generated into DATA_DIR. */
  GATEHOUSE_SECRET: z.string().min(32).optional(),
  GATEHOUSE_SIGNING_ALG: z.enum(['RS256', 'ES256', 'EdDSA']).default('RS256'),
  GATEHOUSE_ACCESS_TOKEN_TTL: seconds.default(3600),
  GATEHOUSE_REFRESH_TOKEN_TTL: seconds.default(30 * 24 * 3600),
  GATEHOUSE_SESSION_MAX_AGE: seconds.default(30 * 24 * 3600),
  /**
   * At most 30 days: Frontegg's backend SDK schedules its re-authentication with setTimeout at
   * 80 % of expiresIn, and a delay beyond 2^31-1 ms (about 31 days of expiresIn) fires at once,
   * so every instance of the app would re-authenticate in a tight loop.
   */
  GATEHOUSE_VENDOR_TOKEN_TTL: seconds.max(30 * 24 * 3600).default(24 * 3600),
  /** Seconds the immediately previous refresh token still answers with its successor (parallel tabs, retries); 0: strict single use. */
  GATEHOUSE_REFRESH_REUSE_INTERVAL: z.coerce.number().int().min(0).max(300).default(10),
  /** Refuse user access tokens whose session (sid) was revoked, instead of trusting them until exp. */
  GATEHOUSE_SESSION_CHECK: bool.default(false),
  /** How long a live-session answer is reused per process; 0 checks the database on every request. */
  GATEHOUSE_SESSION_CHECK_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  /** OWASP argon2id defaults: m=19 MiB, t=2, p=1. */
  GATEHOUSE_ARGON2_MEMORY_KIB: z.coerce.number().int().min(8).default(19456),
  GATEHOUSE_ARGON2_ITERATIONS: z.coerce.number().int().min(1).default(2),
  GATEHOUSE_ARGON2_PARALLELISM: z.coerce.number().int().min(1).default(1),
  GATEHOUSE_COOKIE_SAMESITE: z.enum(['Lax', 'Strict', 'None']).default('Lax'),
  /** Defaults to true when the issuer is https. */
  GATEHOUSE_COOKIE_SECURE: bool.optional(),
  /** Comma-separated origins allowed to call with credentials (CORS); each an exact scheme://host[:port]. */
  GATEHOUSE_CORS_ORIGINS: z
    .string()
    .default('')
    .refine((v) => splitList(v).every(isOrigin), 'must be a comma-separated list of origins like https://app.example.com (no path, no wildcard)'),
  GATEHOUSE_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  /** Both default to on, except with NODE_ENV=production (where they must be asked for). */
  GATEHOUSE_GRAPHIQL: bool.optional(),
  GATEHOUSE_INTROSPECTION: bool.optional(),
  GATEHOUSE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** smtp://user:pass@host:587 or smtps://…; unset keeps mail in memory (dev/test) or refuses to send (production). */
  GATEHOUSE_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  GATEHOUSE_MAIL_FROM: z.string().min(3).default('Gatehouse <no-reply@localhost>'),
  /** Base of the links in emails (the app hosting /account/...); defaults to the issuer. */
  GATEHOUSE_APP_URL: z.url().optional(),
  /** HTTP endpoint that sends SMS (POST JSON {to, body, from?}); unset keeps SMS in memory (dev/test) or refuses (production). */
  GATEHOUSE_SMS_URL: z.url().optional(),
  /** Sent as `Authorization: Bearer …` to GATEHOUSE_SMS_URL. */
  GATEHOUSE_SMS_TOKEN: z.string().min(1).optional(),
  /** Default sender (number or alphanumeric name) passed as `from`. */
  GATEHOUSE_SMS_FROM: z.string().min(1).max(64).optional(),
  /** WebAuthn relying-party id (a domain); defaults to the host of GATEHOUSE_APP_URL. */
  GATEHOUSE_WEBAUTHN_RP_ID: z.string().min(1).optional(),
  /** Comma-separated origins WebAuthn ceremonies may run on; defaults to the app URL's origin (and the issuer's, if under the RP id). */
  GATEHOUSE_WEBAUTHN_ORIGINS: z.string().optional(),
  GATEHOUSE_WEBAUTHN_RP_NAME: z.string().min(1).default('Gatehouse'),
  /** Embedded database only: seconds between vacuum/analyze passes (PGlite has no autovacuum); 0 turns them off. */
  /** How many proxies in front of Gatehouse append to X-Forwarded-For (0: the header is ignored). */
  GATEHOUSE_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  GATEHOUSE_PGLITE_MAINTENANCE_SECONDS: z.coerce.number().int().min(0).default(300),
  /** Where reCAPTCHA tokens are verified (form POST secret, response, remoteip); Google's siteverify by default. */
  GATEHOUSE_CAPTCHA_VERIFY_URL: z.url().default(DEFAULT_CAPTCHA_VERIFY_URL),
  /** Sign-up with a password answers with a session (Frontegg's default) instead of an activation email. */
  GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN: bool.default(false),
  /** Background jobs (bulk invites, migrations): seconds a worker's claim lasts unless renewed; a dead instance's job is resumed by another after it. */
  /** Audit events older than this many days are purged (in bounded batches); 0 keeps them forever. */
  GATEHOUSE_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(365),
  /** Seconds between retention purges on each instance; 0: never purge from this instance. */
  GATEHOUSE_AUDIT_PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86400).default(3600),
  GATEHOUSE_JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Seconds between looks for claimable jobs (queued elsewhere, or left by a dead instance); 0: only at start and on this instance's own requests. */
  GATEHOUSE_JOB_POLL_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
  /** Jobs one instance runs at once. */
  GATEHOUSE_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /** Unfinished jobs of one kind a tenant (or the vendor) may have queued or running; beyond it a bulk request is refused (429). */
  GATEHOUSE_JOB_MAX_QUEUED: z.coerce.number().int().min(1).max(1000).default(10),
  /** `off` disables every abuse limit (load tests); each limit is GATEHOUSE_RATE_LIMIT_<NAME>. */
  GATEHOUSE_RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  /** redis://[user:pass@]host:6379[/db] or rediss://…; unset keeps counters and the change feed in-process. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** Prefix of every Redis key and channel (several installations may share one Redis). */
  GATEHOUSE_REDIS_PREFIX: z.string().min(1).max(64).regex(/^\S+$/, 'must not contain spaces').default('gatehouse:'),
  /** Staleness bound of every per-process cache when no change notification arrives. */
  GATEHOUSE_CACHE_REFRESH_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  ...rateLimitEnv,
  /** GET /metrics (Prometheus text). */
  GATEHOUSE_METRICS: z.enum(['on', 'off']).default('on'),
  /** When set, /metrics requires `Authorization: Bearer <token>`. */
  GATEHOUSE_METRICS_TOKEN: z.string().min(16).max(512).optional(),
});

export type Env = z.input<typeof EnvSchema>;

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** An exact origin as browsers send it in `Origin` (CORS compares strings, so it must be canonical). */
function isOrigin(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === v;
  } catch {
    return false;
  }
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  pgliteMaintenanceSeconds: number;
  trustProxy: number;
  issuer: string;
  vendorCredential: { clientId: string; secret: string } | null;
  secret: string | null;
  signingAlgorithm: 'RS256' | 'ES256' | 'EdDSA';
  accessTokenTtl: number;
  refreshTokenTtl: number;
  sessionMaxAge: number;
  vendorTokenTtl: number;
  refreshReuseInterval: number;
  /** Opt-in sid check of user access tokens, with a per-process cache of live sessions. */
  sessionCheck: { enabled: boolean; cacheSeconds: number };
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  cookie: { sameSite: 'Lax' | 'Strict' | 'None'; secure: boolean };
  corsOrigins: string[];
  maxBodyBytes: number;
  graphiql: boolean;
  introspection: boolean;
  logLevel: string;
  mail: { smtpUrl: string | null; from: string };
  appUrl: string;
  sms: { url: string | null; token: string | null; from: string | null };
  webauthn: { rpId: string; rpName: string; origins: string[] };
  captcha: { verifyUrl: string };
  /** See GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN and services/auth/signup-enumeration.ts. */
  signUpImmediateLogin: boolean;
  rateLimits: { enabled: boolean; store: { kind: RateLimitStoreKind }; rules: Record<RateLimitName, LimitRule> };
  /** GET /metrics: served when enabled; a bearer token is required when `token` is set. */
  metrics: { enabled: boolean; token: string | null };
  /** See services/jobs/job-worker.ts. */
  audit: { retentionDays: number; purgeIntervalSeconds: number };
  jobs: { leaseSeconds: number; pollSeconds: number; concurrency: number; maxQueued: number };
  /** Shared counters and the change feed's pub/sub (src/platform/redis.ts); url null: in-process. */
  redis: { url: string | null; keyPrefix: string };
  /** GATEHOUSE_CACHE_REFRESH_SECONDS: every per-process cache is at most this old without a notification. */
  cacheRefreshSeconds: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.GATEHOUSE_VENDOR_CLIENT_ID) !== Boolean(e.GATEHOUSE_VENDOR_SECRET)) {
    throw new ConfigError('Invalid configuration:\n  set both GATEHOUSE_VENDOR_CLIENT_ID and GATEHOUSE_VENDOR_SECRET, or neither');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const issuer = (e.GATEHOUSE_ISSUER ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const sameSite = e.GATEHOUSE_COOKIE_SAMESITE;
  const secure = e.GATEHOUSE_COOKIE_SECURE ?? (issuer.startsWith('https:') || sameSite === 'None');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `pglite:${path.join(dataDir, 'db')}`,
    pgliteMaintenanceSeconds: e.GATEHOUSE_PGLITE_MAINTENANCE_SECONDS,
    trustProxy: e.GATEHOUSE_TRUST_PROXY,
    issuer,
    vendorCredential: e.GATEHOUSE_VENDOR_CLIENT_ID
      ? { clientId: e.GATEHOUSE_VENDOR_CLIENT_ID, secret: e.GATEHOUSE_VENDOR_SECRET! }
      : null,
    secret: e.GATEHOUSE_SECRET ?? null,
    signingAlgorithm: e.GATEHOUSE_SIGNING_ALG,
    accessTokenTtl: e.GATEHOUSE_ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.GATEHOUSE_REFRESH_TOKEN_TTL,
    sessionMaxAge: e.GATEHOUSE_SESSION_MAX_AGE,
    vendorTokenTtl: e.GATEHOUSE_VENDOR_TOKEN_TTL,
    refreshReuseInterval: e.GATEHOUSE_REFRESH_REUSE_INTERVAL,
    sessionCheck: { enabled: e.GATEHOUSE_SESSION_CHECK, cacheSeconds: e.GATEHOUSE_SESSION_CHECK_CACHE_SECONDS },
    argon2: {
      memoryCost: e.GATEHOUSE_ARGON2_MEMORY_KIB,
      timeCost: e.GATEHOUSE_ARGON2_ITERATIONS,
      parallelism: e.GATEHOUSE_ARGON2_PARALLELISM,
    },
    // SameSite=None is only honoured by browsers on Secure cookies.
    cookie: { sameSite, secure },
    corsOrigins: splitList(e.GATEHOUSE_CORS_ORIGINS),
    maxBodyBytes: e.GATEHOUSE_MAX_BODY_BYTES,
    // An internet-facing production server does not hand out its schema or a query console.
    graphiql: e.GATEHOUSE_GRAPHIQL ?? e.NODE_ENV !== 'production',
    introspection: e.GATEHOUSE_INTROSPECTION ?? e.NODE_ENV !== 'production',
    logLevel: e.GATEHOUSE_LOG_LEVEL,
    mail: { smtpUrl: e.GATEHOUSE_SMTP_URL ?? null, from: e.GATEHOUSE_MAIL_FROM },
    appUrl: (e.GATEHOUSE_APP_URL ?? issuer).replace(/\/+$/, ''),
    sms: { url: e.GATEHOUSE_SMS_URL ?? null, token: e.GATEHOUSE_SMS_TOKEN ?? null, from: e.GATEHOUSE_SMS_FROM ?? null },
    webauthn: webauthnConfig(e, issuer),
    captcha: { verifyUrl: e.GATEHOUSE_CAPTCHA_VERIFY_URL },
    signUpImmediateLogin: e.GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN,
    audit: { retentionDays: e.GATEHOUSE_AUDIT_RETENTION_DAYS, purgeIntervalSeconds: e.GATEHOUSE_AUDIT_PURGE_INTERVAL_SECONDS },
    jobs: {
      leaseSeconds: e.GATEHOUSE_JOB_LEASE_SECONDS,
      pollSeconds: e.GATEHOUSE_JOB_POLL_SECONDS,
      concurrency: e.GATEHOUSE_JOB_CONCURRENCY,
      maxQueued: e.GATEHOUSE_JOB_MAX_QUEUED,
    },
    rateLimits: {
      enabled: e.GATEHOUSE_RATE_LIMITS === 'on',
      // Shared by the fleet when Redis is configured, else in-process.
      store: { kind: e.REDIS_URL ? 'redis' : 'memory' },
      rules: Object.fromEntries(RATE_LIMIT_NAMES.map((n) => [n, e[`GATEHOUSE_RATE_LIMIT_${n}`]])) as Record<RateLimitName, LimitRule>,
    },
    redis: { url: e.REDIS_URL ?? null, keyPrefix: e.GATEHOUSE_REDIS_PREFIX },
    cacheRefreshSeconds: e.GATEHOUSE_CACHE_REFRESH_SECONDS,
    metrics: { enabled: e.GATEHOUSE_METRICS === 'on', token: e.GATEHOUSE_METRICS_TOKEN ?? null },
  };
}

/** A host is under an RP id when it is the id or a subdomain of it (WebAuthn §5.1.3 / §13.4.9). */
const hostUnder = (host: string, rpId: string) => host === rpId || host.endsWith(`.${rpId}`);

/**
 * WebAuthn ceremonies run in the browser on the app's pages, so the RP id defaults to the app
 * URL's host and the accepted origins to that origin (plus the issuer's when it shares the RP id).
 * An origin outside the RP id could never produce a valid credential, so it fails at startup.
 */
function webauthnConfig(e: z.output<typeof EnvSchema>, issuer: string): Config['webauthn'] {
  const app = new URL(e.GATEHOUSE_APP_URL ?? issuer);
  const rpId = (e.GATEHOUSE_WEBAUTHN_RP_ID ?? app.hostname).toLowerCase();
  const listed = (e.GATEHOUSE_WEBAUTHN_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const defaults = [app.origin, new URL(issuer).origin].filter((o) => hostUnder(new URL(o).hostname, rpId));
  const origins = [...new Set(listed.length ? listed.map((o) => o.replace(/\/+$/, '')) : defaults)];
  const bad = origins.filter((o) => !URL.canParse(o) || !hostUnder(new URL(o).hostname, rpId));
  if (bad.length || !origins.length) {
    throw new ConfigError(`Invalid configuration:\n  GATEHOUSE_WEBAUTHN_ORIGINS: every origin must be on GATEHOUSE_WEBAUTHN_RP_ID (${rpId}) or a subdomain of it${bad.length ? `: ${bad.join(', ')}` : ''}`);
  }
  return { rpId, rpName: e.GATEHOUSE_WEBAUTHN_RP_NAME, origins };
}
