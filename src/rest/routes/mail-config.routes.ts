// Mail over Frontegg's paths: the vendor's email provider configuration (v1 and v2 bodies) and its
// mail templates. Delivery through the stored configuration, the encrypted write-only secret and
// the template rules live in src/services/mail/mail-config.service.ts; routes only map shapes.
import { z } from 'zod';
import {
  RestDefaultMailTemplateDocument,
  RestDeleteMailConfigurationDocument,
  RestDeleteMailTemplateDocument,
  RestMailConfigurationDocument,
  RestMailTemplatesDocument,
  RestSetMailConfigurationDocument,
  RestSetMailTemplateDocument,
  type MailConfigurationFieldsFragment,
  type MailTemplateFieldsFragment,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { int32 } from '../headers.ts';

const str = z.string();
const optionalStr = z.string().nullish();

/** Every field but the secret, which never leaves (Frontegg's GET lists it; Gatehouse does not). */
const configResponse = (c: MailConfigurationFieldsFragment) => ({
  provider: c.provider,
  senderEmail: c.senderEmail ?? undefined,
  fromName: c.fromName ?? undefined,
  host: c.host ?? undefined,
  port: c.port ?? undefined,
  secure: c.secure ?? undefined,
  username: c.username ?? undefined,
  extension: [],
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

const templateResponse = (t: MailTemplateFieldsFragment) => ({
  id: t.id ?? undefined,
  type: t.type,
  subject: t.subject,
  htmlTemplate: t.htmlTemplate,
  senderEmail: t.senderEmail ?? undefined,
  fromName: t.fromName ?? undefined,
  redirectURL: t.redirectURL ?? undefined,
  successRedirectUrl: t.successRedirectUrl ?? undefined,
  active: t.active,
  createdAt: t.createdAt ?? undefined,
  updatedAt: t.updatedAt ?? undefined,
});

const configFields = {
  provider: optionalStr,
  senderEmail: optionalStr,
  fromName: optionalStr,
  host: optionalStr,
  port: int32.nullish(),
  secure: z.boolean().nullish(),
  username: optionalStr,
};
const configInput = (b: { secret?: string | null } & { [K in keyof typeof configFields]?: z.output<(typeof configFields)[K]> }) => ({
  provider: b.provider,
  secret: b.secret,
  senderEmail: b.senderEmail,
  fromName: b.fromName,
  host: b.host,
  port: b.port,
  secure: b.secure,
  username: b.username,
});
const configResult = (r: object) => ('hasSecret' in r ? configResponse(r as MailConfigurationFieldsFragment) : r);
const empty = (r: object) => ('done' in r ? {} : r);

const v2Config = z.object({ ...configFields, secret: optionalStr });

export const mailConfigRoutes = [
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/mail/v1/configurations',
    summary: 'Get the mail provider configuration (the secret is never returned)',
    tags: ['Mail configuration'],
    document: RestMailConfigurationDocument,
    variables: () => ({}),
    result: (d) => d.mailConfiguration,
    response: configResponse,
    notFound: 'mail_config_not_found',
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/mail/v1/configurations',
    summary: 'Create or update the mail provider configuration (smtp, or sendgrid when no provider is given)',
    tags: ['Mail configuration'],
    body: z.object({ ...configFields, secret: str }),
    document: RestSetMailConfigurationDocument,
    variables: ({ body }) => ({ input: configInput(body) }),
    result: (d) => d.setMailConfiguration,
    response: configResult,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/mail/v2/configurations',
    summary: 'Create or update the mail provider configuration (v2: the fields flat or under payload)',
    tags: ['Mail configuration'],
    body: z.union([z.object({ payload: v2Config }), v2Config]),
    document: RestSetMailConfigurationDocument,
    variables: ({ body }) => ({ input: configInput('payload' in body ? body.payload : body) }),
    result: (d) => d.setMailConfiguration,
    response: configResult,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/mail/v1/configurations',
    summary: "Delete the mail provider configuration (the environment's SMTP is used again)",
    tags: ['Mail configuration'],
    document: RestDeleteMailConfigurationDocument,
    variables: () => ({}),
    result: (d) => d.deleteMailConfiguration,
    response: empty,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/mail/v1/configs/templates',
    summary: 'Add or update the mail template of a type ({{name}}, {{email}}, {{redirectURL}}, {{code}} are filled in)',
    tags: ['Mail templates'],
    body: z.object({
      type: str,
      subject: optionalStr,
      htmlTemplate: optionalStr,
      senderEmail: optionalStr,
      fromName: optionalStr,
      redirectURL: optionalStr,
      successRedirectUrl: optionalStr,
      active: z.boolean().nullish(),
    }),
    document: RestSetMailTemplateDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.setMailTemplate,
    response: (r) => ('htmlTemplate' in r ? templateResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/mail/v1/configs/templates',
    summary: "Get the vendor's mail templates; with type, that type's template (stored, else the default)",
    tags: ['Mail templates'],
    query: z.object({ type: str.optional() }),
    document: RestMailTemplatesDocument,
    variables: ({ query }) => ({ type: query.type ?? null }),
    result: (d) => d.mailTemplates,
    response: (r, { query }) => (query.type ? templateResponse(r[0]!) : r.map(templateResponse)),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/mail/v1/configs/templates/{templateId}',
    summary: 'Delete a mail template (the built-in mail is sent again)',
    tags: ['Mail templates'],
    params: z.object({ templateId: str }),
    document: RestDeleteMailTemplateDocument,
    variables: ({ params }) => ({ id: params.templateId }),
    result: (d) => d.deleteMailTemplate,
    response: empty,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/mail/v1/configs/{type}/default',
    summary: 'Get the built-in mail template of a type',
    tags: ['Mail templates'],
    params: z.object({ type: str }),
    document: RestDefaultMailTemplateDocument,
    variables: ({ params }) => ({ type: params.type }),
    result: (d) => d.defaultMailTemplate,
    response: (t) => ({
      type: t.type,
      subject: t.subject,
      htmlTemplate: t.htmlTemplate,
      senderEmail: t.senderEmail ?? undefined,
      fromName: t.fromName ?? undefined,
      redirectURL: t.redirectURL ?? undefined,
      successRedirectUrl: t.successRedirectUrl ?? undefined,
      active: t.active,
    }),
    status: 200,
  }),
];
