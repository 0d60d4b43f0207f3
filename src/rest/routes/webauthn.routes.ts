// WebAuthn over Frontegg's paths: security keys as MFA (self-service, at the login's MFA step,
// enrolment during login) and passkeys (client-only paths of @frontegg/rest-api). The rules
// (challenge single use/binding, counter, origin, RP id, no enumeration) live in webauthn.service.
// Frontegg's clients send the browser's credential JSON as `options` on MFA calls and at the top
// level on passkey calls; both are accepted.
import { z } from 'zod';
import {
  RestDeletePasskeyDocument,
  RestDisableWebAuthnMfaDocument,
  RestLoginWithPasskeyDocument,
  RestMyPasskeysDocument,
  RestStartPasskeyLoginDocument,
  RestStartPasskeyRegistrationDocument,
  RestStartWebAuthnEnrollmentAtLoginDocument,
  RestStartWebAuthnMfaDisableDocument,
  RestStartWebAuthnMfaEnrollmentDocument,
  RestStartWebAuthnMfaLoginDocument,
  RestVerifyPasskeyRegistrationDocument,
  RestVerifyWebAuthnEnrollmentAtLoginDocument,
  RestVerifyWebAuthnMfaEnrollmentDocument,
  RestVerifyWebAuthnMfaLoginDocument,
  type WebAuthnDeviceFieldsFragment,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { loginResponse } from '../frontegg.ts';

const str = z.string();
const optionalStr = z.string().nullish();
const json = z.record(z.string(), z.unknown());
const userHeader = z.object({
  'frontegg-user-id': str.optional().describe('The user a vendor call acts for; user tokens act for their own user'),
});
const deviceParams = z.object({ deviceId: str });
const deviceType = z.enum(['Platform', 'CrossPlatform']).nullish();
// rememberDevice is accepted for compatibility and ignored, as on the TOTP routes.
const rememberDevice = z.boolean().nullish();

/** Errors never reach a response mapper (execute.ts answers them), but the union type includes them. */
const challengeResponse = (r: object) => ('webauthnToken' in r && 'options' in r ? { options: r.options, webauthnToken: r.webauthnToken } : r);
const deviceResponse = (d: WebAuthnDeviceFieldsFragment) => ({
  id: d.id,
  deviceType: d.deviceType,
  name: d.name ?? undefined,
  createdAt: d.createdAt,
  lastUsedAt: d.lastUsedAt ?? undefined,
});

/** The credential of a passkey call: under `options`/`credential`, or the body itself. */
const passkeyBody = json;
const credentialOf = (body: Record<string, unknown>) => {
  const nested = body.credential ?? body.options;
  if (nested && typeof nested === 'object' && !Array.isArray(nested)) return nested as Record<string, unknown>;
  const { recaptchaToken: _r, invitationToken: _i, email: _e, ...credential } = body;
  return credential;
};

export const webauthnRoutes = [
  // --- MFA, self-service
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/mfa/webauthn/enroll',
    summary: 'Start WebAuthn MFA enrolment: registration options and webauthnToken (client-only path)',
    tags: ['MFA'],
    headers: userHeader,
    document: RestStartWebAuthnMfaEnrollmentDocument,
    variables: () => ({}),
    result: (d) => d.startWebAuthnMfaEnrollment,
    response: challengeResponse,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/mfa/webauthn/enroll/verify',
    summary: 'Verify WebAuthn MFA enrolment (returns a recovery code when it is the first second factor; client-only path)',
    tags: ['MFA'],
    headers: userHeader,
    body: z.object({ options: json, webauthnToken: optionalStr, deviceType }),
    document: RestVerifyWebAuthnMfaEnrollmentDocument,
    variables: ({ body }) => ({ credential: body.options, webauthnToken: body.webauthnToken, deviceType: body.deviceType }),
    result: (d) => d.verifyWebAuthnMfaEnrollment,
    response: (r) => ('deviceId' in r ? (r.recoveryCode ? { recoveryCode: r.recoveryCode } : {}) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/mfa/webauthn/{deviceId}/disable',
    summary: 'Start disabling a WebAuthn MFA device: authentication options for it (client-only path)',
    tags: ['MFA'],
    headers: userHeader,
    params: deviceParams,
    document: RestStartWebAuthnMfaDisableDocument,
    variables: ({ params }) => ({ deviceId: params.deviceId }),
    result: (d) => d.startWebAuthnMfaDisable,
    response: challengeResponse,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/mfa/webauthn/{deviceId}/disable/verify',
    summary: 'Disable a WebAuthn MFA device with an assertion from it (client-only path)',
    tags: ['MFA'],
    headers: userHeader,
    params: deviceParams,
    body: z.object({ options: json, webauthnToken: optionalStr }),
    document: RestDisableWebAuthnMfaDocument,
    variables: ({ params, body }) => ({ deviceId: params.deviceId, credential: body.options, webauthnToken: body.webauthnToken }),
    result: (d) => d.disableWebAuthnMfa,
    response: (r) => ('deviceId' in r ? {} : r),
    status: 200,
  }),
  // --- MFA at login
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/user/mfa/webauthn/enroll',
    summary: 'Pre enroll MFA using WebAuthN (a login that must enrol a second factor first)',
    tags: ['MFA'],
    body: z.object({ mfaToken: str }),
    document: RestStartWebAuthnEnrollmentAtLoginDocument,
    variables: ({ body }) => ({ mfaToken: body.mfaToken }),
    result: (d) => d.startWebAuthnEnrollmentAtLogin,
    response: challengeResponse,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/user/mfa/webauthn/enroll/verify',
    summary: 'Enroll MFA using WebAuthN and finish the login (login response, refresh cookie, recovery code)',
    tags: ['MFA'],
    body: z.object({ mfaToken: str, options: json, webauthnToken: optionalStr, deviceType, rememberDevice }),
    document: RestVerifyWebAuthnEnrollmentAtLoginDocument,
    variables: ({ body }) => ({ mfaToken: body.mfaToken, credential: body.options, webauthnToken: body.webauthnToken, deviceType: body.deviceType }),
    result: (d) => d.verifyWebAuthnEnrollmentAtLogin,
    response: (r) => ('session' in r ? { ...loginResponse(r.session), recoveryCode: r.recoveryCode ?? undefined } : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/user/mfa/webauthn/{deviceId}',
    summary: 'Request verify MFA using WebAuthN: authentication options for that device',
    tags: ['MFA'],
    params: deviceParams,
    body: z.object({ mfaToken: str }),
    document: RestStartWebAuthnMfaLoginDocument,
    variables: ({ params, body }) => ({ mfaToken: body.mfaToken, deviceId: params.deviceId }),
    result: (d) => d.startWebAuthnMfaLogin,
    response: challengeResponse,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/user/mfa/webauthn/{deviceId}/verify',
    summary: 'Verify MFA using webauthn: finishes the login (login response and refresh cookie)',
    tags: ['MFA'],
    params: deviceParams,
    body: z.object({ mfaToken: str, options: json, webauthnToken: optionalStr, rememberDevice }),
    document: RestVerifyWebAuthnMfaLoginDocument,
    variables: ({ params, body }) => ({ mfaToken: body.mfaToken, deviceId: params.deviceId, credential: body.options, webauthnToken: body.webauthnToken }),
    result: (d) => d.verifyWebAuthnMfaLogin,
    response: (r) => ('accessToken' in r ? loginResponse(r) : r),
    status: 201,
  }),
  // --- passkeys
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/webauthn/v1/devices',
    summary: "The user's passkeys (client-only path)",
    tags: ['Passkeys'],
    headers: userHeader,
    document: RestMyPasskeysDocument,
    variables: () => ({}),
    result: (d) => d.myPasskeys,
    response: (r) => ({ devices: r.map(deviceResponse) }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/webauthn/v1/devices',
    summary: 'Start registering a passkey: registration options (client-only path)',
    tags: ['Passkeys'],
    headers: userHeader,
    document: RestStartPasskeyRegistrationDocument,
    variables: () => ({}),
    result: (d) => d.startPasskeyRegistration,
    response: challengeResponse,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/webauthn/v1/devices/verify',
    summary: 'Verify the attestation and store the passkey (client-only path)',
    tags: ['Passkeys'],
    headers: userHeader,
    body: passkeyBody,
    document: RestVerifyPasskeyRegistrationDocument,
    variables: ({ body }) => ({ credential: credentialOf(body) }),
    result: (d) => d.verifyPasskeyRegistration,
    response: (r) => ('deviceType' in r ? deviceResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/users/webauthn/v1/devices/{deviceId}',
    summary: 'Delete a passkey (client-only path)',
    tags: ['Passkeys'],
    headers: userHeader,
    params: deviceParams,
    document: RestDeletePasskeyDocument,
    variables: ({ params }) => ({ deviceId: params.deviceId }),
    result: (d) => d.deletePasskey,
    response: (r) => ('deviceId' in r ? {} : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/webauthn/prelogin',
    summary: 'Passkey prelogin: authentication options, the same for any email (client-only path)',
    tags: ['Passkeys'],
    body: z.object({ email: optionalStr }).optional(),
    document: RestStartPasskeyLoginDocument,
    variables: ({ body }) => ({ email: body?.email }),
    result: (d) => d.startPasskeyLogin,
    response: challengeResponse,
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/webauthn/postlogin',
    summary: 'Passkey postlogin: logs in with the assertion (login response and refresh cookie; client-only path)',
    tags: ['Passkeys'],
    body: passkeyBody,
    document: RestLoginWithPasskeyDocument,
    variables: ({ body }) => ({ credential: credentialOf(body) }),
    result: (d) => d.loginWithPasskey,
    response: (r) => ('accessToken' in r ? loginResponse(r) : r),
    status: 201,
  }),
];
