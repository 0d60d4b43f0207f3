// Outgoing SMS. Services depend on the SmsSender interface only. Production posts to an HTTP
// endpoint (a generic webhook, e.g. a small relay in front of Twilio or any SMS gateway); without
// one, development and tests keep messages in an in-memory outbox the vendor can read (smsOutbox).
import type { Logger } from './logger.ts';

export interface SmsMessage {
  /** E.164. */
  to: string;
  body: string;
  /** Sender name or number; the provider's default when absent. */
  from?: string | null;
  /** Which template it was rendered from (per-recipient limits count per template). */
  template?: string;
}

export interface OutboxSms {
  to: string;
  body: string;
  from: string | null;
  sentAt: Date;
}

/** A provider refused or could not be reached; the message is logged, the caller gets sms_delivery_failed. */
export class SmsDeliveryError extends Error {}

export interface SmsSender {
  /** Which delivery is in use: 'outbox' keeps messages in memory, 'none' refuses (production without a provider). */
  readonly kind: 'http' | 'outbox' | 'none';
  /** False when nothing can be delivered; flows check it before anything else (no enumeration through the refusal). */
  readonly available: boolean;
  send(message: SmsMessage): Promise<void>;
  /** The development outbox, newest last; null unless kind is 'outbox'. */
  readonly outbox: readonly OutboxSms[] | null;
}

export interface SmsOptions {
  url: string | null;
  token: string | null;
  from: string | null;
  env: 'development' | 'production' | 'test';
  /** How many messages the outbox keeps (a ring: the oldest go first). */
  outboxSize?: number;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export const SMS_OUTBOX_SIZE = 200;

export function createSmsSender(o: SmsOptions, logger: Logger): SmsSender {
  if (o.url) return createHttpSmsSender({ ...o, url: o.url }, logger);
  if (o.env === 'production') {
    // Codes that never arrive would lock users out silently; refuse loudly instead.
    logger.warn('GATEHOUSE_SMS_URL is not set: SMS codes are disabled (sms_not_configured)');
    return {
      kind: 'none',
      available: false,
      outbox: null,
      async send() {
        throw new SmsDeliveryError('SMS is not configured (GATEHOUSE_SMS_URL)');
      },
    };
  }
  return createSmsOutbox({ size: o.outboxSize, from: o.from }, logger);
}

function createHttpSmsSender(o: SmsOptions & { url: string }, logger: Logger): SmsSender {
  const doFetch = o.fetch ?? fetch;
  return {
    kind: 'http',
    available: true,
    outbox: null,
    async send(m) {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      const from = m.from ?? o.from;
      let status: number;
      try {
        const res = await doFetch(o.url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ to: m.to, body: m.body, ...(from ? { from } : {}) }),
          signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
        });
        status = res.status;
        // Drain the body so the connection can be reused; its content is the provider's business.
        await res.arrayBuffer().catch(() => undefined);
      } catch (error) {
        // Recipient only: the body holds a live code.
        logger.error({ err: error, to: m.to }, 'SMS provider unreachable');
        throw new SmsDeliveryError('SMS provider unreachable');
      }
      if (status < 200 || status >= 300) {
        logger.error({ status, to: m.to }, 'SMS provider refused the message');
        throw new SmsDeliveryError(`SMS provider answered ${status}`);
      }
    },
  };
}

/** Keeps the last `size` messages in memory: development and tests without a provider. */
export function createSmsOutbox(o: { size?: number; from?: string | null } = {}, logger?: Logger): SmsSender {
  const size = o.size ?? SMS_OUTBOX_SIZE;
  const outbox: OutboxSms[] = [];
  logger?.warn('GATEHOUSE_SMS_URL is not set: SMS are kept in an in-memory outbox, not delivered');
  return {
    kind: 'outbox',
    available: true,
    outbox,
    async send(m) {
      logger?.info({ to: m.to }, 'SMS not configured; message kept in the in-memory outbox');
      outbox.push({ to: m.to, body: m.body, from: m.from ?? o.from ?? null, sentAt: new Date() });
      if (outbox.length > size) outbox.splice(0, outbox.length - size);
    },
  };
}
