// oidc-provider ships no type declarations (and @types/oidc-provider lags its majors): the part
// of its API Gatehouse uses, typed loosely where the provider hands us its own objects.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AdapterPayload {
    [key: string]: unknown;
    grantId?: string;
    userCode?: string;
    uid?: string;
    consumed?: number;
  }
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  /** The provider's view of a client (metadata camelCased) and of the current request. */
  export interface ClientLike {
    clientId: string;
    clientAuthMethod: string;
    metadata(): Record<string, unknown>;
  }
  export interface KoaContextLike {
    path: string;
    method: string;
    status: number;
    body: unknown;
    set(name: string, value: string): void;
    oidc: { params: Record<string, unknown> & { scope?: string; grant_type?: string }; client?: ClientLike } & Record<string, unknown>;
  }

  export type Configuration = Record<string, unknown>;

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    use(fn: (ctx: KoaContextLike, next: () => Promise<void>) => Promise<void> | void): this;
    on(event: string, listener: (...args: any[]) => void): this;
    readonly Client: { prototype: { compareClientSecret(actual: string): Promise<boolean> } };
    static get ctx(): KoaContextLike | undefined;
  }
  export default Provider;

  export namespace errors {
    class OIDCProviderError extends Error {
      constructor(status: number, message: string, options?: unknown);
      error: string;
      error_description?: string;
      status: number;
      statusCode: number;
      expose: boolean;
    }
    class InvalidTarget extends OIDCProviderError {
      constructor(description?: string);
    }
    /** invalid_client, 401 (client authentication failed). */
    class InvalidClientAuth extends OIDCProviderError {
      constructor(detail?: string);
    }
    class InvalidScope extends OIDCProviderError {
      constructor(description: string, scope?: string);
    }
  }
}
