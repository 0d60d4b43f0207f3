// The OAuth 2.1 / OpenID Connect front door: oidc-provider (panva; OpenID-certified) configured
// over Gatehouse's services. Like src/graphql and src/rest it is a transport: it owns no rule —
// clients, secrets, resources and scopes come from services.oauthClients, what the provider
// persists goes to services.oidcArtifacts, and it signs with the same key set as everything else.
//
// This slice turns on: discovery, JWKS, the client_credentials grant with resource indicators
// (RFC 8707: audience-restricted JWT access tokens, `scope` = the scopes the M2M application holds
// for that resource), revocation (RFC 7009) and introspection (RFC 7662). No response type is
// enabled, so there is no authorization-code flow, no refresh token, no userinfo and no
// interaction yet (the next slice), and discovery says so.
//
// Keys: oidc-provider reads its keystore once, when constructed. Rotation swaps
// `deps.keys.current` (services.signingKeys, on every instance through the change feed), so
// `current()` rebuilds the provider when the key set it was built for is no longer the current
// one; its state lives in the database, so a new instance loses nothing.
import { randomBytes } from 'node:crypto';
import Provider, { errors, type Adapter, type AdapterPayload, type ClientLike, type Configuration, type KoaContextLike } from 'oidc-provider';
import { RateLimitedError } from '../errors/domain-errors.ts';
import type { KeySet } from '../platform/jwt.ts';
import type { Logger } from '../platform/logger.ts';
import { currentRequest } from '../platform/request-context.ts';
import { isPublicClient, type ClientView } from '../services/oauth/oauth-clients.ts';
import type { Services } from '../services/index.ts';

export const OIDC_MOUNT = '/oidc';

export interface OidcDeps {
  services: Pick<Services, 'oauthClients' | 'oidcArtifacts'>;
  keys: { current: KeySet };
  /** Gatehouse's issuer; the provider's is `${issuer}/oidc`. */
  issuer: string;
  /** GATEHOUSE_CORS_ORIGINS: allowed for every client, besides each application's own origins. */
  corsOrigins: readonly string[];
  /** Keys for the provider's signed cookies (none are set in this slice; required all the same). */
  cookieKeys: string[];
  logger: Logger;
}

/** Not a secret anyone holds: confidential clients are checked by compareClientSecret (below), never against this. */
const UNUSABLE_SECRET = randomBytes(32).toString('base64url');

/** 429 for a spent 'secret' attempt budget (RFC 6585); OAuth defines no code for it. */
class RateLimited extends errors.OIDCProviderError {
  constructor() {
    super(429, 'rate_limited');
    this.error_description = 'too many failed client authentication attempts; retry later';
  }
}

/** oidc-provider's client metadata for an application (Logto's types; RFC 6749 §2.1). */
function clientMetadata(c: ClientView): AdapterPayload {
  const publicClient = isPublicClient(c.type);
  return {
    client_id: c.id,
    client_name: c.name,
    ...(publicClient ? { token_endpoint_auth_method: 'none' } : { token_endpoint_auth_method: 'client_secret_basic', client_secret: UNUSABLE_SECRET }),
    // Only machine-to-machine applications act on their own behalf; the browser and native
    // flows (authorization_code, refresh_token) come with the next slice.
    grant_types: c.type === 'MACHINE_TO_MACHINE' ? ['client_credentials'] : [],
    response_types: [],
    redirect_uris: [],
    cors_origins: c.corsOrigins,
  };
}

/** One adapter class per model name, as oidc-provider asks; 'Client' reads applications. */
function adapterClass(deps: OidcDeps) {
  const { oidcArtifacts: store, oauthClients } = deps.services;
  return class GatehouseAdapter implements Adapter {
    constructor(private readonly kind: string) {}
    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      if (this.kind === 'Client') throw new Error('clients are applications: written through the applications service');
      await store.upsert(this.kind, id, payload, expiresIn);
    }
    async find(id: string) {
      if (this.kind === 'Client') {
        const view = await oauthClients.clientView(id);
        return view ? clientMetadata(view) : undefined;
      }
      return store.find(this.kind, id);
    }
    findByUid(uid: string) {
      return store.findByUid(this.kind, uid);
    }
    findByUserCode(userCode: string) {
      return store.findByUserCode(this.kind, userCode);
    }
    consume(id: string) {
      return store.consume(this.kind, id);
    }
    destroy(id: string) {
      return store.destroy(this.kind, id);
    }
    revokeByGrantId(grantId: string) {
      return store.revokeByGrantId(grantId);
    }
  };
}

