// Passwordless login by email over Frontegg's paths (magic link and OTC). The rules (no
// enumeration, single-use tokens, attempt limit, MFA after the email step) live in
// passwordless.service; the postlogin answers are the password-login shapes.
import { z } from 'zod';
import {
  RestLoginWithCodeDocument,
  RestLoginWithMagicLinkDocument,
  RestRequestLoginCodeDocument,
  RestRequestMagicLinkDocument,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { loginResponse, mfaRequiredResponse } from '../frontegg.ts';

const str = z.string();
const optionalStr = z.string().nullish();

/** Frontegg lists email, userId and username; Gatehouse identifies passwordless users by email. */
const preloginBody = z.object({ email: str, userId: optionalStr, username: optionalStr, recaptchaToken: optionalStr, invitationToken: optionalStr });

type LoginUnion = Parameters<typeof loginResponse>[0] | Parameters<typeof mfaRequiredResponse>[0] | { __typename: string; code: string; message: string };
/** A session, or (authenticator enrolled) the MFA step: no tokens, no cookie. */
const postloginResponse = (r: LoginUnion) => ('accessToken' in r ? loginResponse(r) : 'mfaToken' in r ? mfaRequiredResponse(r) : r);

export const passwordlessRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/passwordless/magiclink/prelogin',
    summary: 'Magic link prelogin: emails a 15-minute login link (same answer for unknown addresses)',
    tags: ['Passwordless'],
    body: preloginBody,
    document: RestRequestMagicLinkDocument,
    variables: ({ body }) => ({ email: body.email }),
    result: (d) => d.requestMagicLink,
    response: (r) => ('accepted' in r ? {} : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/passwordless/magiclink/postlogin',
    summary: 'Magic link postlogin: logs in with the emailed token (once); may answer the MFA step',
    tags: ['Passwordless'],
    body: z.object({ token: str, recaptchaToken: optionalStr, invitationToken: optionalStr }),
    document: RestLoginWithMagicLinkDocument,
    variables: ({ body }) => ({ token: body.token }),
    result: (d) => d.loginWithMagicLink,
    response: postloginResponse,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/passwordless/code/prelogin',
    summary: 'OTC prelogin: emails a 10-minute 6-digit login code (same answer for unknown addresses)',
    tags: ['Passwordless'],
    body: preloginBody,
    document: RestRequestLoginCodeDocument,
    variables: ({ body }) => ({ email: body.email }),
    result: (d) => d.requestLoginCode,
    response: (r) => ('accepted' in r ? {} : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/passwordless/code/postlogin',
    // A 6-digit code cannot name its user (codes are per user and attempt-limited per user), so
    // the email of the prelogin is required next to Frontegg's `token` (the code).
    summary: 'OTC postlogin: logs in with the emailed code ({token, email}); 5 tries per code; may answer the MFA step',
    tags: ['Passwordless'],
    body: z.object({ token: str, email: str, recaptchaToken: optionalStr, invitationToken: optionalStr }),
    document: RestLoginWithCodeDocument,
    variables: ({ body }) => ({ email: body.email, code: body.token }),
    result: (d) => d.loginWithCode,
    response: postloginResponse,
    status: 201,
  }),
];
