// Logto's role types: USER roles are given to people (memberships, groups, and the API tokens
// that act for a tenant), MACHINE_TO_MACHINE roles only to machine-to-machine applications
// (services/applications/oauth-applications.service.ts). Every path that puts roles on a
// membership, group or API token selects the role's type and passes the rows through here.
import { fail } from '../../errors/domain-errors.ts';

/** Fails with role_not_for_users when any of the roles is a MACHINE_TO_MACHINE role. */
export function assertUserRoles(roles: ReadonlyArray<{ type: string }>) {
  if (roles.some((r) => r.type !== 'USER')) fail('role_not_for_users');
}

/** Default and first-user roles are handed to people automatically: only USER roles qualify. */
export const USER_ROLE = { type: 'USER' } as const;