function configuration(deps: OidcDeps, keys: KeySet): Configuration {
  const { oauthClients } = deps.services;
  const globalOrigins = new Set(deps.corsOrigins);
  return {
    adapter: adapterClass(deps),
    clients: [],
    jwks: { keys: [keys.signingPrivateJwk()] },
    cookies: { keys: deps.cookieKeys },
    // No response type: the authorization endpoint has nothing to serve yet (next slice).
    responseTypes: [],
    // Without offline_access no refresh_token grant is registered.
    scopes: ['openid'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    clientDefaults: { id_token_signed_response_alg: keys.signingKey.algorithm, grant_types: [], response_types: [] },
    extraClientMetadata: { properties: ['cors_origins'] },
    pkce: { required: () => true },
    features: {
      // Off until the slice that needs them: the interactions (hosted sign-in page), userinfo,
      // RP-initiated logout, pushed authorization requests, DPoP.
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // RFC 7662 §2.1: the endpoint is for authenticated callers; a public client cannot
        // authenticate, so it may not learn about tokens (401 as for any client-auth failure).
        allowedPolicy: (_ctx: KoaContextLike, client: ClientLike) => {
          if (client.clientAuthMethod === 'none') throw new errors.InvalidClientAuth('public clients cannot introspect tokens');
          return true;
        },
      },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: KoaContextLike, _client: ClientLike, oneOf?: string[]) => {
          if (oneOf) return undefined;
          return (await oauthClients.defaultResource())?.indicator;
        },
        useGrantedResource: () => false,
        getResourceServerInfo: async (ctx: KoaContextLike, indicator: string, client: ClientLike) => {
          const resource = await oauthClients.resourceByIndicator(indicator);
          if (!resource) throw new errors.InvalidTarget();
          const granted = client.clientAuthMethod === 'none' ? [] : await oauthClients.grantedScopes({ applicationId: client.clientId }, indicator);
          // A client-credentials request that names no scope gets every scope its roles grant for
          // the resource (RFC 6749 §3.3: the server's default). The provider intersects what was
          // requested with `scope` below, so requested scopes the application does not hold are
          // dropped and the response's `scope` says what was granted (§5.1).
          if (ctx.oidc.params.grant_type === 'client_credentials' && ctx.oidc.params.scope === undefined && granted.length) ctx.oidc.params.scope = granted.join(' ');
          return {
            scope: granted.join(' '),
            audience: resource.indicator,
            accessTokenTTL: resource.accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: keys.signingKey.algorithm } },
          };
        },
      },
    },
    ttl: {
      // The resource's own lifetime; opaque tokens (no resource) ten minutes.
      ClientCredentials: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 600,
    },
    clientBasedCORS: (_ctx: KoaContextLike, origin: string, client: ClientLike) => {
      if (globalOrigins.has(origin)) return true;
      const own = client.metadata()['cors_origins'];
      return Array.isArray(own) && own.includes(origin);
    },
    renderError: (ctx: KoaContextLike, out: Record<string, unknown>) => {
      ctx.set('content-type', 'application/json; charset=utf-8');
      ctx.body = out;
    },
  };
}

/** Builds a provider for `keys`, with the client-secret check bound to Gatehouse's hashed secrets. */
function buildProvider(deps: OidcDeps, keys: KeySet): Provider {
  const provider = new Provider(`${deps.issuer}${OIDC_MOUNT}`, configuration(deps, keys));
  // Gatehouse holds keyed hashes of client secrets, never the secrets: the provider's own check
  // compares plain strings, so the comparison is replaced (per provider instance, through its
  // Client class) by the service's, which hashes, looks up, refuses expired secrets and counts
  // the attempt in the throttle. Every endpoint that authenticates clients goes through here.
  const { oauthClients } = deps.services;
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(this: ClientLike, presented: string) {
    try {
      return await oauthClients.verifyClientSecret(this.clientId, presented, { ip: currentRequest()?.clientIp ?? null });
    } catch (error) {
      if (error instanceof RateLimitedError) {
        Provider.ctx?.set('retry-after', String(error.retryAfter));
        throw new RateLimited();
      }
      throw error;
    }
  };
  provider.use(async (ctx, next) => {
    await next();
    // RFC 6749 §5.2 names this refusal unauthorized_client; oidc-provider answers invalid_request.
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    if (ctx.path === '/token' && ctx.status === 400 && body?.error === 'invalid_request' && body.error_description === 'requested grant type is not allowed for this client') {
      body.error = 'unauthorized_client';
    }
    // Discovery describes only what is enabled: no response type means no authorization endpoint.
    if (ctx.path === '/.well-known/openid-configuration' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      const doc = ctx.body as Record<string, unknown>;
      for (const k of ['authorization_endpoint', 'response_modes_supported', 'authorization_response_iss_parameter_supported', 'code_challenge_methods_supported', 'claims_parameter_supported', 'request_uri_parameter_supported'])
        delete doc[k];
    }
  });
  provider.on('server_error', (_ctx: unknown, err: unknown) => deps.logger.error({ err }, 'OpenID provider error'));
  return provider;
}

export interface OidcProvider {
  /** The provider for the current key set (rebuilt after a rotation or retirement). */
  current(): Provider;
}

export function createOidcProvider(deps: OidcDeps): OidcProvider {
  let builtFor = deps.keys.current;
  let provider = buildProvider(deps, builtFor);
  return {
    current() {
      if (deps.keys.current !== builtFor) {
        builtFor = deps.keys.current;
        provider = buildProvider(deps, builtFor);
        deps.logger.info({ kid: builtFor.signingKey.kid }, 'OpenID provider follows the rotated signing key');
      }
      return provider;
    },
  };
}
