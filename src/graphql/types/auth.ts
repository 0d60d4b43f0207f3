// Authentication flows as mutations. Each sets or clears the HttpOnly refresh cookie, so a
// browser using GraphQL gets the same session handling as one using the Frontegg REST paths.
import { errorTypeMap, wrapOrThrow } from '@pothos/plugin-errors';
import { DomainError } from '../../errors/domain-errors.ts';
import type { AuthResult, PasswordExpiredResult } from '../../services/auth/auth.service.ts';
import type { MfaChallenge } from '../../services/mfa/mfa.service.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { MfaRequired } from './mfa-challenge.ts';

export const AuthResponse = builder.objectRef<AuthResult>('AuthResponse').implement({
  description: 'A started (or refreshed) session: the access token and its refresh token.',
  fields: (t) => ({
    tokenType: t.string({ resolve: () => 'bearer' }),
    mfaRequired: t.boolean({ resolve: () => false }),
    accessToken: t.exposeString('accessToken'),
    refreshToken: t.exposeString('refreshToken', { description: 'Also set as the HttpOnly fe_refresh_<clientId> cookie.' }),
    expiresIn: t.exposeInt('expiresIn', { description: 'Seconds until the access token expires.' }),
    expires: t.expose('expires', { type: 'DateTime' }),
    userId: t.exposeID('userId'),
    userEmail: t.exposeString('userEmail', { nullable: true }),
    emailVerified: t.exposeBoolean('emailVerified'),
    tenantId: t.exposeID('tenantId'),
  }),
});

export const withCookie = (ctx: GraphQLContext, r: AuthResult) => {
  ctx.refreshCookie.set(r.refreshToken);
  return r;
};

export const PasswordExpired = builder.objectRef<PasswordExpiredResult>('PasswordExpired').implement({
  description:
    'The password outlived the password rotation policy: no session. Set a new one through the password reset (userId, resetPasswordToken).',
  fields: (t) => ({
    userId: t.exposeID('userId'),
    userEmail: t.exposeString('userEmail', { nullable: true }),
    resetPasswordToken: t.exposeString('resetPasswordToken', { description: 'A password reset token (single use, expiring).' }),
    passwordExpiresIn: t.int({ description: 'Minutes until the password expires: 0, it has.', resolve: () => 0 }),
  }),
});

/**
 * A login step's answer as a LoginResult member: a session leaves with the refresh cookie, the
 * MFA step without one, and domain errors become the union's error members.
 */
export async function loginOutcome<R extends AuthResult | MfaChallenge | PasswordExpiredResult>(
  ctx: GraphQLContext,
  run: () => Promise<R>,
): Promise<R | DomainError> {
  try {
    const r = await run();
    if ('mfaToken' in r || 'resetPasswordToken' in r) return r;
    withCookie(ctx, r as AuthResult);
    return r;
  } catch (error) {
    return wrapOrThrow(error, MUTATION_ERRORS) as DomainError;
  }
}

const LoginInput = builder.inputType('LoginInput', {
  fields: (t) => ({
    email: t.string({ required: false }),
    username: t.string({ required: false, description: 'Either email or username.' }),
    password: t.string(),
    invitationToken: t.string({ required: false }),
    recaptchaToken: t.string({ required: false, description: 'Required while the captcha policy is enabled (unless the email is exempt).' }),
  }),
});

const RefreshTokenInput = builder.inputType('RefreshTokenInput', {
  fields: (t) => ({
    refreshToken: t.string({ required: false, description: 'Defaults to the refresh cookie.' }),
    tenantId: t.id({ required: false, description: 'Switch the session to this tenant.' }),
  }),
});

const LogoutInput = builder.inputType('LogoutInput', {
  fields: (t) => ({ refreshToken: t.string({ required: false, description: 'Defaults to the refresh cookie.' }) }),
});

const SignUpInput = builder.inputType('SignUpInput', {
  fields: (t) => ({
    email: t.string(),
    companyName: t.string(),
    password: t.string({ required: false }),
    name: t.string({ required: false }),
    username: t.string({ required: false }),
    phoneNumber: t.string({ required: false }),
    profilePictureUrl: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
    provider: t.string({ required: false }),
    invitationToken: t.string({ required: false, description: 'A tenant invite token: joins that tenant instead of creating one.' }),
    recaptchaToken: t.string({ required: false, description: 'Required while the captcha policy is enabled (unless the email is exempt).' }),
  }),
});

const UsernameSignUpInput = builder.inputType('UsernameSignUpInput', {
  description: 'Sign-up identified by username; without an email the user needs a password (no activation email is possible).',
  fields: (t) => ({
    username: t.string(),
    companyName: t.string(),
    email: t.string({ required: false }),
    password: t.string({ required: false }),
    name: t.string({ required: false }),
    phoneNumber: t.string({ required: false }),
    profilePictureUrl: t.string({ required: false }),
    metadata: t.field({ type: 'JSONObject', required: false }),
    provider: t.string({ required: false }),
    invitationToken: t.string({ required: false }),
    recaptchaToken: t.string({ required: false }),
  }),
});

