// The vendor's SMS configuration: provider settings (a write-only token, never returned) and
// per-type message templates with a {{code}} placeholder. Both are vendor-wide Policy rows
// (SMS_PROVIDER, SMS_TEMPLATES). Delivery itself goes through the SmsSender from the
// environment (GATEHOUSE_SMS_URL); the stored sender name, when set, becomes the message's `from`.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma, Tx } from '../../platform/db.ts';
import type { SmsMessage } from '../../platform/sms.ts';
import type { Deps } from '../deps.ts';
import { upsertPolicyRow, vendorPolicyRowId } from '../policies/policy-rows.ts';
import { parseInput } from '../validation.ts';

export const SMS_TEMPLATE_TYPES = ['VerifyPhone', 'MfaVerifyCode', 'PasswordlessLogin', 'ResetPassword'] as const;
export type SmsTemplateType = (typeof SMS_TEMPLATE_TYPES)[number];

const DEFAULT_BODIES: Record<SmsTemplateType, string> = {
  VerifyPhone: 'Your phone verification code is {{code}}. It expires in 10 minutes.',
  MfaVerifyCode: 'Your verification code is {{code}}. It expires in 10 minutes. Never share it.',
  PasswordlessLogin: 'Your login code is {{code}}. It expires in 10 minutes. Never share it.',
  ResetPassword: 'Your password reset code is {{code}}. It expires in 10 minutes. If you did not ask for it, ignore this message.',
};

export interface SmsTemplateView {
  type: SmsTemplateType;
  body: string;
  senderName: string | null;
  active: boolean;
  isDefault: boolean;
}

interface StoredTemplate {
  body: string;
  senderName: string | null;
  active: boolean;
}

