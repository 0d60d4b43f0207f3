// Frontegg's account hierarchy: tenant metadata and sub-tenants (Tenants API under /tenants,
// paths the browser client calls, shared/spec/frontegg-client-conventions.md), and the identity
// routes for tenant user counts, sub-tenant access and the caller's hierarchy. The rules (who may
// see or change which part of a tree) live in the GraphQL fields and the tenants service.
import { z } from 'zod';
import { tenantBody } from './tenants.routes.ts';
import {
  RestCreateSubTenantDocument,
  RestDeleteSubTenantDocument,
  RestDeleteTenantMetadataDocument,
  RestMyTenantHierarchyDocument,
  RestSearchSubTenantsDocument,
  RestSetSubTenantAccessDocument,
  RestSetTenantMetadataDocument,
  RestSubTenantsDocument,
  RestTenantAncestorsDocument,
  RestTenantTreeDocument,
  RestTenantUserCountsDocument,
  RestUpdateSubTenantDocument,
  type TenantFieldsFragment,
  type TenantTreeFieldsFragment,
} from '../../generated/graphql.ts';
import { metadataSchema } from '../../services/validation.ts';
import { defineRoute } from '../define-route.ts';
import { actingTenantHeader as tenantHeader, tenantIdParams, queryInt32 } from '../headers.ts';
import { tenantResponse } from '../frontegg.ts';

const str = z.string();
const optionalStr = z.string().nullish();

const subTenantBody = tenantBody;
type SubTenantBody = z.output<typeof subTenantBody>;
const profile = ({ logo, ...b }: SubTenantBody) => ({ ...b, logoUrl: b.logoUrl ?? logo });

interface TreeNode extends ReturnType<typeof tenantResponse> {
  children: TreeNode[];
}

/** Nests a flat sub-tree (each row names its parent) under its root, children oldest first. */
function nest(tree: TenantTreeFieldsFragment): TreeNode {
  const byParent = new Map<string, TenantFieldsFragment[]>();
  for (const t of tree.descendants) if (t.parentId) byParent.set(t.parentId, [...(byParent.get(t.parentId) ?? []), t]);
  const node = (t: TenantFieldsFragment): TreeNode => ({ ...tenantResponse(t), children: (byParent.get(t.id) ?? []).map(node) });
  return node(tree.root);
}

const ok = <R>(r: R) => r;

