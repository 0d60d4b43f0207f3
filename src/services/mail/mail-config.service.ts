// The vendor's mail delivery settings (Frontegg's "email provider configuration") and its stored
// mail templates (Frontegg's per-type email templates). Both are vendor-wide Policy rows
// (MAIL_PROVIDER, MAIL_TEMPLATES) and both take effect at delivery: createConfiguredMailer wraps
// the environment's mailer, so every mail a service delivers goes through the stored provider
// (when one is stored) and the stored template of its type (when one is stored).
//
// Providers: only what maps onto SMTP. `smtp` (host/port/username + the secret as password, or
// the secret as a whole smtp(s):// URL) and `sendgrid` (SendGrid's SMTP relay, user `apikey`,
// the API key as password). SES, Mailgun and the other HTTP-API providers answer
// mail_provider_not_supported (501) rather than storing a configuration that would never send.
//
// The secret is stored encrypted (deps.secrets) and never leaves: views carry hasSecret only.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma, Tx } from '../../platform/db.ts';
import { createSmtpMailer, type MailMessage, type Mailer, type SmtpTarget } from '../../platform/mail.ts';
import type { Deps } from '../deps.ts';
import { upsertPolicyRow, vendorPolicyRowId } from '../policies/policy-rows.ts';
import { emailSchema, parseInput } from '../validation.ts';
import { defaultMailTemplate } from './templates.ts';

/** Frontegg's template types (the spec's enum). Gatehouse sends the ones defaultMailTemplate knows. */
export const MAIL_TEMPLATE_TYPES = [
  'ResetPassword', 'ActivateUser', 'InviteToTenant', 'PwnedPassword', 'MagicLink', 'OTC', 'ConnectNewDevice', 'UserUsedInvitation',
  'ResetPhoneNumber', 'BulkInvitesToTenant', 'MFAEnroll', 'MFAUnenroll', 'NewMFAMethod', 'MFARecoveryCode', 'RemoveMFAMethod',
  'EmailVerification', 'BruteForceProtection', 'SuspiciousIP', 'MFAOTC', 'ImpossibleTravel', 'BotDetection', 'SmsAuthenticationEnabled',
  'UnlockUser', 'UnlockUserSuccess', 'ActivateUserWithCode', 'InviteToTenantWithCode', 'VerifyNewEmail', 'EmailAddressChanged',
  'ApprovalFlowApprove',
] as const;

const SUPPORTED_PROVIDERS = ['smtp', 'sendgrid'] as const;
type Provider = (typeof SUPPORTED_PROVIDERS)[number];
/** Providers Frontegg offers that speak an HTTP API Gatehouse does not implement. */
const API_ONLY_PROVIDERS = ['ses', 'ses-role', 'mailgun', 'sparkpost', 'mandrill', 'postmark', 'resend', 'microsoft', 'azure'];

const SENDGRID_SMTP: Omit<SmtpTarget, 'auth'> = { host: 'smtp.sendgrid.net', port: 587, secure: false, requireTls: true };

export interface MailConfigView {
  provider: Provider;
  senderEmail: string | null;
  fromName: string | null;
  host: string | null;
  port: number | null;
  secure: boolean | null;
  username: string | null;
  /** Whether a secret is stored; the secret itself never leaves. */
  hasSecret: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface StoredConfig {
  provider: Provider;
  senderEmail: string | null;
  fromName: string | null;
  host: string | null;
  port: number | null;
  secure: boolean | null;
  username: string | null;
  secretEncrypted: string | null;
}

export interface MailTemplateView {
  /** Null for a built-in default (nothing stored). */
  id: string | null;
  type: string;
  subject: string;
  htmlTemplate: string;
  senderEmail: string | null;
  fromName: string | null;
  redirectURL: string | null;
  successRedirectUrl: string | null;
  active: boolean;
  isDefault: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
}

interface StoredTemplate {
  id: string;
  subject?: string | null;
  htmlTemplate?: string | null;
  senderEmail?: string | null;
  fromName?: string | null;
  redirectURL?: string | null;
  successRedirectUrl?: string | null;
  active?: boolean;
  createdAt: string;
  updatedAt: string;
}

const optionalText = (max: number) => z.string().trim().max(max).nullish();
const hostname = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'must be a host name or IP address');
const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((u) => URL.canParse(u) && ['http:', 'https:'].includes(new URL(u).protocol), 'must be an http(s) URL');
const smtpUrl = (s: string) => URL.canParse(s) && ['smtp:', 'smtps:'].includes(new URL(s).protocol) && new URL(s).hostname !== '';

