import { z } from 'zod';
import {
  RestAuthenticateVendorDocument,
  RestLoginDocument,
  RestLogoutDocument,
  RestRefreshTokenDocument,
  RestSignUpDocument,
} from '../../generated/graphql.ts';
import { metadataSchema } from '../../services/validation.ts';
import { defineRoute } from '../define-route.ts';
import { loginResponse, mfaRequiredResponse, signUpResponse } from '../frontegg.ts';

const str = z.string();
const optionalStr = z.string().nullish();

export const authRoutes = [
  defineRoute({
    service: 'auth',
    method: 'POST',
    path: '/vendor',
    summary: 'Authenticate the vendor (management credential)',
    tags: ['Vendor authentication'],
    body: z.object({ clientId: str, secret: str }),
    document: RestAuthenticateVendorDocument,
    variables: ({ body }) => body,
    result: (d) => d.authenticateVendor,
    response: (r) => ('token' in r ? { token: r.token, expiresIn: r.expiresIn } : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/user',
    summary: 'Authenticate user with password',
    tags: ['Authentication'],
    body: z.object({
      email: optionalStr,
      username: optionalStr,
      password: str,
      recaptchaToken: optionalStr,
      invitationToken: optionalStr,
    }),
    document: RestLoginDocument,
    variables: ({ body }) => ({
      input: {
        email: body.email,
        username: body.username,
        password: body.password,
        invitationToken: body.invitationToken,
        recaptchaToken: body.recaptchaToken,
      },
    }),
    result: (d) => d.login,
    // A session; the MFA step (authenticator enrolled); or an expired password (a reset token,
    // Frontegg's resetPasswordToken answer): the last two without tokens or cookie.
    response: (r) =>
      'accessToken' in r
        ? loginResponse(r)
        : 'mfaToken' in r
          ? mfaRequiredResponse(r)
          : 'resetPasswordToken' in r
            ? { userId: r.userId, userEmail: r.userEmail, resetPasswordToken: r.resetPasswordToken, passwordExpiresIn: r.passwordExpiresIn }
            : r,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/user/token/refresh',
    summary: 'Refresh user JWT token (refresh cookie, or refreshToken in the body)',
    tags: ['Authentication'],
    body: z.object({ tenantId: optionalStr, refreshToken: optionalStr }).nullish(),
    document: RestRefreshTokenDocument,
    variables: ({ body }) => ({ input: { refreshToken: body?.refreshToken, tenantId: body?.tenantId } }),
    result: (d) => d.refreshToken,
    response: (r) => ('accessToken' in r ? loginResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/auth/v1/logout',
    summary: 'Logout user (revokes the session of the refresh cookie and clears it)',
    tags: ['Authentication'],
    document: RestLogoutDocument,
    variables: () => ({}),
    result: (d) => d.logout,
    response: () => ({}),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/signUp',
    summary: 'Signup user: creates the tenant and its first user',
    tags: ['Users'],
    body: z.object({
      email: str,
      companyName: str,
      password: optionalStr,
      name: optionalStr,
      username: optionalStr,
      phoneNumber: optionalStr,
      profilePictureUrl: optionalStr,
      metadata: metadataSchema.nullish(),
      provider: optionalStr,
      skipInviteEmail: z.boolean().nullish(),
      roleIds: z.array(str).nullish(),
      recaptchaToken: optionalStr,
      invitationToken: optionalStr,
    }),
    document: RestSignUpDocument,
    variables: ({ body }) => ({
      input: {
        email: body.email,
        companyName: body.companyName,
        password: body.password,
        name: body.name,
        username: body.username,
        phoneNumber: body.phoneNumber,
        profilePictureUrl: body.profilePictureUrl,
        metadata: body.metadata,
        provider: body.provider,
        invitationToken: body.invitationToken,
        recaptchaToken: body.recaptchaToken,
      },
    }),
    result: (d) => d.signUp,
    response: (r) => ('shouldActivate' in r ? signUpResponse(r) : r),
    status: 201,
  }),
];
