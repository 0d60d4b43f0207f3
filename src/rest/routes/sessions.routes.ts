import { z } from 'zod';
import {
  RestCurrentSessionDocument,
  RestMySessionsDocument,
  RestRevokeAllMySessionsDocument,
  RestRevokeMySessionDocument,
  RestRevokeUserSessionsDocument,
  RestSessionConfigurationDocument,
  RestUpdateSessionConfigurationDocument,
  RestVendorSessionConfigurationDocument,
  type SessionConfigurationFieldsFragment,
  type SessionFieldsFragment,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { int32 } from '../headers.ts';

const str = z.string();
/** GraphQL Int is 32-bit; the range rules (positive, maxima) are the service's. */
const tenantHeader = z.object({
  'frontegg-tenant-id': str.optional().describe('Vendor calls: the tenant whose configuration to read or write; without it, the vendor default'),
});
const userHeader = z.object({
  'frontegg-user-id': str.optional().describe('Vendor calls: the user whose sessions these are; user tokens act on their own'),
});

/** Frontegg's session shape. */
const sessionResponse = (s: SessionFieldsFragment) => ({
  id: s.id,
  userAgent: s.userAgent ?? '',
  ipAddress: s.ipAddress ?? '',
  createdAt: s.createdAt,
  lastActiveAt: s.lastActiveAt,
  current: s.current,
});

const configurationResponse = (c: SessionConfigurationFieldsFragment) => ({
  sessionIdleTimeoutConfiguration: { ...c.sessionIdleTimeoutConfiguration },
  sessionTimeoutConfiguration: { ...c.sessionTimeoutConfiguration },
  sessionConcurrentConfiguration: { ...c.sessionConcurrentConfiguration },
});

const timeoutBody = z.object({ isActive: z.boolean(), timeout: int32 });

export const sessionRoutes = [
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/sessions/v1/me',
    summary: "Get user's active sessions",
    tags: ['User sessions'],
    headers: userHeader,
    document: RestMySessionsDocument,
    variables: () => ({}),
    result: (d) => d.mySessions,
    response: (r) => r.map(sessionResponse),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/sessions/v1/me/current',
    summary: "Get the session of the caller's access token (client-only path)",
    tags: ['User sessions'],
    document: RestCurrentSessionDocument,
    variables: () => ({}),
    result: (d) => d.currentSession,
    response: sessionResponse,
    notFound: 'session_not_found',
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/users/sessions/v1/me/all',
    summary: "Delete all the user's sessions but the caller's own",
    tags: ['User sessions'],
    headers: userHeader,
    document: RestRevokeAllMySessionsDocument,
    variables: () => ({}),
    result: (d) => d.revokeAllMySessions,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/users/sessions/v1/me/{id}',
    summary: "Delete single user's session",
    tags: ['User sessions'],
    headers: userHeader,
    params: z.object({ id: str }),
    document: RestRevokeMySessionDocument,
    variables: ({ params }) => ({ id: params.id }),
    result: (d) => d.revokeMySession,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/sessions/v1/revoke',
    summary: "Revoke all of a user's sessions (vendor, or fe.secure.delete.sessions for members of the tenant; client-only path)",
    tags: ['User sessions'],
    body: z.object({ userId: str }),
    document: RestRevokeUserSessionsDocument,
    variables: ({ body }) => ({ userId: body.userId }),
    result: (d) => d.revokeUserSessions,
    response: () => ({}),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/sessions/v1',
    summary: 'Get account (tenant) or vendor default session configuration',
    tags: ['Session configuration'],
    headers: tenantHeader,
    document: RestSessionConfigurationDocument,
    variables: () => ({}),
    result: (d) => d.sessionConfiguration,
    response: configurationResponse,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/configurations/sessions/v1',
    summary: 'Create or update account (tenant) or vendor default session configuration (timeouts in seconds)',
    tags: ['Session configuration'],
    headers: tenantHeader,
    body: z.object({
      sessionIdleTimeoutConfiguration: timeoutBody.nullish(),
      sessionTimeoutConfiguration: timeoutBody.nullish(),
      sessionConcurrentConfiguration: z.object({ isActive: z.boolean(), maxSessions: int32 }).nullish(),
    }),
    document: RestUpdateSessionConfigurationDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.updateSessionConfiguration,
    response: (r) => ('sessionIdleTimeoutConfiguration' in r ? configurationResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/configurations/sessions/v1/vendor',
    summary: 'Get environment (vendor default) session configuration',
    tags: ['Session configuration'],
    document: RestVendorSessionConfigurationDocument,
    variables: () => ({}),
    result: (d) => d.vendorSessionConfiguration,
    response: configurationResponse,
    status: 200,
  }),
];