const ConfigInput = z.object({
  provider: z.string().trim().toLowerCase().max(64).nullish(),
  secret: z.string().max(4096).nullish(),
  senderEmail: emailSchema.nullish(),
  fromName: optionalText(255),
  host: hostname.nullish(),
  port: z.number().int().min(1).max(65535).nullish(),
  secure: z.boolean().nullish(),
  username: optionalText(255),
});

// A subject is one header line: no line breaks (they would start a new header).
const TemplateInput = z.object({
  type: z.string().trim().max(64),
  subject: z.string().trim().min(1).max(998).regex(/^[^\r\n]*$/, 'must be one line').nullish(),
  htmlTemplate: z.string().min(1).max(200_000).nullish(),
  senderEmail: emailSchema.nullish(),
  fromName: z.string().trim().max(255).regex(/^[^\r\n]*$/, 'must be one line').nullish(),
  redirectURL: httpUrl.nullish(),
  successRedirectUrl: httpUrl.nullish(),
  active: z.boolean().nullish(),
});

const templateType = (raw: string) => {
  if (!(MAIL_TEMPLATE_TYPES as readonly string[]).includes(raw)) fail('mail_template_type_unknown');
  // A known type Gatehouse never sends: storing it would be a template that never takes effect.
  return defaultMailTemplate(raw) ? raw : fail('mail_template_type_not_supported');
};

const CONFIG_ID = vendorPolicyRowId('MAIL_PROVIDER');
const TEMPLATES_ID = vendorPolicyRowId('MAIL_TEMPLATES');

async function storedConfigRow(db: Tx) {
  return db.policy.findUnique({ where: { id: CONFIG_ID }, select: { config: true, createdAt: true, updatedAt: true } });
}

async function storedTemplates(db: Tx): Promise<Record<string, StoredTemplate>> {
  const row = await db.policy.findUnique({ where: { id: TEMPLATES_ID }, select: { config: true } });
  return ((row?.config ?? {}) as { templates?: Record<string, StoredTemplate> }).templates ?? {};
}

function templateView(type: string, t: StoredTemplate | undefined): MailTemplateView {
  const def = defaultMailTemplate(type)!;
  return {
    id: t?.id ?? null,
    type,
    subject: t?.subject ?? def.subject,
    htmlTemplate: t?.htmlTemplate ?? def.htmlTemplate,
    senderEmail: t?.senderEmail ?? null,
    fromName: t?.fromName ?? null,
    redirectURL: t?.redirectURL ?? null,
    successRedirectUrl: t?.successRedirectUrl ?? null,
    active: t?.active ?? true,
    isDefault: !t,
    createdAt: t ? new Date(t.createdAt) : null,
    updatedAt: t ? new Date(t.updatedAt) : null,
  };
}

export const MAIL_CONFIG_TOPIC = 'mail-config';

