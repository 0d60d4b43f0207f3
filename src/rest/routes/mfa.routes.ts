import { z } from 'zod';
import {
  RestDisableAuthenticatorMfaDocument,
  RestEnrollAuthenticatorMfaDocument,
  RestRecoverMfaDocument,
  RestUnenrollUserMfaDocument,
  RestVerifyAuthenticatorMfaEnrollmentDocument,
  RestVerifyMfaLoginDocument,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { loginResponse } from '../frontegg.ts';

const str = z.string();
const userHeader = z.object({
  'frontegg-user-id': str.optional().describe('The user a vendor call acts for; user tokens act for their own user'),
});
// rememberDevice: when the MFA policy allows it, the answer also sets the device cookie.
const mfaLoginBody = z.object({ mfaToken: str, value: str, rememberDevice: z.boolean().nullish() });
const codeBody = z.object({ token: str });

const verifyLogin = (path: string, summary: string) =>
  defineRoute({
    service: 'identity',
    method: 'POST',
    path,
    summary,
    tags: ['MFA'],
    body: mfaLoginBody,
    document: RestVerifyMfaLoginDocument,
    variables: ({ body, params }) => ({
      input: { mfaToken: body.mfaToken, value: body.value, deviceId: params.deviceId, rememberDevice: body.rememberDevice },
    }),
    result: (d) => d.verifyMfaLogin,
    response: (r) => ('accessToken' in r ? loginResponse(r) : r),
    status: 201,
  });

const enroll = (path: string) =>
  defineRoute({
    service: 'identity',
    method: 'POST',
    path,
    summary: 'Enroll authenticator app MFA (returns the QR code to scan)',
    tags: ['MFA'],
    headers: userHeader,
    document: RestEnrollAuthenticatorMfaDocument,
    variables: () => ({}),
    result: (d) => d.enrollAuthenticatorMfa,
    response: (r) => ('qrCode' in r ? { qrCode: r.qrCode } : r),
    status: 200,
  });

const verifyEnroll = (path: string) =>
  defineRoute({
    service: 'identity',
    method: 'POST',
    path,
    summary: 'Verify authenticator app MFA enrollment (returns a recovery code)',
    tags: ['MFA'],
    headers: userHeader,
    body: codeBody,
    document: RestVerifyAuthenticatorMfaEnrollmentDocument,
    variables: ({ body }) => ({ token: body.token }),
    result: (d) => d.verifyAuthenticatorMfaEnrollment,
    response: (r) => ('recoveryCode' in r ? { recoveryCode: r.recoveryCode } : r),
    status: 200,
  });

const disable = (path: string) =>
  defineRoute({
    service: 'identity',
    method: 'POST',
    path,
    summary: 'Disable authenticator app MFA (needs a current code or a recovery code)',
    tags: ['MFA'],
    headers: userHeader,
    body: codeBody,
    document: RestDisableAuthenticatorMfaDocument,
    variables: ({ body, params }) => ({ token: body.token, deviceId: params.deviceId }),
    result: (d) => d.disableAuthenticatorMfa,
    response: (r) => ('done' in r ? {} : r),
    status: 200,
  });

export const mfaRoutes = [
  verifyLogin('/resources/auth/v1/user/mfa/verify', 'Verify MFA using code from authenticator app'),
  verifyLogin('/resources/auth/v1/user/mfa/authenticator/{deviceId}/verify', 'Verify MFA using a given authenticator app'),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/user/mfa/recover',
    summary: "Recover MFA: a recovery code removes the user's MFA; log in again with the password",
    tags: ['MFA'],
    body: z.object({ email: str, recoveryCode: str }),
    document: RestRecoverMfaDocument,
    variables: ({ body }) => body,
    result: (d) => d.recoverMfa,
    response: (r) => ('done' in r ? {} : r),
    status: 200,
  }),
  enroll('/resources/users/v1/mfa/authenticator/enroll'),
  enroll('/resources/users/v1/mfa/enroll'),
  verifyEnroll('/resources/users/v1/mfa/authenticator/enroll/verify'),
  verifyEnroll('/resources/users/v1/mfa/enroll/verify'),
  disable('/resources/users/v1/mfa/disable'),
  disable('/resources/users/v1/mfa/authenticator/{deviceId}/disable/verify'),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/vendor-only/users/v1/{userId}/mfa/unenroll',
    summary: 'Unenroll user from MFA globally (vendor only)',
    tags: ['Vendor only'],
    params: z.object({ userId: str }),
    document: RestUnenrollUserMfaDocument,
    variables: ({ params }) => ({ userId: params.userId }),
    result: (d) => d.unenrollUserMfa,
    response: (r) => ('done' in r ? {} : r),
    status: 200,
  }),
];
