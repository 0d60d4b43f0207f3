// Access tokens carry what Frontegg's SDKs read from the JWT: sub, email, name, tenantId,
// tenantIds, roles and permissions (keys), type "userToken", sid, plus iss/aud/iat/exp.
import type { Deps } from '../deps.ts';

export const USER_TOKEN_TYPE = 'userToken';

export interface AccessTokenSubject {
  userId: string;
  email: string | null;
  name: string | null;
  profilePictureUrl: string | null;
  verified: boolean;
  tenantId: string;
  tenantIds: string[];
  roleKeys: string[];
  permissionKeys: string[];
  sessionId: string;
  metadata: unknown;
}

export interface AccessTokenClaims {
  sub: string;
  type: string;
  email?: string;
  name?: string;
  tenantId: string;
  tenantIds: string[];
  roles: string[];
  permissions: string[];
  sid: string;
}

export function createTokenIssuer({ keys, config, clock, vendor }: Pick<Deps, 'keys' | 'config' | 'clock' | 'vendor'>) {
  return {
    async issueAccessToken(s: AccessTokenSubject) {
      const now = clock.now();
      const expiresIn = config.accessTokenTtl;
      const accessToken = await keys.current.sign(
        {
          type: USER_TOKEN_TYPE,
          ...(s.email ? { email: s.email } : {}),
          ...(s.name ? { name: s.name } : {}),
          ...(s.profilePictureUrl ? { profilePictureUrl: s.profilePictureUrl } : {}),
          email_verified: s.verified,
          tenantId: s.tenantId,
          tenantIds: s.tenantIds,
          roles: s.roleKeys,
          permissions: s.permissionKeys,
          metadata: s.metadata ?? {},
          sid: s.sessionId,
        },
        { issuer: config.issuer, audience: vendor.clientId, subject: s.userId, expiresInSeconds: expiresIn, now },
      );
      return { accessToken, expiresIn, expires: new Date(now.getTime() + expiresIn * 1000) };
    },
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
