// Default emails, one per Frontegg template type. Links follow Frontegg's hosted-login shapes
// (/account/reset-password?userId=…&token=…, /account/activate?userId=…&token=…) so an app built
// on Frontegg's login box handles them unchanged. Everything interpolated into HTML is escaped.
import type { MailMessage } from '../../platform/mail.ts';

export type TemplateType = 'ResetPassword' | 'ActivateUser' | 'SignUpAttempt' | 'MagicLink' | 'InviteToTenant';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `${appUrl}${path}?userId=…&token=…`, every parameter URL-encoded. */
export function accountLink(appUrl: string, path: string, params: Record<string, string>): string {
  const url = new URL(`${appUrl}${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export const resetPasswordLink = (appUrl: string, userId: string, token: string) =>
  accountLink(appUrl, '/account/reset-password', { userId, token });

export const activationLink = (appUrl: string, userId: string, token: string) =>
  accountLink(appUrl, '/account/activate', { userId, token });

/** Frontegg's hosted login accepts an invitation from ?userId=…&token=… on this path. */
export const invitationLink = (appUrl: string, userId: string, token: string) =>
  accountLink(appUrl, '/account/invitation/accept', { userId, token });

/** Frontegg's hosted login reads a magic-link token from ?token=… on this path. */
export const magicLinkLink = (appUrl: string, token: string) => accountLink(appUrl, '/account/login/magic-link', { token });

/** Frontegg's hosted login page: the sign-up-attempt notice points there (no token in it). */
export const loginLink = (appUrl: string) => accountLink(appUrl, '/account/login', {});

interface TemplateInput {
  to: string;
  name: string | null;
  link: string;
  /** Minutes the link stays valid; absent for a plain link that does not expire (a notice). */
  validForMinutes?: number;
}

const COPY: Record<TemplateType, { subject: string; intro: string; action: string }> = {
  ResetPassword: {
    subject: 'Reset your password',
    intro: 'Someone asked to reset the password of your account. If it was you, follow the link below; otherwise ignore this email.',
    action: 'Reset password',
  },
  ActivateUser: {
    subject: 'Activate your account',
    intro: 'Welcome! Follow the link below to activate your account.',
    action: 'Activate account',
  },
  // Sent instead of an answer that would reveal the address is registered (sign-up no-enumeration).
  SignUpAttempt: {
    subject: 'Someone tried to create an account with your address',
    intro:
      'Someone tried to create a new account with this email address, which already has an account. If it was you, log in, or reset your password if you forgot it. Otherwise you can ignore this email: nothing was changed.',
    action: 'Log in',
  },
  InviteToTenant: {
    subject: "You've been invited",
    intro: 'You have been invited to join an account. Follow the link below to accept the invitation.',
    action: 'Accept invitation',
  },
  MagicLink: {
    subject: 'Your login link',
    intro: 'Someone asked to log in to your account. If it was you, follow the link below; otherwise ignore this email.',
    action: 'Log in',
  },
};

/**
 * The Frontegg template type each Gatehouse mail is the default of: a vendor's stored template of
 * that type replaces it (src/services/mail/mail-config.service.ts). The sign-up-attempt notice has
 * no Frontegg counterpart, so it is always the built-in one.
 */
const LINK_TEMPLATE_TYPE: Record<TemplateType, string | null> = {
  ResetPassword: 'ResetPassword',
  ActivateUser: 'ActivateUser',
  SignUpAttempt: null,
  MagicLink: 'MagicLink',
  InviteToTenant: 'InviteToTenant',
};

const withTemplate = (m: MailMessage, type: string | null, vars: Record<string, string>): MailMessage =>
  type ? { ...m, template: { type, vars } } : m;

export function renderTemplate(type: TemplateType, input: TemplateInput): MailMessage {
  return withTemplate(renderBuiltIn(type, input), LINK_TEMPLATE_TYPE[type], { name: input.name ?? '', email: input.to, redirectURL: input.link });
}

function renderBuiltIn(type: TemplateType, input: TemplateInput): MailMessage {
  const copy = COPY[type];
  const greeting = input.name ? `Hi ${input.name},` : 'Hi,';
  const validity = input.validForMinutes === undefined ? null : `The link is valid for ${input.validForMinutes} minutes and can be used once.`;
  const text = [greeting, '', copy.intro, '', `${copy.action}: ${input.link}`, ...(validity ? ['', validity] : []), ''].join('\n');
  const html = [
    '<!doctype html><html><body>',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(copy.intro)}</p>`,
    `<p><a href="${escapeHtml(input.link)}">${escapeHtml(copy.action)}</a></p>`,
    ...(validity ? [`<p>${escapeHtml(validity)}</p>`] : []),
    '</body></html>',
  ].join('\n');
  return { to: input.to, subject: copy.subject, text, html };
}

/**
 * Frontegg's OTC email: the user types the code into the login box, so it carries the code
 * itself, not a link.
 */
export function renderLoginCodeTemplate(input: { to: string; name: string | null; code: string; validForMinutes: number }): MailMessage {
  return withTemplate(renderLoginCodeBuiltIn(input), 'OTC', { name: input.name ?? '', email: input.to, code: input.code });
}

