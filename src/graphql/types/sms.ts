// SMS: the vendor's configuration and templates, the development outbox, and the public SMS-code
// flows (passwordless login, password reset). The provider token is write-only: no field returns it.
import { fail } from '../../errors/domain-errors.ts';
import type { OutboxSms } from '../../platform/sms.ts';
import type { SmsConfigView, SmsTemplateView } from '../../services/sms/sms-config.service.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { LoginResult, loginOutcome } from './auth.ts';

const SmsOutboxMessage = builder.objectRef<OutboxSms>('SmsOutboxMessage').implement({
  description: 'An SMS kept in the development outbox (no provider configured).',
  fields: (t) => ({
    to: t.exposeString('to'),
    body: t.exposeString('body'),
    from: t.exposeString('from', { nullable: true }),
    sentAt: t.expose('sentAt', { type: 'DateTime' }),
  }),
});

const SmsConfiguration = builder.objectRef<SmsConfigView>('SmsConfiguration').implement({
  description: "The vendor's SMS provider settings. The token is never returned; hasToken tells whether one is stored.",
  fields: (t) => ({
    provider: t.exposeString('provider', { nullable: true }),
    accountId: t.exposeString('accountId', { nullable: true }),
    serviceId: t.exposeString('serviceId', { nullable: true }),
    senderName: t.exposeString('senderName', { nullable: true, description: "Sent as the message's `from` unless a template names its own." }),
    channel: t.exposeString('channel', { nullable: true }),
    hasToken: t.exposeBoolean('hasToken'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const SmsTemplate = builder.objectRef<SmsTemplateView>('SmsTemplate').implement({
  description: 'The text of one kind of SMS; {{code}} is replaced by the code.',
  fields: (t) => ({
    type: t.exposeString('type', { description: 'VerifyPhone, MfaVerifyCode, PasswordlessLogin or ResetPassword.' }),
    body: t.exposeString('body'),
    senderName: t.exposeString('senderName', { nullable: true }),
    active: t.exposeBoolean('active', { description: 'Inactive templates are stored but the default is sent.' }),
    isDefault: t.exposeBoolean('isDefault'),
  }),
});

const SmsConfigurationInput = builder.inputType('SmsConfigurationInput', {
  fields: (t) => ({
    provider: t.string({ required: false }),
    accountId: t.string({ required: false }),
    serviceId: t.string({ required: false }),
    senderName: t.string({ required: false }),
    channel: t.string({ required: false }),
    token: t.string({ required: false, description: 'Stored encrypted and never returned; omit to keep the stored one, "" to remove it.' }),
  }),
});

const SmsTemplateInput = builder.inputType('SmsTemplateInput', {
  fields: (t) => ({
    body: t.string({ description: 'Must contain {{code}}; at most 640 characters.' }),
    senderName: t.string({ required: false }),
    active: t.boolean({ required: false }),
  }),
});

const SmsDone = builder.objectRef<{ done: boolean }>('SmsDone').implement({
  fields: (t) => ({ done: t.exposeBoolean('done') }),
});

const SmsCodeSent = builder.objectRef<{ otcToken: string }>('SmsCodeSent').implement({
  description: 'A code was sent (or, where enumeration matters, the answer looks the same although nothing was). Verify with otcToken and the code.',
  fields: (t) => ({ otcToken: t.exposeString('otcToken', { description: 'Names the pending code; valid 10 minutes, 5 tries.' }) }),
});

const SmsPasswordResetSent = builder.objectRef<{ sessionId: string }>('SmsPasswordResetSent').implement({
  description: 'Same answer whether or not the user is known (only known users with a verified number get an SMS).',
  fields: (t) => ({ sessionId: t.exposeString('sessionId', { description: 'Pass with the code to verifySmsPasswordReset.' }) }),
});

const SmsPasswordResetToken = builder.objectRef<{ userId: string; token: string }>('SmsPasswordResetToken').implement({
  description: 'A password-reset token (as in an emailed link): set the new password with resetPassword.',
  fields: (t) => ({ userId: t.exposeID('userId'), token: t.exposeString('token') }),
});

builder.queryFields((t) => ({
  smsOutbox: t.field({
    type: [SmsOutboxMessage],
    description: 'Vendor only: the development outbox, newest first (only when no SMS provider is configured).',
    authScopes: { vendor: true },
    args: { to: t.arg.string({ required: false, description: 'Only messages to this E.164 number.' }), limit: t.arg.int({ required: false }) },
    resolve: (_root, { to, limit }, ctx) => {
      const outbox = ctx.services.smsOutbox() ?? fail('sms_outbox_not_available');
      const newestFirst = [...outbox].reverse().filter((m) => !to || m.to === to);
      return newestFirst.slice(0, Math.max(1, Math.min(limit ?? 200, 200)));
    },
  }),
  smsConfiguration: t.field({
    type: SmsConfiguration,
    nullable: true,
    description: "Vendor only: the SMS provider settings (null when none are stored). The token is masked (hasToken).",
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.smsConfig.getConfig(),
  }),
  smsTemplates: t.field({
    type: [SmsTemplate],
    description: "Vendor only: the vendor's own templates (other types send the default).",
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.smsConfig.templates(),
  }),
  smsTemplate: t.field({
    type: SmsTemplate,
    description: "Vendor only: the vendor's template of a type (sms_template_not_found when it has none).",
    authScopes: { vendor: true },
    args: { type: t.arg.string() },
    resolve: (_root, { type }, ctx) => ctx.services.smsConfig.template(type),
  }),
  defaultSmsTemplates: t.field({
    type: [SmsTemplate],
    description: 'Vendor only: the built-in templates.',
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.smsConfig.defaultTemplates(),
  }),
  defaultSmsTemplate: t.field({
    type: SmsTemplate,
    description: 'Vendor only: the built-in template of a type.',
    authScopes: { vendor: true },
    args: { type: t.arg.string() },
    resolve: (_root, { type }, ctx) => ctx.services.smsConfig.defaultTemplate(type),
  }),
}));

builder.mutationFields((t) => ({
  setSmsConfiguration: t.field({
    type: SmsConfiguration,
    description: 'Vendor only: creates or replaces the SMS provider settings.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { input: t.arg({ type: SmsConfigurationInput }) },
    resolve: (_root, { input }, ctx) => ctx.services.smsConfig.setConfig(input),
  }),
  deleteSmsConfiguration: t.field({
    type: SmsDone,
    description: 'Vendor only: removes the SMS provider settings.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    resolve: async (_root, _args, ctx) => ({ done: await ctx.services.smsConfig.deleteConfig() }),
  }),
  setSmsTemplate: t.field({
    type: SmsTemplate,
    description: "Vendor only: creates or replaces a type's template.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { type: t.arg.string(), input: t.arg({ type: SmsTemplateInput }) },
    resolve: (_root, { type, input }, ctx) => ctx.services.smsConfig.setTemplate(type, input),
  }),
  deleteSmsTemplate: t.field({
    type: SmsDone,
    description: "Vendor only: removes a type's template (the default is sent again).",
    errors: { types: MUTATION_ERRORS, directResult: true },
    authScopes: { vendor: true },
    args: { type: t.arg.string() },
    resolve: async (_root, { type }, ctx) => ({ done: await ctx.services.smsConfig.deleteTemplate(type) }),
  }),
  requestSmsLoginCode: t.field({
    type: SmsCodeSent,
    description: "Public: sends a 10-minute login code to the user's verified phone (named by the number or the email). Unknown users answer the same.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { phoneNumber: t.arg.string({ required: false }), email: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.smsLogin.requestLoginCode(args, ctx.client),
  }),
  loginWithSmsCode: t.field({
    type: LoginResult,
    description: 'Public: logs in with an SMS login code (once, 5 tries). With a second factor enrolled the answer is MfaRequired.',
    args: { otcToken: t.arg.string(), code: t.arg.string() },
    resolve: (_root, args, ctx) => loginOutcome(ctx, () => ctx.services.smsLogin.loginWithCode(args, ctx.client)),
  }),
  requestSmsPasswordReset: t.field({
    type: SmsPasswordResetSent,
    description: "Public: sends a 10-minute reset code to the user's verified phone. Unknown users answer the same.",
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { identifier: t.arg.string(), identifierType: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.smsLogin.requestPasswordReset({ identifier: args.identifier, identifierType: args.identifierType as never }, ctx.client),
  }),
  verifySmsPasswordReset: t.field({
    type: SmsPasswordResetToken,
    description: 'Public: trades the SMS reset code for a password-reset token (once, 5 tries).',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { sessionId: t.arg.string(), code: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.smsLogin.verifyPasswordReset(args, ctx.client),
  }),
}));

export { SmsCodeSent, SmsDone };
