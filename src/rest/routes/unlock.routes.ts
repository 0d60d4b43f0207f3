// POST /users/v3/me/unlock: the user unlocks themself with the token from the lockout email.
import { z } from 'zod';
import { RestUnlockMeDocument } from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';

export const unlockRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/users/v3/me/unlock',
    summary: 'Unlock user with the single-use token emailed when lockout locked the account',
    tags: ['Users'],
    body: z.object({ token: z.string() }),
    document: RestUnlockMeDocument,
    variables: ({ body }) => body,
    result: (d) => d.unlockMe,
    response: () => ({}),
    status: 200,
  }),
];
