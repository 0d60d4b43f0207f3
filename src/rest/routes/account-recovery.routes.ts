// Forgot password and account activation over Frontegg's paths. The rules (no enumeration,
// one-time tokens, policies) live in the password-reset and activation services.
import { z } from 'zod';
import {
  RestActivateUserDocument,
  RestActivationStrategyDocument,
  RestGenerateActivationLinkDocument,
  RestGeneratePasswordResetLinkDocument,
  RestRequestPasswordResetDocument,
  RestResendActivationEmailDocument,
  RestResetPasswordDocument,
  RestValidatePasswordResetTokenDocument,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { loginResponse } from '../frontegg.ts';

const str = z.string();
const optionalStr = z.string().nullish();
/** Accepted for compatibility; the default templates take no per-request metadata. */
const emailMetadata = z.record(z.string(), z.unknown()).nullish();

/** Frontegg documents {identifier, identifierType} while its v1 client sends {email}: accept both. */
const forgotPasswordBody = z.object({ email: optionalStr, identifier: optionalStr, identifierType: optionalStr, emailMetadata });
const forgotPasswordVariables = ({ body }: { body: z.infer<typeof forgotPasswordBody> }) => ({
  identifier: body.identifier ?? body.email ?? '',
  identifierType: body.identifier ? body.identifierType : 'email',
});

type LinkResult = { userId: string; token: string; link: string } | { __typename: string; code: string; message: string };
const linkResponse = (r: LinkResult) => ('link' in r ? { link: r.link, token: r.token, userId: r.userId } : r);

export const accountRecoveryRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/passwords/reset',
    summary: 'Reset password: emails a one-hour reset link (same answer for unknown addresses)',
    tags: ['Users'],
    body: forgotPasswordBody,
    document: RestRequestPasswordResetDocument,
    variables: forgotPasswordVariables,
    result: (d) => d.requestPasswordReset,
    response: (r) => ('accepted' in r ? {} : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v2/passwords/reset/email',
    summary: 'Reset password via email (same answer for unknown addresses)',
    tags: ['Users'],
    body: forgotPasswordBody,
    document: RestRequestPasswordResetDocument,
    variables: forgotPasswordVariables,
    result: (d) => d.requestPasswordReset,
    response: (r) => ('accepted' in r ? {} : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/passwords/reset/validate',
    summary: 'Validate a password reset token (called by the Frontegg client; not in the identity spec)',
    tags: ['Users'],
    body: z.object({ userId: str, token: str }),
    document: RestValidatePasswordResetTokenDocument,
    variables: ({ body }) => body,
    result: (d) => d.validatePasswordResetToken,
    response: (r) => ('valid' in r ? {} : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/passwords/reset/verify',
    summary: "Set a new password with a reset token (ends all the user's sessions, lifts a lockout)",
    tags: ['Users'],
    body: z.object({ userId: str, token: str, password: str }),
    document: RestResetPasswordDocument,
    variables: ({ body }) => body,
    result: (d) => d.resetPassword,
    response: (r) => ('userId' in r ? {} : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/{userId}/links/generate-password-reset-token',
    summary: 'Generate a password reset link without emailing it (vendor only)',
    tags: ['Users'],
    params: z.object({ userId: str }),
    document: RestGeneratePasswordResetLinkDocument,
    variables: ({ params }) => ({ userId: params.userId }),
    result: (d) => d.generatePasswordResetLink,
    response: linkResponse,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/v1/activate/strategy',
    summary: 'Get user activation strategy (whether activation needs a password)',
    tags: ['Users'],
    query: z.object({ userId: str, token: str }),
    document: RestActivationStrategyDocument,
    variables: ({ query }) => query,
    result: (d) => d.activationStrategy,
    response: (r) => ({ shouldSetPassword: r.shouldSetPassword }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/activate',
    summary: 'Activate user (verifies the email, sets the password if the user has none) and log in',
    tags: ['Users'],
    body: z.object({ userId: str, token: str, password: optionalStr, recaptchaToken: optionalStr, lastTermsCheck: optionalStr }),
    document: RestActivateUserDocument,
    variables: ({ body }) => ({ userId: body.userId, token: body.token, password: body.password }),
    result: (d) => d.activateUser,
    response: (r) => ('accessToken' in r ? loginResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/activate/reset',
    summary: 'Reset user activation token: emails a fresh activation link (same answer for unknown or verified addresses)',
    tags: ['Users'],
    body: z.object({ email: str, emailMetadata }),
    document: RestResendActivationEmailDocument,
    variables: ({ body }) => ({ email: body.email }),
    result: (d) => d.resendActivationEmail,
    response: (r) => ('accepted' in r ? {} : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/{userId}/links/generate-activation-token',
    summary: 'Generate an activation link without emailing it (vendor only)',
    tags: ['Users'],
    params: z.object({ userId: str }),
    document: RestGenerateActivationLinkDocument,
    variables: ({ params }) => ({ userId: params.userId }),
    result: (d) => d.generateActivationLink,
    response: linkResponse,
    status: 201,
  }),
];
