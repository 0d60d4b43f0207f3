// Bulk invites over Frontegg's paths: the POST answers 202 with the job at once; the status route
// shows progress and per-user results. The rules live in the bulk-invites service.
import { z } from 'zod';
import { RestBulkInviteStatusDocument, RestBulkInviteUsersDocument, type BulkInviteJobFieldsFragment } from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { actingTenantHeader as tenantHeader } from '../headers.ts';
import { createUserBody } from './users.routes.ts';

const bulkUser = createUserBody.extend({ email: z.string(), verified: z.boolean().nullish() });

const jobResponse = (j: BulkInviteJobFieldsFragment) => ({
  id: j.id,
  status: j.status,
  tenantId: j.tenantId ?? undefined,
  total: j.total,
  processed: j.processed,
  succeeded: j.succeeded,
  failed: j.failed,
  error: j.error ?? undefined,
  createdAt: j.createdAt,
  updatedAt: j.updatedAt,
  completedAt: j.completedAt ?? undefined,
});

export const bulkInviteRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/bulk/v1/invite',
    summary: 'Invite users to the tenant of frontegg-tenant-id in bulk: answers the job (PENDING) at once; poll the status route',
    tags: ['Users'],
    headers: tenantHeader,
    body: z.object({ users: z.array(bulkUser) }),
    document: RestBulkInviteUsersDocument,
    variables: ({ body, headers }) => ({
      users: body.users.map(({ emailMetadata: _meta, ...u }) => u),
      tenantId: headers.get('frontegg-tenant-id'),
    }),
    result: (d) => d.bulkInviteUsers,
    response: (r) => ('id' in r ? jobResponse(r) : r),
    status: 202,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/bulk/v1/status/{id}',
    summary: "Get the status of a bulk invite job of the caller's tenant (per-user results in succeeded / failed)",
    tags: ['Users'],
    headers: tenantHeader,
    params: z.object({ id: z.string() }),
    document: RestBulkInviteStatusDocument,
    variables: ({ params }) => ({ id: params.id }),
    result: (d) => d.bulkInviteStatus,
    response: jobResponse,
    status: 200,
  }),
];