interface SignUpShape {
  shouldActivate: boolean;
  userId: string;
  tenantId: string;
  authResponse: AuthResult | null;
}

const SignUpPayload = builder.objectRef<SignUpShape>('SignUpPayload').implement({
  fields: (t) => ({
    shouldActivate: t.exposeBoolean('shouldActivate', { description: 'True when the user must activate before logging in.' }),
    userId: t.exposeID('userId'),
    tenantId: t.exposeID('tenantId'),
    authResponse: t.field({ type: AuthResponse, nullable: true, resolve: (p) => p.authResponse }),
  }),
});

const VendorToken = builder.objectRef<{ token: string; expiresIn: number }>('VendorToken').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Use as `Authorization: Bearer` on management calls.' }),
    expiresIn: t.exposeInt('expiresIn'),
  }),
});

const LogoutPayload = builder.objectRef<{ loggedOut: boolean }>('LogoutPayload').implement({
  fields: (t) => ({ loggedOut: t.exposeBoolean('loggedOut') }),
});

/**
 * Login has two successes (a session, or a pending MFA step), which plugin-errors' directResult
 * cannot express, so the union is built here with the same name and error members it would have,
 * and errors are wrapped by plugin-errors' own helper (graphql-js would raise a bare Error value).
 */
export const LoginResult = builder.unionType('LoginResult', {
  types: [AuthResponse, MfaRequired, ...MUTATION_ERRORS],
  resolveType: (value) => {
    const errorClass = errorTypeMap.get(value as object);
    if (errorClass) return errorClass.name;
    return 'mfaToken' in value ? MfaRequired : AuthResponse;
  },
});

/** Password login's answers: LoginResult's, plus an expired password (password rotation policy). */
export const PasswordLoginResult = builder.unionType('PasswordLoginResult', {
  types: [AuthResponse, MfaRequired, PasswordExpired, ...MUTATION_ERRORS],
  resolveType: (value) => {
    const errorClass = errorTypeMap.get(value as object);
    if (errorClass) return errorClass.name;
    if ('resetPasswordToken' in value) return PasswordExpired;
    return 'mfaToken' in value ? MfaRequired : AuthResponse;
  },
});

builder.mutationFields((t) => ({
  login: t.field({
    type: PasswordLoginResult,
    description:
      'Password login by email or username. Unknown users and wrong passwords answer alike. With a verified authenticator the answer is MfaRequired (no tokens, no cookie).',
    args: { input: t.arg({ type: LoginInput }) },
    resolve: (_root, { input }, ctx) => loginOutcome(ctx, () => ctx.services.auth.login(input, ctx.client)),
  }),
  refreshToken: t.field({
    type: AuthResponse,
    description:
      'Rotates the refresh token. Presenting an already-used token revokes the whole session, except the immediately previous token within the reuse interval (parallel tabs, retries), which gets the same successor again.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: RefreshTokenInput, required: false }) },
    resolve: async (_root, { input }, ctx) => {
      const token = input?.refreshToken ?? ctx.refreshCookie.read();
      try {
        return withCookie(ctx, await ctx.services.auth.refresh(token, input?.tenantId, ctx.client));
      } catch (error) {
        ctx.refreshCookie.clear();
        throw error;
      }
    },
  }),
  logout: t.field({
    type: LogoutPayload,
    description: 'Revokes the session of the refresh token (or of the access token) and clears the cookie.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: LogoutInput, required: false }) },
    resolve: async (_root, { input }, ctx) => {
      await ctx.services.auth.logout(input?.refreshToken ?? ctx.refreshCookie.read(), ctx.principal);
      ctx.refreshCookie.clear();
      return { loggedOut: true };
    },
  }),
  signUp: t.field({
    type: SignUpPayload,
    description: 'Creates a tenant and its first user (with the first-user roles), and logs them in when no activation is needed.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: SignUpInput }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await ctx.services.auth.signUp({ ...input, provider: input.provider as 'local' | null }, ctx.client);
      if (result.authResponse) ctx.refreshCookie.set(result.authResponse.refreshToken);
      return result;
    },
  }),
  signUpWithUsername: t.field({
    type: SignUpPayload,
    description: 'Sign-up identified by a username (Frontegg character set, stored lower-case): the same rules and answers as signUp.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: UsernameSignUpInput }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await ctx.services.auth.signUp({ ...input, provider: input.provider as 'local' | null }, ctx.client, { byUsername: true });
      if (result.authResponse) ctx.refreshCookie.set(result.authResponse.refreshToken);
      return result;
    },
  }),
  authenticateVendor: t.field({
    type: VendorToken,
    description: 'Exchanges the vendor credential for a vendor token.',
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { clientId: t.arg.string(), secret: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.vendor.authenticate(args, ctx.client),
  }),
}));
