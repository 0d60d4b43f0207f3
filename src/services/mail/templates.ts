// Default emails, one per Frontegg template type. Links follow Frontegg's hosted-login shapes
// (/account/reset-password?userId=…&token=…, /account/activate?userId=…&token=…) so an app built
// on Frontegg's login box handles them unchanged. Everything interpolated into HTML is escaped.
import type { MailMessage } from '../../platform/mail.ts';

export type TemplateType = 'ResetPassword' | 'ActivateUser';

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

interface TemplateInput {
  to: string;
  name: string | null;
  link: string;
  /** Minutes the link stays valid. */
  validForMinutes: number;
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
};

export function renderTemplate(type: TemplateType, input: TemplateInput): MailMessage {
  const copy = COPY[type];
  const greeting = input.name ? `Hi ${input.name},` : 'Hi,';
  const validity = `The link is valid for ${input.validForMinutes} minutes and can be used once.`;
  const text = [greeting, '', copy.intro, '', `${copy.action}: ${input.link}`, '', validity, ''].join('\n');
  const html = [
    '<!doctype html><html><body>',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(copy.intro)}</p>`,
    `<p><a href="${escapeHtml(input.link)}">${escapeHtml(copy.action)}</a></p>`,
    `<p>${escapeHtml(validity)}</p>`,
    '</body></html>',
  ].join('\n');
  return { to: input.to, subject: copy.subject, text, html };
}