export function createMailConfigService(deps: Pick<Deps, 'db' | 'secrets' | 'clock' | 'mailer' | 'changes'>) {
  const { db, secrets, clock } = deps;
  /** After a committed write: every instance (this one before answering) reads `available` again. */
  async function mailConfigChanged() {
    deps.changes.publish(MAIL_CONFIG_TOPIC);
    await deps.mailer.reload?.();
  }

  const view = (row: NonNullable<Awaited<ReturnType<typeof storedConfigRow>>>): MailConfigView => {
    const c = row.config as unknown as StoredConfig;
    return {
      provider: c.provider,
      senderEmail: c.senderEmail,
      fromName: c.fromName,
      host: c.host,
      port: c.port,
      secure: c.secure,
      username: c.username,
      hasSecret: Boolean(c.secretEncrypted),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  };

  return {
    async getConfig(): Promise<MailConfigView | null> {
      const row = await storedConfigRow(db);
      return row ? view(row) : null;
    },

    /**
     * Creates or replaces the delivery settings; mail is sent through them from now on. A provider
     * left out is SendGrid (Frontegg's v1 body is only the SendGrid key). An omitted secret keeps
     * the stored one (it is write-only).
     */
    async setConfig(raw: z.input<typeof ConfigInput>): Promise<MailConfigView> {
      const input = parseInput(ConfigInput, raw);
      const requested = input.provider || 'sendgrid';
      if (!(SUPPORTED_PROVIDERS as readonly string[]).includes(requested)) {
        fail(API_ONLY_PROVIDERS.includes(requested) ? 'mail_provider_not_supported' : 'mail_provider_unknown');
      }
      const provider = requested as Provider;
      const previous = ((await storedConfigRow(db))?.config ?? null) as StoredConfig | null;
      const secret = input.secret ? input.secret : null;
      // Keep the stored secret only for the same provider: another provider's key is no password here.
      const secretEncrypted = secret ? secrets.encrypt(secret) : previous?.provider === provider ? previous.secretEncrypted : null;
      let stored: StoredConfig;
      if (provider === 'sendgrid') {
        if (!secretEncrypted) fail('mail_config_invalid', 'secret (the SendGrid API key) is required');
        stored = { provider, senderEmail: input.senderEmail ?? null, fromName: input.fromName ?? null, host: null, port: null, secure: null, username: null, secretEncrypted };
      } else {
        const urlInSecret = !input.host && secret !== null && smtpUrl(secret);
        if (!input.host && !urlInSecret && !(previous?.provider === 'smtp' && !previous.host && secretEncrypted && !secret)) {
          fail('mail_config_invalid', 'smtp needs host (and port), or an smtp:// or smtps:// URL as the secret');
        }
        if (input.host && input.username && !secretEncrypted) fail('mail_config_invalid', 'secret (the SMTP password) is required with a username');
        const port = input.host ? (input.port ?? 587) : null;
        stored = {
          provider,
          senderEmail: input.senderEmail ?? null,
          fromName: input.fromName ?? null,
          host: input.host ?? null,
          port,
          secure: input.host ? (input.secure ?? port === 465) : null,
          username: input.host ? (input.username ?? null) : null,
          secretEncrypted,
        };
      }
      await upsertPolicyRow(db, 'MAIL_PROVIDER', null, stored as unknown as Prisma.InputJsonObject);
      await mailConfigChanged();
      return view((await storedConfigRow(db))!);
    },

    /** Removes the settings: mail goes back to the environment's SMTP (or the development outbox). */
    async deleteConfig() {
      const { count } = await db.policy.deleteMany({ where: { id: CONFIG_ID } });
      await mailConfigChanged();
      if (!count) fail('mail_config_not_found');
      return true;
    },

    /** The vendor's stored templates, or (with a type) that type's template: stored, else the default. */
    async templates(rawType?: string | null): Promise<MailTemplateView[]> {
      const stored = await storedTemplates(db);
      if (rawType) {
        const type = templateType(rawType);
        return [templateView(type, stored[type])];
      }
      return Object.entries(stored)
        .filter(([type]) => defaultMailTemplate(type))
        .map(([type, t]) => templateView(type, t));
    },

    defaultTemplate: (rawType: string): MailTemplateView => templateView(templateType(rawType), undefined),

    /**
     * Adds or updates a type's template: given fields replace the stored ones, omitted fields keep
     * them (a new template starts from the default's subject and body). One statement (a jsonb
     * merge in the upsert), so concurrent edits of different types or fields both survive.
     */
    async setTemplate(raw: z.input<typeof TemplateInput>): Promise<MailTemplateView> {
      const input = parseInput(TemplateInput, raw);
      const type = templateType(input.type);
      const now = clock.now();
      const patch: Record<string, unknown> = { updatedAt: now.toISOString() };
      for (const key of ['subject', 'htmlTemplate', 'senderEmail', 'fromName', 'redirectURL', 'successRedirectUrl', 'active'] as const) {
        if (input[key] !== undefined) patch[key] = input[key];
      }
      // Existing id and createdAt win over the fresh ones; the patch wins over everything.
      const fresh = JSON.stringify({ id: randomUUID(), createdAt: now.toISOString(), active: true });
      const json = JSON.stringify(patch);
      const rows = await db.$queryRaw<Array<{ template: StoredTemplate }>>`
        INSERT INTO "Policy" ("id", "type", "tenantId", "config", "updatedAt")
        VALUES (${TEMPLATES_ID}, 'MAIL_TEMPLATES'::"PolicyType", NULL,
          jsonb_build_object('templates', jsonb_build_object(${type}::text, ${fresh}::jsonb || ${json}::jsonb)), ${now})
        ON CONFLICT ("id") DO UPDATE SET
          "config" = "Policy"."config" || jsonb_build_object('templates', COALESCE("Policy"."config"->'templates', '{}'::jsonb)
            || jsonb_build_object(${type}::text, ${fresh}::jsonb || COALESCE("Policy"."config"->'templates'->${type}::text, '{}'::jsonb) || ${json}::jsonb)),
          "updatedAt" = ${now}
        RETURNING "config"->'templates'->${type}::text AS template`;
      return templateView(type, rows[0]!.template);
    },

    /** Removes a stored template by its id: that type's mail is the built-in one again. */
    async deleteTemplate(templateId: string) {
      const found = await db.$queryRaw<Array<{ type: string }>>`
        SELECT t.key AS type FROM "Policy" p, jsonb_each(COALESCE(p."config"->'templates', '{}'::jsonb)) t
        WHERE p."id" = ${TEMPLATES_ID} AND t.value->>'id' = ${templateId}`;
      const type = found[0]?.type ?? fail('mail_template_not_found');
      // Guarded by the id: a template replaced in between is not removed by the stale id.
      const count = await db.$executeRaw`
        UPDATE "Policy" SET "config" = "config" #- ARRAY['templates', ${type}::text], "updatedAt" = ${clock.now()}
        WHERE "id" = ${TEMPLATES_ID} AND "config"->'templates'->${type}::text->>'id' = ${templateId}`;
      if (!count) fail('mail_template_not_found');
      return true;
    },
  };
}

export type MailConfigService = ReturnType<typeof createMailConfigService>;

// ---------------------------------------------------------------------------------------------
// Delivery

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const decodeEntities = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' })[e]!);

/**
 * Frontegg's placeholders, {{name}} (and {{{name}}}), replaced in one pass: a value is never
 * scanned again (a name containing "{{code}}" stays text), unknown names become empty, and
 * nothing in the template is evaluated. `encode` escapes values for the HTML body.
 */
export function fillPlaceholders(template: string, vars: Record<string, string>, encode: (s: string) => string): string {
  return template.replace(/\{\{\{?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}?\}\}/g, (_, key: string) => (Object.hasOwn(vars, key) ? encode(vars[key]!) : ''));
}

/** A plain-text part for a stored HTML template (links kept as "label: URL"). */
export function htmlToText(html: string): string {
  const stripTags = (s: string) => s.replace(/<[^>]*>/g, '');
  return decodeEntities(
    html
      .replace(/<(style|script|head|title)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a\s*>/gi, (_, d?: string, s?: string, label?: string) => {
        const text = stripTags(label ?? '').trim();
        const href = d ?? s ?? '';
        return text ? `${text}: ${href}` : href;
      })
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|h[1-6]|tr|li|table)\s*>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  )
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .concat('\n');
}

