// Outgoing mail. Services depend on the Mailer interface only, so tests can point Gatehouse at a
// real local SMTP server (or inject their own) and production uses nodemailer over SMTP.
import nodemailer from 'nodemailer';
import type { Logger } from './logger.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Overrides the configured default From (a stored mail configuration or template names one). */
  from?: string | { name: string; address: string };
  /**
   * Which Frontegg template this message is the default of, and the values its placeholders
   * take, so a vendor's stored template of that type can replace subject and body at delivery.
   */
  template?: { type: string; vars: Record<string, string> };
}

export interface Mailer {
  /**
   * False when nothing can be delivered (no SMTP in production). Flows that must send mail check
   * it before doing anything else, so the refusal cannot tell known addresses from unknown ones.
   */
  readonly available: boolean;
  send(message: MailMessage): Promise<void>;
  /** Re-reads stored delivery settings (a mailer whose transport the vendor can configure). */
  reload?(): Promise<void>;
}

/** Keeps messages in memory: development and tests without an SMTP server. */
export interface MemoryMailer extends Mailer {
  readonly outbox: MailMessage[];
}

export interface MailerOptions {
  smtpUrl: string | null;
  from: string;
  env: 'development' | 'production' | 'test';
}

export function createMailer(o: MailerOptions, logger: Logger): Mailer {
  if (o.smtpUrl) {
    const transport = nodemailer.createTransport(o.smtpUrl);
    return {
      available: true,
      async send(m) {
        await transport.sendMail({ from: m.from ?? o.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
      },
    };
  }
  if (o.env === 'production') {
    logger.warn('GATEHOUSE_SMTP_URL is not set: password reset and activation mail are disabled (mail_not_configured)');
    return {
      available: false,
      async send() {
        throw new Error('mail is not configured (GATEHOUSE_SMTP_URL)');
      },
    };
  }
  return createMemoryMailer(logger);
}

export function createMemoryMailer(logger?: Logger): MemoryMailer {
  const outbox: MailMessage[] = [];
  logger?.warn('GATEHOUSE_SMTP_URL is not set: mail is kept in memory, not delivered');
  return {
    available: true,
    outbox,
    async send(m) {
      // Subject and recipient only: the body holds a live token.
      logger?.info({ to: m.to, subject: m.subject }, 'mail not configured; message kept in the in-memory outbox');
      outbox.push(m);
    },
  };
}

/** Where a vendor-configured SMTP transport connects (the password comes decrypted from storage). */
export interface SmtpTarget {
  host: string;
  port: number;
  /** TLS from the first byte (465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  /** Refuse to send unless STARTTLS succeeds (providers that take an API key as password). */
  requireTls?: boolean;
  auth?: { user: string; pass: string };
}

/** A mailer over one SMTP transport: an smtp(s):// URL or explicit settings. */
export function createSmtpMailer(target: string | SmtpTarget, defaultFrom: string): Mailer {
  const transport = nodemailer.createTransport(
    typeof target === 'string'
      ? target
      : { host: target.host, port: target.port, secure: target.secure, requireTLS: target.requireTls ?? false, ...(target.auth ? { auth: target.auth } : {}) },
  );
  return {
    available: true,
    async send(m) {
      await transport.sendMail({ from: m.from ?? defaultFrom, to: m.to, subject: m.subject, text: m.text, html: m.html });
    },
  };
}
