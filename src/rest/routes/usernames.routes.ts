// Usernames over Frontegg's paths. The rules (character set, uniqueness, who may delete) live
// in the usernames service and the GraphQL fields.
import { z } from 'zod';
import { RestDeleteUsernameDocument, RestMyUsernameDocument, RestSetMyUsernameDocument, RestUsernamesDocument } from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { queryInt32 } from '../headers.ts';

const str = z.string();
const userHeader = z.object({
  'frontegg-user-id': str.optional().describe('The user a vendor call acts for; user tokens act for their own user'),
});
const int32 = queryInt32.min(0);
const list = str.optional().describe('Comma-separated values');
const split = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : null);

export const usernameRoutes = [
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/usernames/v1',
    summary: "Get usernames of the tenant's users (_offset is a page number)",
    tags: ['Usernames'],
    query: z.object({
      _limit: int32.optional(),
      _offset: int32.optional(),
      _sortBy: z.enum(['userId', 'username']).optional(),
      _order: z.enum(['ASC', 'DESC']).optional(),
      _usernamePrefix: str.optional(),
      userIds: list,
      usernames: list,
    }),
    document: RestUsernamesDocument,
    variables: ({ query: q }) => ({
      limit: q._limit ?? null,
      offset: q._offset ?? null,
      sortBy: q._sortBy ?? null,
      order: q._order ?? null,
      usernamePrefix: q._usernamePrefix ?? null,
      userIds: split(q.userIds),
      usernames: split(q.usernames),
    }),
    result: (d) => d.usernames,
    response: (r) => r.map((u) => ({ username: u.username, userId: u.userId })),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/usernames/v1/me',
    summary: "Get the current user's username",
    tags: ['Usernames'],
    headers: userHeader,
    document: RestMyUsernameDocument,
    variables: () => ({}),
    result: (d) => d.myUsername,
    response: (r) => ({ username: r.username, userId: r.userId }),
    status: 200,
  }),
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/usernames/v1',
    summary: "Set the current user's username (replaces the previous one; lower-cased)",
    tags: ['Usernames'],
    headers: userHeader,
    body: z.object({ username: str }),
    document: RestSetMyUsernameDocument,
    variables: ({ body }) => body,
    result: (d) => d.setMyUsername,
    response: (r) => ('username' in r ? { username: r.username, userId: r.userId } : r),
    status: 201,
  }),
  defineRoute({
    service: 'identity',
    method: 'DELETE',
    path: '/resources/usernames/v1/{username}',
    summary: "Delete a username (the caller's own; a tenant admin's users'; any for the vendor)",
    tags: ['Usernames'],
    params: z.object({ username: str }),
    document: RestDeleteUsernameDocument,
    variables: ({ params }) => ({ username: params.username }),
    result: (d) => d.deleteUsername,
    response: (r) => ('deleted' in r ? {} : r),
    status: 200,
  }),
];