export const hierarchyRoutes = [
  defineRoute({
    service: 'tenants',
    method: 'POST',
    path: '/resources/tenants/v1/{tenantId}/metadata',
    summary: "Add account (tenant) metadata: the keys are merged into the tenant's metadata",
    tags: ['Tenants'],
    params: tenantIdParams,
    body: z.object({ metadata: metadataSchema }),
    document: RestSetTenantMetadataDocument,
    variables: ({ params, body }) => ({ id: params.tenantId, metadata: body.metadata }),
    result: (d) => d.setTenantMetadata,
    response: (r) => ('id' in r ? tenantResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'tenants',
    method: 'DELETE',
    path: '/resources/tenants/v1/{tenantId}/metadata/{key}',
    summary: 'Delete account (tenant) metadata key',
    tags: ['Tenants'],
    params: z.object({ tenantId: str, key: str }),
    document: RestDeleteTenantMetadataDocument,
    variables: ({ params }) => ({ id: params.tenantId, key: params.key }),
    result: (d) => d.deleteTenantMetadata,
    response: (r) => ('id' in r ? tenantResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'POST',
    path: '/resources/sub-tenants/v1',
    summary: 'Create a sub-account (tenant) below parentTenantId',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    body: subTenantBody.extend({ tenantId: optionalStr, name: str, parentTenantId: str }),
    document: RestCreateSubTenantDocument,
    variables: ({ body: { tenantId, parentTenantId, ...rest } }) => ({
      input: { tenantId, parentTenantId, ...profile(rest), name: rest.name },
    }),
    result: (d) => d.createSubTenant,
    response: (r) => ('id' in r ? tenantResponse(r) : r),
    status: 201,
  }),
  defineRoute({
    service: 'tenants',
    method: 'PATCH',
    path: '/resources/sub-tenants/v1/{tenantId}',
    summary: 'Update a sub-account (tenant)',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    params: tenantIdParams,
    body: subTenantBody,
    document: RestUpdateSubTenantDocument,
    variables: ({ params, body }) => ({ id: params.tenantId, input: profile(body) }),
    result: (d) => d.updateSubTenant,
    response: (r) => ('id' in r ? tenantResponse(r) : r),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'DELETE',
    path: '/resources/sub-tenants/v1/{tenantId}',
    summary: 'Delete a sub-account (tenant); refused while it has sub-accounts of its own',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    params: tenantIdParams,
    document: RestDeleteSubTenantDocument,
    variables: ({ params }) => ({ id: params.tenantId }),
    result: (d) => d.deleteSubTenant,
    response: () => ({}),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'GET',
    path: '/resources/hierarchy/v1',
    summary: 'Get sub-accounts (tenants): every tenant below the acting tenant, each with its parentTenantId',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    document: RestSubTenantsDocument,
    variables: () => ({}),
    result: (d) => d.subTenants,
    response: (r) => r.map(tenantResponse),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'GET',
    path: '/resources/hierarchy/v1/tree',
    summary: 'Get the sub-accounts (tenants) hierarchy tree of the acting tenant',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    document: RestTenantTreeDocument,
    variables: () => ({}),
    result: (d) => d.tenantTree,
    response: nest,
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'GET',
    path: '/resources/hierarchy/v1/parents',
    summary: 'Get parent accounts (tenants) of the acting tenant, nearest first',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    document: RestTenantAncestorsDocument,
    variables: () => ({}),
    result: (d) => d.tenantAncestors,
    response: (r) => r.map(tenantResponse),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'GET',
    path: '/resources/hierarchy/v1/parents/{tenantId}',
    summary: 'Get parent accounts (tenants) of a tenant (at or below the acting tenant), nearest first',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    params: tenantIdParams,
    document: RestTenantAncestorsDocument,
    variables: ({ params }) => ({ tenantId: params.tenantId }),
    result: (d) => d.tenantAncestors,
    response: (r) => r.map(tenantResponse),
    status: 200,
  }),
  defineRoute({
    service: 'tenants',
    method: 'GET',
    path: '/resources/hierarchy/v2',
    summary: 'Search the sub-accounts (tenants) below the acting tenant (paged)',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    query: z.object({
      _limit: queryInt32.optional(),
      _offset: queryInt32.optional(),
      _filter: str.optional(),
      _sortBy: z.enum(['name', 'createdAt', 'tenantId']).optional(),
      _order: z.enum(['ASC', 'DESC']).optional(),
    }),
    document: RestSearchSubTenantsDocument,
    variables: ({ query }) => ({
      filter: query._filter,
      limit: query._limit,
      // Frontegg's _offset is a page index
      offset: query._offset === undefined ? undefined : query._offset * (query._limit ?? 50),
      sortBy: query._sortBy,
      order: query._order,
    }),
    result: (d) => d.searchSubTenants,
    response: (r) => ({
      items: r.items.map(tenantResponse),
      _metadata: { totalItems: r.total, totalPages: Math.ceil(r.total / r.limit) },
      _links: {},
    }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/tenants/users/v1/count',
    summary: "Get the number of users of each tenant (client-only path); non-vendor callers count their tenant's sub-tree only",
    tags: ['Tenants'],
    headers: tenantHeader,
    body: z.object({ tenantIds: z.array(str) }),
    document: RestTenantUserCountsDocument,
    variables: ({ body }) => ({ tenantIds: body.tenantIds }),
    result: (d) => d.tenantUserCounts,
    response: ok,
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'PUT',
    path: '/resources/sub-tenants/users/v1/{userId}/access',
    summary: 'Set sub-account access for a user of the acting tenant',
    tags: ['Sub-tenants'],
    headers: tenantHeader,
    params: z.object({ userId: str }),
    body: z.object({ allowAccess: z.boolean() }),
    document: RestSetSubTenantAccessDocument,
    variables: ({ params, body }) => ({ userId: params.userId, allowAccess: body.allowAccess }),
    result: (d) => d.setSubTenantAccess,
    response: (r) => ('subTenantAccess' in r ? {} : r),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/users/v2/me/hierarchy',
    summary: "Get user accounts (tenants) hierarchy: the caller's tenants, each with the sub-tenants it may enter",
    tags: ['Users'],
    document: RestMyTenantHierarchyDocument,
    variables: () => ({}),
    result: (d) => d.myTenantHierarchy,
    response: (r) => r.map(nest),
    status: 200,
  }),
];
