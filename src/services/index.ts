// Wires the services once per app. Transports receive this object, never the database.
import type { Deps } from './deps.ts';
import { createAuthService } from './auth/auth.service.ts';
import { createSessionStore } from './auth/sessions.service.ts';
import { createTokenIssuer } from './auth/tokens.ts';
import { createTenantsService } from './tenants/tenants.service.ts';
import { createUsersService } from './users/users.service.ts';
import { createVendorService } from './vendor/vendor.service.ts';

export function createServices(deps: Deps) {
  const sessions = createSessionStore(deps);
  const tokens = createTokenIssuer(deps);
  return {
    auth: createAuthService({ ...deps, sessions, tokens }),
    sessions,
    users: createUsersService(deps),
    tenants: createTenantsService(deps),
    vendor: createVendorService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
