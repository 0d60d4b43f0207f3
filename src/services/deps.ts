// What services may use. Factories take a narrow Pick<Deps, …> (kratos, logto Libraries).
import type { Config } from '../config.ts';
import type { ChangeFeed } from '../platform/change-feed.ts';
import type { Clock } from '../platform/clock.ts';
import type { CaptchaVerifier } from '../platform/captcha.ts';
import type { SecretBox } from '../platform/crypto.ts';
import type { PrismaClient } from '../platform/db.ts';
import type { KeySet } from '../platform/jwt.ts';
import type { Logger } from '../platform/logger.ts';
import type { Mailer } from '../platform/mail.ts';
import type { Metrics } from '../platform/metrics.ts';
import type { PasswordHasher } from '../platform/password.ts';
import type { RateLimitStore } from '../platform/rate-limit.ts';
import type { SmsSender } from '../platform/sms.ts';
import type { TaskQueue } from '../platform/task-queue.ts';

export interface Deps {
  db: PrismaClient;
  clock: Clock;
  hasher: PasswordHasher;
  secrets: SecretBox;
  /** Replaced on key rotation (here or on another instance); read it at use, never capture it. */
  keys: {
    current: KeySet;
    /**
     * Called when a token names a kid this instance does not know (another instance may have
     * rotated before the notification arrived): reloads the keys, at most once per few seconds;
     * true when the kid may now be known. Set by the signing-keys service.
     */
    refreshForUnknownKid?: () => Promise<boolean>;
  };
  /**
   * Tells every instance that something cached changed, and drops caches at the refresh bound
   * (platform/change-feed.ts lists every per-process cache). Services never see Redis itself.
   */
  changes: ChangeFeed;
  config: Config;
  logger: Logger;
  /** Outgoing mail (password reset, activation). */
  mailer: Mailer;
  /** Outgoing SMS (phone verification, SMS MFA, SMS login and reset codes). */
  sms: SmsSender;
  /** Checks reCAPTCHA tokens against the provider (captcha policy). */
  captcha: CaptchaVerifier;
  /** Counters for abuse throttling (in memory, or in Redis shared by the fleet when REDIS_URL is set). */
  rateLimits: RateLimitStore;
  /** The installation's vendor client id: token audience and refresh-cookie name. */
  vendor: { clientId: string };
  /** Work that runs after the answer (mail whose sending must not show in the response time). */
  tasks: TaskQueue;
  /** Counters for /metrics (a no-op when GATEHOUSE_METRICS=off); record through security-events.ts where it is an event. */
  metrics: Metrics;
}