function renderLoginCodeBuiltIn(input: { to: string; name: string | null; code: string; validForMinutes: number }): MailMessage {
  const greeting = input.name ? `Hi ${input.name},` : 'Hi,';
  const intro = 'Someone asked to log in to your account. If it was you, enter the code below; otherwise ignore this email.';
  const validity = `The code is valid for ${input.validForMinutes} minutes and can be used once.`;
  const text = [greeting, '', intro, '', `Login code: ${input.code}`, '', validity, ''].join('\n');
  const html = [
    '<!doctype html><html><body>',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    `<p>Login code: <strong>${escapeHtml(input.code)}</strong></p>`,
    `<p>${escapeHtml(validity)}</p>`,
    '</body></html>',
  ].join('\n');
  return { to: input.to, subject: 'Your login code', text, html };
}

/** A code the user types in (email change): the email carries the code itself, not a link. */
const CODE_COPY = {
  EmailChange: {
    subject: 'Confirm your new email address',
    intro: 'Someone asked to use this address for their account. If it was you, enter the code below; otherwise ignore this email.',
  },
  // The second factor of a login whose password was already right.
  MfaCode: {
    subject: 'Your verification code',
    intro: 'Someone signed in to your account with your password and needs this code to finish. If it was not you, change your password.',
  },
  // The code strategies (activation / invitation strategy 'code') mail a code instead of a link.
  ActivateUser: {
    subject: 'Activate your account',
    intro: 'Welcome! Enter the code below to activate your account.',
  },
  InviteToTenant: {
    subject: "You've been invited",
    intro: 'You have been invited to join an account. Enter the code below to accept the invitation.',
  },
} as const;

const CODE_TEMPLATE_TYPE: Record<keyof typeof CODE_COPY, string> = {
  EmailChange: 'VerifyNewEmail',
  MfaCode: 'MFAOTC',
  ActivateUser: 'ActivateUserWithCode',
  InviteToTenant: 'InviteToTenantWithCode',
};

export function renderCodeTemplate(type: keyof typeof CODE_COPY, input: { to: string; name: string | null; code: string; validForMinutes: number }): MailMessage {
  return withTemplate(renderCodeBuiltIn(type, input), CODE_TEMPLATE_TYPE[type], { name: input.name ?? '', email: input.to, code: input.code });
}

function renderCodeBuiltIn(type: keyof typeof CODE_COPY, input: { to: string; name: string | null; code: string; validForMinutes: number }): MailMessage {
  const copy = CODE_COPY[type];
  const greeting = input.name ? `Hi ${input.name},` : 'Hi,';
  const validity = `The code is valid for ${input.validForMinutes} minutes and can be used once.`;
  const text = [greeting, '', copy.intro, '', `Code: ${input.code}`, '', validity, ''].join('\n');
  const html = [
    '<!doctype html><html><body>',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(copy.intro)}</p>`,
    `<p>Code: <strong>${escapeHtml(input.code)}</strong></p>`,
    `<p>${escapeHtml(validity)}</p>`,
    '</body></html>',
  ].join('\n');
  return { to: input.to, subject: copy.subject, text, html };
}

/**
 * The built-in mail of a Frontegg template type, written as a template with Frontegg's
 * placeholders ({{name}}, {{redirectURL}}, {{code}}): what GET /configs/{type}/default answers and
 * what a stored template of that type starts from when it gives no subject or body. Null for the
 * types Gatehouse never sends.
 */
export function defaultMailTemplate(fronteggType: string): { subject: string; htmlTemplate: string } | null {
  const page = (lines: string[]) => ['<!doctype html><html><body>', '<p>Hi {{name}},</p>', ...lines, '</body></html>'].join('\n');
  const linkType = (Object.keys(LINK_TEMPLATE_TYPE) as TemplateType[]).find((k) => LINK_TEMPLATE_TYPE[k] === fronteggType);
  if (linkType) {
    const copy = COPY[linkType];
    return { subject: copy.subject, htmlTemplate: page([`<p>${escapeHtml(copy.intro)}</p>`, `<p><a href="{{redirectURL}}">${escapeHtml(copy.action)}</a></p>`]) };
  }
  const codeType = (Object.keys(CODE_TEMPLATE_TYPE) as Array<keyof typeof CODE_COPY>).find((k) => CODE_TEMPLATE_TYPE[k] === fronteggType);
  if (codeType) {
    const copy = CODE_COPY[codeType];
    return { subject: copy.subject, htmlTemplate: page([`<p>${escapeHtml(copy.intro)}</p>`, '<p>Code: <strong>{{code}}</strong></p>']) };
  }
  if (fronteggType === 'OTC') {
    return {
      subject: 'Your login code',
      htmlTemplate: page([`<p>${escapeHtml('Someone asked to log in to your account. If it was you, enter the code below; otherwise ignore this email.')}</p>`, '<p>Login code: <strong>{{code}}</strong></p>']),
    };
  }
  if (fronteggType === 'UnlockUser') {
    return {
      subject: 'Your account was locked',
      htmlTemplate: page([
        `<p>${escapeHtml('Your account was locked after too many failed login attempts. If it was you, follow the link below to unlock it; if not, consider resetting your password.')}</p>`,
        '<p><a href="{{redirectURL}}">Unlock account</a></p>',
      ]),
    };
  }
  return null;
}
