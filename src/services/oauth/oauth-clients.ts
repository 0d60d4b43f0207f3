// The read side the OpenID provider needs: applications as OAuth clients, their secrets, API
// resources and the scopes a caller holds for one. The write side (creating applications,
// secrets, resources, role scopes) is src/services/applications and src/services/resources.
//
// Client secrets are stored as keyed hashes (secrets.hashToken), never in plain: the presented
// secret is hashed and looked up by that hash (one indexed equality, so timing says nothing about
// how much of a guess was right), then the row must belong to the client and not be expired.
// Every check is a 'secret' attempt under the throttle (per client IP, per client id), so
// guessing a client's secret is rate-limited like any other credential (RFC 9700 §4.6 / §2.5).
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';

export type ApplicationKind = 'NATIVE' | 'SPA' | 'TRADITIONAL' | 'MACHINE_TO_MACHINE';

export interface ClientView {
  id: string;
  name: string;
  type: ApplicationKind;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  corsOrigins: string[];
  isThirdParty: boolean;
}

export interface ResourceView {
  id: string;
  indicator: string;
  name: string;
  /** Access-token lifetime, seconds. */
  accessTokenTtl: number;
  isDefault: boolean;
}

/** Logto's types: SPA and native apps cannot keep a secret (RFC 6749 §2.1 public clients). */
export const isPublicClient = (type: ApplicationKind) => type === 'SPA' || type === 'NATIVE';

/** How stale ApplicationSecret.lastUsedAt may be. */
const LAST_USED_PRECISION_MS = 60_000;

/** A wrong secret: thrown inside the throttled check so the attempt counts as a failure. */
class SecretMismatch extends Error {}

type ClientsDeps = Pick<Deps, 'db' | 'clock' | 'secrets'> & ThrottleDeps;

export function createOauthClients(deps: ClientsDeps) {
  const { db, clock, secrets } = deps;

  return {
    async clientView(clientId: string): Promise<ClientView | null> {
      if (!clientId) return null;
      const app = await db.application.findUnique({
        where: { id: clientId },
        select: { id: true, name: true, type: true, redirectUris: true, postLogoutRedirectUris: true, corsOrigins: true, isThirdParty: true },
      });
      return app ? { ...app, type: app.type as ApplicationKind } : null;
    },

    /**
     * Whether `secret` is a live secret of `clientId`. Throttled as a 'secret' attempt: throws
     * RateLimitedError (429) when the client's or the IP's budget is spent, before any check.
     */
    async verifyClientSecret(clientId: string, secret: string, o: { ip?: string | null } = {}): Promise<boolean> {
      try {
        await deps.throttle.attempt('secret', { ip: o.ip, account: clientId }, async () => {
          const now = clock.now();
          const row = secret
            ? await db.applicationSecret.findUnique({ where: { secretHash: secrets.hashToken(secret) }, select: { id: true, applicationId: true, expiresAt: true, lastUsedAt: true } })
            : null;
          if (!row || row.applicationId !== clientId || (row.expiresAt && row.expiresAt <= now)) throw new SecretMismatch();
          // To the minute: a busy M2M client would otherwise write on every token it asks for.
          if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
            await db.applicationSecret.update({ where: { id: row.id }, data: { lastUsedAt: now } });
          }
        });
        return true;
      } catch (error) {
        if (error instanceof SecretMismatch) return false;
        throw error;
      }
    },

    async resourceByIndicator(indicator: string): Promise<ResourceView | null> {
      return db.apiResource.findUnique({
        where: { indicator },
        select: { id: true, indicator: true, name: true, accessTokenTtl: true, isDefault: true },
      });
    },

    /** The resource tokens get when a request names none (at most one is marked default). */
    async defaultResource(): Promise<ResourceView | null> {
      return db.apiResource.findFirst({
        where: { isDefault: true },
        select: { id: true, indicator: true, name: true, accessTokenTtl: true, isDefault: true },
        orderBy: { createdAt: 'asc' },
      });
    },

    /**
     * The scopes of resource `indicator` the caller holds through its roles: an M2M application
     * through ApplicationRole, a user through the roles of their tenant memberships (Frontegg's
     * roles underneath). Sorted, without duplicates.
     */
    async grantedScopes(who: { applicationId: string } | { userId: string }, indicator: string): Promise<string[]> {
      const role =
        'applicationId' in who
          ? { applications: { some: { applicationId: who.applicationId } } }
          : { type: 'USER' as const, memberships: { some: { membership: { userId: who.userId, disabled: false } } } };
      const rows = await db.apiScope.findMany({
        where: { resource: { indicator }, roles: { some: { role } } },
        select: { name: true },
        orderBy: { name: 'asc' },
      });
      return [...new Set(rows.map((r) => r.name))];
    },

    /** Whether any application lists `origin` among its CORS origins (browser calls to /oidc). */
    async isApplicationCorsOrigin(origin: string): Promise<boolean> {
      return !!(await db.application.findFirst({ where: { corsOrigins: { has: origin } }, select: { id: true } }));
    },
  };
}

export type OauthClients = ReturnType<typeof createOauthClients>;