/** The template's redirect URL with the link's parameters (userId, token…) carried over. */
function rebaseLink(link: string, redirectURL: string): string {
  const url = new URL(redirectURL);
  for (const [k, v] of new URL(link).searchParams) url.searchParams.set(k, v);
  return url.toString();
}

/** The message as the vendor's stored template of its type makes it; null when that template is inactive. */
function applyStoredTemplate(m: MailMessage, stored: Record<string, StoredTemplate>): MailMessage | null {
  const t = m.template ? stored[m.template.type] : undefined;
  if (!m.template || !t) return m;
  // Frontegg: a template that is not active is not sent.
  if (t.active === false) return null;
  const def = defaultMailTemplate(m.template.type);
  if (!def) return m;
  const vars = { ...m.template.vars };
  if (t.redirectURL && vars.redirectURL) vars.redirectURL = rebaseLink(vars.redirectURL, t.redirectURL);
  const html = fillPlaceholders(t.htmlTemplate ?? def.htmlTemplate, vars, escapeHtml);
  const subject = fillPlaceholders(t.subject ?? def.subject, vars, (s) => s.replace(/[\r\n]+/g, ' '));
  const from = t.senderEmail ? (t.fromName ? { name: t.fromName, address: t.senderEmail } : t.senderEmail) : m.from;
  return { ...m, subject, html, text: htmlToText(html), ...(from ? { from } : {}) };
}