export interface SmsConfigView {
  provider: string | null;
  accountId: string | null;
  serviceId: string | null;
  senderName: string | null;
  channel: string | null;
  /** Whether a token is stored; the token itself never leaves. */
  hasToken: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface StoredConfig {
  provider?: string | null;
  accountId?: string | null;
  serviceId?: string | null;
  senderName?: string | null;
  channel?: string | null;
  tokenEncrypted?: string | null;
}

const optionalText = (max: number) => z.string().trim().max(max).nullish();
const ConfigInput = z.object({
  provider: optionalText(64),
  accountId: optionalText(255),
  serviceId: optionalText(255),
  senderName: optionalText(64),
  channel: optionalText(64),
  token: z.string().max(1024).nullish(),
});

const TemplateInput = z.object({
  body: z
    .string()
    .trim()
    .min(1, 'body is required')
    .max(640)
    .refine((b) => b.includes('{{code}}'), 'body must contain the {{code}} placeholder'),
  senderName: optionalText(64),
  active: z.boolean().nullish(),
});

const templateType = (raw: string): SmsTemplateType =>
  (SMS_TEMPLATE_TYPES as readonly string[]).includes(raw) ? (raw as SmsTemplateType) : fail('sms_template_type_unknown');

const defaultTemplate = (type: SmsTemplateType): SmsTemplateView => ({ type, body: DEFAULT_BODIES[type], senderName: null, active: true, isDefault: true });

async function storedTemplates(db: Tx): Promise<Partial<Record<SmsTemplateType, StoredTemplate>>> {
  const row = await db.policy.findUnique({ where: { id: vendorPolicyRowId('SMS_TEMPLATES') }, select: { config: true } });
  const config = (row?.config ?? {}) as { templates?: Record<string, StoredTemplate> };
  return config.templates ?? {};
}

async function storedConfig(db: Tx) {
  return db.policy.findUnique({ where: { id: vendorPolicyRowId('SMS_PROVIDER') }, select: { config: true, createdAt: true, updatedAt: true } });
}

/** The message for a code: the vendor's active template of that type, else the default. */
export async function renderSms(db: Tx, type: SmsTemplateType, vars: { code: string; to: string }): Promise<SmsMessage> {
  const [templates, config] = await Promise.all([storedTemplates(db), storedConfig(db)]);
  const t = templates[type];
  const body = t?.active ? t.body : DEFAULT_BODIES[type];
  const sender = t?.active && t.senderName ? t.senderName : ((config?.config ?? {}) as StoredConfig).senderName;
  return { to: vars.to, body: body.replaceAll('{{code}}', vars.code), from: sender ?? null, template: type };
}

export function createSmsConfigService(deps: Pick<Deps, 'db' | 'secrets' | 'clock'>) {
  const { db, secrets, clock } = deps;

  const view = (row: NonNullable<Awaited<ReturnType<typeof storedConfig>>>): SmsConfigView => {
    const c = row.config as StoredConfig;
    return {
      provider: c.provider ?? null,
      accountId: c.accountId ?? null,
      serviceId: c.serviceId ?? null,
      senderName: c.senderName ?? null,
      channel: c.channel ?? null,
      hasToken: Boolean(c.tokenEncrypted),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  };

  const templateId = vendorPolicyRowId('SMS_TEMPLATES');

  return {
    async getConfig(): Promise<SmsConfigView | null> {
      const row = await storedConfig(db);
      return row ? view(row) : null;
    },

    /** Creates or replaces the settings. An omitted token keeps the stored one (it is write-only). */
    async setConfig(raw: z.input<typeof ConfigInput>): Promise<SmsConfigView> {
      const input = parseInput(ConfigInput, raw);
      const previous = ((await storedConfig(db))?.config ?? {}) as StoredConfig;
      const tokenEncrypted = input.token ? secrets.encrypt(input.token) : input.token === '' ? null : (previous.tokenEncrypted ?? null);
      const config: Prisma.InputJsonObject = {
        provider: input.provider ?? null,
        accountId: input.accountId ?? null,
        serviceId: input.serviceId ?? null,
        senderName: input.senderName ?? null,
        channel: input.channel ?? null,
        tokenEncrypted,
      };
      await upsertPolicyRow(db, 'SMS_PROVIDER', null, config);
      return view((await storedConfig(db))!);
    },

    async deleteConfig() {
      const { count } = await db.policy.deleteMany({ where: { id: vendorPolicyRowId('SMS_PROVIDER') } });
      if (!count) fail('sms_config_not_found');
      return true;
    },

    /** The vendor's own templates (types without one use the default). */
    async templates(): Promise<SmsTemplateView[]> {
      const stored = await storedTemplates(db);
      return SMS_TEMPLATE_TYPES.flatMap((type) => {
        const t = stored[type];
        return t ? [{ type, body: t.body, senderName: t.senderName, active: t.active, isDefault: false }] : [];
      });
    },

    async template(rawType: string): Promise<SmsTemplateView> {
      const type = templateType(rawType);
      const t = (await storedTemplates(db))[type] ?? fail('sms_template_not_found');
      return { type, body: t.body, senderName: t.senderName, active: t.active, isDefault: false };
    },

    defaultTemplates: (): SmsTemplateView[] => SMS_TEMPLATE_TYPES.map(defaultTemplate),

    defaultTemplate: (rawType: string): SmsTemplateView => defaultTemplate(templateType(rawType)),

    /**
     * Creates or replaces one type's template in a single statement (a JSON merge in the upsert),
     * so two vendors' edits of different types cannot overwrite each other.
     */
    async setTemplate(rawType: string, raw: z.input<typeof TemplateInput>): Promise<SmsTemplateView> {
      const type = templateType(rawType);
      const input = parseInput(TemplateInput, raw);
      const stored: StoredTemplate = { body: input.body, senderName: input.senderName ?? null, active: input.active ?? true };
      const json = JSON.stringify(stored);
      const now = clock.now();
      await db.$executeRaw`
        INSERT INTO "Policy" ("id", "type", "tenantId", "config", "updatedAt")
        VALUES (${templateId}, 'SMS_TEMPLATES'::"PolicyType", NULL, jsonb_build_object('templates', jsonb_build_object(${type}::text, ${json}::jsonb)), ${now})
        ON CONFLICT ("id") DO UPDATE SET
          "config" = "Policy"."config" || jsonb_build_object('templates', COALESCE("Policy"."config"->'templates', '{}'::jsonb) || jsonb_build_object(${type}::text, ${json}::jsonb)),
          "updatedAt" = ${now}`;
      return { type, ...stored, isDefault: false };
    },

    async deleteTemplate(rawType: string) {
      const type = templateType(rawType);
      const count = await db.$executeRaw`
        UPDATE "Policy" SET "config" = "config" #- ARRAY['templates', ${type}::text], "updatedAt" = ${clock.now()}
        WHERE "id" = ${templateId} AND jsonb_exists(COALESCE("config"->'templates', '{}'::jsonb), ${type}::text)`;
      if (!count) fail('sms_template_not_found');
      return true;
    },
  };
}

export type SmsConfigService = ReturnType<typeof createSmsConfigService>;
