// Frontegg's application assignments (vendor) and a user's active tenant per application
// (the user's own token, or the vendor with frontegg-user-id). Applications themselves are
// created through the vendor GraphQL mutation createApplication.
import { z } from 'zod';
import {
  RestApplicationActiveTenantsDocument,
  RestApplicationUserIdsDocument,
  RestAssignUsersToApplicationDocument,
  RestSetApplicationActiveTenantsDocument,
  RestUnassignUsersFromApplicationDocument,
  RestUserApplicationIdsDocument,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';

const str = z.string();
const userHeader = z.object({ 'frontegg-user-id': str.optional().describe('The user a vendor call acts for; user tokens act for their own user') });
const assignBody = z.object({ appId: str, tenantId: str, userIds: z.array(str).min(1) });

export const applicationRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/applications/v1',
    summary: 'Assign users of a tenant to an application (vendor only; all or none)',
    tags: ['Applications'],
    body: assignBody,
    document: RestAssignUsersToApplicationDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.assignUsersToApplication,
    response: (r) => ('code' in r ? r : {}),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/applications/v1',
    summary: 'Unassign users from an application (vendor only)',
    tags: ['Applications'],
    body: assignBody,
    document: RestUnassignUsersFromApplicationDocument,
    variables: ({ body }) => ({ input: body }),
    result: (d) => d.unassignUsersFromApplication,
    response: (r) => ('code' in r ? r : {}),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/applications/v1/{appId}/users',
    summary: 'Get users (ids) of an application (vendor only)',
    tags: ['Applications'],
    params: z.object({ appId: str }),
    document: RestApplicationUserIdsDocument,
    variables: ({ params }) => ({ appId: params.appId }),
    result: (d) => d.applicationUserIds,
    response: (ids) => ids,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/applications/v1/{userId}/apps',
    summary: 'Get applications (ids) of a user (vendor only)',
    tags: ['Applications'],
    params: z.object({ userId: str }),
    document: RestUserApplicationIdsDocument,
    variables: ({ params }) => ({ userId: params.userId }),
    result: (d) => d.userApplicationIds,
    response: (ids) => ids,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/applications/user-tenants/active/v1',
    summary: "Get the user's active tenant per application",
    tags: ['Applications'],
    headers: userHeader,
    document: RestApplicationActiveTenantsDocument,
    variables: () => ({}),
    result: (d) => d.applicationActiveTenants,
    response: (r) => r,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/applications/user-tenants/active/v1',
    summary: "Switch the user's active tenant in applications",
    tags: ['Applications'],
    headers: userHeader,
    body: z.object({ activeApplicationTenants: z.array(z.object({ applicationId: str, tenantId: str })).min(1) }),
    document: RestSetApplicationActiveTenantsDocument,
    variables: ({ body }) => ({ input: body.activeApplicationTenants }),
    result: (d) => d.setApplicationActiveTenants,
    response: (r) => r,
    status: 200,
  }),
];