/**
 * The Mailer services use: delivery through the stored configuration when there is one (else
 * the environment's mailer), with stored templates applied. Reads the rows at each send, so a
 * change made by another instance takes effect at its next mail; `available` is as of the last
 * read (startup, every send, and every configuration change on any instance: the change feed's
 * `mail-config`, plus the refresh bound), since flows that need mail refuse without it.
 */
export function createConfiguredMailer(deps: Pick<Deps, 'db' | 'secrets' | 'logger' | 'changes'>, o: { base: Mailer; from: string }): Mailer & { reload(): Promise<void> } {
  const { db, secrets, logger, changes } = deps;
  let configured = false;
  let cached: { key: string; mailer: Mailer } | null = null;

  const transportFor = (row: { config: unknown; updatedAt: Date }): Mailer => {
    const key = `${row.updatedAt.toISOString()}:${JSON.stringify(row.config)}`;
    if (cached?.key === key) return cached.mailer;
    const c = row.config as StoredConfig;
    const secret = c.secretEncrypted ? secrets.decrypt(c.secretEncrypted) : null;
    const from = c.senderEmail ? (c.fromName ? `"${c.fromName.replace(/["\\\r\n]/g, '')}" <${c.senderEmail}>` : c.senderEmail) : o.from;
    let target: string | SmtpTarget;
    if (c.provider === 'sendgrid') target = { ...SENDGRID_SMTP, auth: { user: 'apikey', pass: secret ?? '' } };
    else if (c.host) target = { host: c.host, port: c.port ?? 587, secure: c.secure ?? false, ...(c.username ? { auth: { user: c.username, pass: secret ?? '' } } : {}) };
    else target = secret ?? '';
    cached = { key, mailer: createSmtpMailer(target, from) };
    return cached.mailer;
  };

  const rows = async () => {
    const found = await db.policy.findMany({ where: { id: { in: [CONFIG_ID, TEMPLATES_ID] } }, select: { id: true, config: true, updatedAt: true } });
    const config = found.find((r) => r.id === CONFIG_ID) ?? null;
    const templates = ((found.find((r) => r.id === TEMPLATES_ID)?.config ?? {}) as { templates?: Record<string, StoredTemplate> }).templates ?? {};
    configured = config !== null;
    return { config, templates };
  };

  // A notification reads again, after any read in flight (it may have started before the write);
  // `reload` joins the read in flight or queued. The writer publishes (its own notification starts
  // the read) and then awaits `reload`: one statement per change.
  let reloading: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const r = rows().then(() => {});
    reloading = r;
    const clear = () => {
      if (reloading === r) reloading = null;
    };
    r.then(clear, clear);
    return r;
  };
  const refresh = (): Promise<void> => {
    if (!reloading) return start();
    queued ??= reloading
      .catch(() => {})
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  };
  const reload = () => queued ?? reloading ?? start();
  changes.watch(MAIL_CONFIG_TOPIC, () => {
    refresh().catch((err: unknown) => logger.warn({ err }, 'mail configuration reload failed'));
  });

  return {
    get available() {
      return configured || o.base.available;
    },
    reload,
    async send(message) {
      const { config, templates } = await rows();
      const m = applyStoredTemplate(message, templates);
      if (!m) {
        logger.info({ to: message.to, type: message.template?.type }, 'mail template is inactive; mail not sent');
        return;
      }
      await (config ? transportFor(config) : o.base).send(m);
    },
  };
}
