// Outgoing mail. Services depend on the Mailer interface only, so tests can point Gatehouse at a
// real local SMTP server (or inject their own) and production uses nodemailer over SMTP.
import nodemailer from 'nodemailer';
import type { Logger } from './logger.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /**
   * False when nothing can be delivered (no SMTP in production). Flows that must send mail check
   * it before doing anything else, so the refusal cannot tell known addresses from unknown ones.
   */
  readonly available: boolean;
  send(message: MailMessage): Promise<void>;
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
        await transport.sendMail({ from: o.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
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
