// The MFA step of a login beyond the authenticator code (mfa.routes.ts): enrolling an
// authenticator when the policy forces MFA and the user has none, and the emailed code. Each
// completion answers Frontegg's login response and sets the refresh cookie (and the device
// cookie when rememberDevice was asked and allowed).
import { z } from 'zod';
import {
  RestEnrollAuthenticatorMfaAtLoginDocument,
  RestRequestMfaEmailCodeDocument,
  RestVerifyAuthenticatorMfaEnrollmentAtLoginDocument,
  RestVerifyMfaEmailCodeDocument,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { loginResponse } from '../frontegg.ts';

const str = z.string();
const A = '/resources/auth/v1/user/mfa';

export const mfaLoginRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${A}/authenticator/enroll`,
    summary: 'Pre enroll MFA using Authenticator App during login (forced MFA, no device yet): returns the QR code',
    tags: ['MFA'],
    body: z.object({ mfaToken: str }),
    document: RestEnrollAuthenticatorMfaAtLoginDocument,
    variables: ({ body }) => ({ mfaToken: body.mfaToken }),
    result: (d) => d.enrollAuthenticatorMfaAtLogin,
    response: (r) => ('qrCode' in r ? { qrCode: r.qrCode } : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${A}/authenticator/enroll/verify`,
    summary: 'Enroll MFA using Authenticator App during login: enrols the device and completes the login (with a recovery code)',
    tags: ['MFA'],
    body: z.object({ mfaToken: str, token: str, rememberDevice: z.boolean().nullish() }),
    document: RestVerifyAuthenticatorMfaEnrollmentAtLoginDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.verifyAuthenticatorMfaEnrollmentAtLogin,
    response: (r) => ('authResponse' in r ? { ...loginResponse(r.authResponse), recoveryCode: r.recoveryCode } : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${A}/emailcode`,
    summary: 'Request verify MFA using email code (EmailCode strategy): mails a 6-digit code, answers the otcToken',
    tags: ['MFA'],
    body: z.object({ mfaToken: str }),
    document: RestRequestMfaEmailCodeDocument,
    variables: ({ body }) => ({ mfaToken: body.mfaToken }),
    result: (d) => d.requestMfaEmailCode,
    response: (r) => ('otcToken' in r ? { otcToken: r.otcToken } : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `${A}/emailcode/verify`,
    summary: 'Verify MFA using email code (single use, 5 tries, 10 minutes) and complete the login',
    tags: ['MFA'],
    body: z.object({ mfaToken: str, otcToken: str.nullish(), code: str.nullish(), rememberDevice: z.boolean().nullish() }),
    document: RestVerifyMfaEmailCodeDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.verifyMfaEmailCode,
    response: (r) => ('accessToken' in r ? loginResponse(r) : r),
    status: 201,
  }),
];
