// Inviting users, accepting and re-sending invitations, activation by code, and the activation /
// invitation strategies over Frontegg's paths. The rules live in the invitations, activation and
// account-strategies services.
import { z } from 'zod';
import {
  RestAcceptInvitationDocument,
  RestAcceptInvitationWithCodeDocument,
  RestActivateUserWithCodeDocument,
  RestActivationStrategiesDocument,
  RestInvitationStrategiesDocument,
  RestInviteUserDocument,
  RestResetAllInvitationsDocument,
  RestResetInvitationDocument,
  RestSetActivationStrategyDocument,
  RestSetInvitationStrategyDocument,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { createdUserResponse, loginResponse } from '../frontegg.ts';
import { actingTenantHeader as tenantHeader, int32 } from '../headers.ts';
import { createUserBody } from './users.routes.ts';

const str = z.string();
const optionalStr = z.string().nullish();
const emailMetadata = z.record(z.string(), z.unknown()).nullish();
// Error members are answered by the executor before `response` runs.
const done = () => ({});
const strategyResponse = (r: { strategy: string; codeExpiration: number }) => ({ strategy: r.strategy, codeExpiration: r.codeExpiration });
const strategyBody = z.object({ strategy: optionalStr, codeExpiration: int32.nullish() });

export const invitationRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v2',
    summary: 'Invite user to the tenant of frontegg-tenant-id (pending membership; invitation mail unless skipInviteEmail)',
    tags: ['Users'],
    headers: tenantHeader,
    body: createUserBody,
    document: RestInviteUserDocument,
    variables: ({ body: { skipInviteEmail, emailMetadata: _meta, ...user }, headers }) => ({
      input: { ...user, tenantId: headers.get('frontegg-tenant-id') },
      skipInviteEmail,
    }),
    result: (d) => d.inviteUser,
    response: (r, { headers }) => ('id' in r ? createdUserResponse(r, headers.get('frontegg-tenant-id') ?? r.activeTenantId ?? '') : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/invitation/accept',
    summary: 'Accept invitation (activates the membership; sets the password when the user has none and one is given)',
    tags: ['Users'],
    body: z.object({ userId: str, token: str, password: optionalStr }),
    document: RestAcceptInvitationDocument,
    variables: ({ body }) => body,
    result: (d) => d.acceptInvitation,
    response: done,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/invitation/accept/code',
    summary: 'Accept invitation with the emailed code (user by userId or email)',
    tags: ['Users'],
    body: z.object({ code: str, userId: optionalStr, email: optionalStr, token: optionalStr, password: optionalStr }),
    document: RestAcceptInvitationWithCodeDocument,
    variables: ({ body }) => body,
    result: (d) => d.acceptInvitationWithCode,
    response: done,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/invitation/reset',
    summary: 'Reset invitation: a fresh invitation is mailed, the previous one stops working',
    tags: ['Users'],
    headers: tenantHeader,
    body: z.object({ email: str, emailMetadata }),
    document: RestResetInvitationDocument,
    variables: ({ body, headers }) => ({ email: body.email, tenantId: headers.get('frontegg-tenant-id') }),
    result: (d) => d.resetInvitation,
    response: done,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/invitation/reset/all',
    summary: "Reset all invitation tokens of the tenant (only the email's when given)",
    tags: ['Users'],
    headers: tenantHeader,
    body: z.object({ email: optionalStr, emailMetadata }).nullish(),
    document: RestResetAllInvitationsDocument,
    variables: ({ body, headers }) => ({ email: body?.email, tenantId: headers.get('frontegg-tenant-id') }),
    result: (d) => d.resetAllInvitations,
    response: done,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v1/activate/code',
    summary: 'Activate user with the emailed code (activation strategy code) and log in',
    tags: ['Users'],
    // `token` is part of Frontegg's body; under the code strategy the code is the secret.
    body: z.object({ userId: str, code: str, token: optionalStr, password: optionalStr, recaptchaToken: optionalStr, lastTermsCheck: optionalStr }),
    document: RestActivateUserWithCodeDocument,
    variables: ({ body }) => ({ userId: body.userId, code: body.code, password: body.password }),
    result: (d) => d.activateUserWithCode,
    response: (r) => ('accessToken' in r ? loginResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1/activation/strategies',
    summary: 'Get activation strategies (link or code)',
    tags: ['Configurations'],
    document: RestActivationStrategiesDocument,
    variables: () => ({}),
    result: (d) => d.activationStrategies,
    response: strategyResponse,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/configurations/v1/activation/strategies',
    summary: 'Create or update activation strategy (vendor only; codeExpiration in minutes)',
    tags: ['Configurations'],
    body: strategyBody,
    document: RestSetActivationStrategyDocument,
    variables: ({ body }) => body,
    result: (d) => d.setActivationStrategy,
    response: (r) => ('strategy' in r ? strategyResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/v1/invitation/strategies',
    summary: 'Get invitation strategies (link or code)',
    tags: ['Configurations'],
    document: RestInvitationStrategiesDocument,
    variables: () => ({}),
    result: (d) => d.invitationStrategies,
    response: strategyResponse,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/configurations/v1/invitation/strategies',
    summary: 'Create or update invitation strategy (vendor only; codeExpiration in minutes)',
    tags: ['Configurations'],
    body: strategyBody,
    document: RestSetInvitationStrategyDocument,
    variables: ({ body }) => body,
    result: (d) => d.setInvitationStrategy,
    response: (r) => ('strategy' in r ? strategyResponse(r) : r),
    status: 200,
  }),
];
