// The vendor's mail delivery configuration and mail templates. The provider secret is write-only:
// no field returns it (hasSecret tells whether one is stored).
import type { MailConfigView, MailTemplateView } from '../../services/mail/mail-config.service.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const MailConfiguration = builder.objectRef<MailConfigView>('MailConfiguration').implement({
  description: "The vendor's mail delivery settings (mail is sent through them). The secret is never returned.",
  fields: (t) => ({
    provider: t.exposeString('provider', { description: 'smtp or sendgrid (over SendGrid SMTP).' }),
    senderEmail: t.exposeString('senderEmail', { nullable: true, description: 'The From address, unless a template names its own.' }),
    fromName: t.exposeString('fromName', { nullable: true }),
    host: t.exposeString('host', { nullable: true }),
    port: t.exposeInt('port', { nullable: true }),
    secure: t.exposeBoolean('secure', { nullable: true, description: 'TLS from the first byte (port 465); otherwise STARTTLS when offered.' }),
    username: t.exposeString('username', { nullable: true }),
    hasSecret: t.exposeBoolean('hasSecret'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const MailTemplate = builder.objectRef<MailTemplateView>('MailTemplate').implement({
  description: 'One type of mail: {{name}}, {{email}}, {{redirectURL}} and {{code}} are replaced (HTML-escaped) when it is sent.',
  fields: (t) => ({
    id: t.exposeString('id', { nullable: true, description: 'Null for the built-in default.' }),
    type: t.exposeString('type', { description: "Frontegg's template type (ResetPassword, ActivateUser, MagicLink, OTC…)." }),
    subject: t.exposeString('subject'),
    htmlTemplate: t.exposeString('htmlTemplate'),
    senderEmail: t.exposeString('senderEmail', { nullable: true }),
    fromName: t.exposeString('fromName', { nullable: true }),
    redirectURL: t.exposeString('redirectURL', { nullable: true, description: "Replaces the link's base; its parameters (userId, token) are kept." }),
    successRedirectUrl: t.exposeString('successRedirectUrl', { nullable: true }),
    active: t.exposeBoolean('active', { description: 'An inactive template means that mail is not sent.' }),
    isDefault: t.exposeBoolean('isDefault'),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true }),
  }),
});

const MailConfigurationInput = builder.inputType('MailConfigurationInput', {
  fields: (t) => ({
    provider: t.string({ required: false, description: 'smtp or sendgrid (the default). Other providers answer mail_provider_not_supported.' }),
    secret: t.string({ required: false, description: 'SendGrid API key, SMTP password, or a whole smtp(s):// URL. Stored encrypted, never returned; omit to keep.' }),
    senderEmail: t.string({ required: false }),
    fromName: t.string({ required: false }),
    host: t.string({ required: false }),
    port: t.int({ required: false }),
    secure: t.boolean({ required: false }),
    username: t.string({ required: false }),
  }),
});

const MailTemplateInput = builder.inputType('MailTemplateInput', {
  fields: (t) => ({
    type: t.string(),
    subject: t.string({ required: false }),
    htmlTemplate: t.string({ required: false }),
    senderEmail: t.string({ required: false }),
    fromName: t.string({ required: false }),
    redirectURL: t.string({ required: false }),
    successRedirectUrl: t.string({ required: false }),
    active: t.boolean({ required: false }),
  }),
});

const MailDone = builder.objectRef<{ done: boolean }>('MailDone').implement({
  fields: (t) => ({ done: t.exposeBoolean('done') }),
});

builder.queryFields((t) => ({
  mailConfiguration: t.field({
    type: MailConfiguration,
    nullable: true,
    description: 'Vendor only: the mail delivery settings (null when none are stored: the environment SMTP is used).',
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.mailConfig.getConfig(),
  }),
  mailTemplates: t.field({
    type: [MailTemplate],
    description: "Vendor only: the vendor's stored templates; with a type, that type's template (stored, else the default).",
    authScopes: { vendor: true },
    args: { type: t.arg.string({ required: false }) },
    resolve: (_root, { type }, ctx) => ctx.services.mailConfig.templates(type),
  }),
  defaultMailTemplate: t.field({
    type: MailTemplate,
    description: 'Vendor only: the built-in template of a type.',
    authScopes: { vendor: true },
    args: { type: t.arg.string() },
    resolve: (_root, { type }, ctx) => ctx.services.mailConfig.defaultTemplate(type),
  }),
}));

builder.mutationFields((t) => ({
  setMailConfiguration: t.field({
    type: MailConfiguration,
    description: 'Vendor only: creates or replaces the mail delivery settings; mail is sent through them from now on.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { input: t.arg({ type: MailConfigurationInput }) },
    resolve: (_root, { input }, ctx) => ctx.services.mailConfig.setConfig(input),
  }),
  deleteMailConfiguration: t.field({
    type: MailDone,
    description: "Vendor only: removes the mail delivery settings (the environment's SMTP is used again).",
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    resolve: async (_root, _args, ctx) => ({ done: await ctx.services.mailConfig.deleteConfig() }),
  }),
  setMailTemplate: t.field({
    type: MailTemplate,
    description: "Vendor only: adds or updates a type's template (omitted fields keep their value).",
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { input: t.arg({ type: MailTemplateInput }) },
    resolve: (_root, { input }, ctx) => ctx.services.mailConfig.setTemplate(input),
  }),
  deleteMailTemplate: t.field({
    type: MailDone,
    description: 'Vendor only: removes a stored template (the built-in mail is sent again).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { id: t.arg.string() },
    resolve: async (_root, { id }, ctx) => ({ done: await ctx.services.mailConfig.deleteTemplate(id) }),
  }),
}));
