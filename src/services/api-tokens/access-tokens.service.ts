// Access tokens (Frontegg "account access tokens" and "user access tokens", i.e. personal access
// tokens): a bearer JWT issued once, presented as `Authorization: Bearer`, revoked by deleting its
// row. Unlike client credentials there is no exchange: the JWT itself is the secret, so it carries
// no roles or permissions (they would go stale); they are resolved from the row at every use, in
// one statement keyed by the primary key. Only a keyed hash of the JWT is stored, and the bearer
// must match it, so a token is accepted only while its row exists and only in its exact form.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { safeEqual } from '../../platform/crypto.ts';
import { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { loadTenantAuthorization } from '../roles/authorization.service.ts';
import { idSchema, parseInput } from '../validation.ts';
import type { ApiTokenPrincipal } from './api-token-jwt.ts';
import { checkGrantor, resolveGrants, tokenReads, tokenRolesSql, type Grantor } from './api-tokens.service.ts';

export const TENANT_ACCESS_TOKEN_TYPE = 'tenantAccessToken';
export const USER_ACCESS_TOKEN_TYPE = 'userAccessToken';
export const ACCESS_TOKEN_TYPES = [TENANT_ACCESS_TOKEN_TYPE, USER_ACCESS_TOKEN_TYPE] as const;

/**
 * Our verifier requires `exp` on every JWT (defence in depth for sessions and vendor tokens), so a
 * token created without expiry carries one a century out; its row is what makes it revocable.
 */
const NEVER_EXPIRES_SECONDS = 100 * 365 * 24 * 60 * 60;

const descriptionSchema = z.string().trim().max(1024);
const expiresInMinutesSchema = z.number().int().positive().max(10 * 365 * 24 * 60);

const CreateTenantInput = z.object({
  tenantId: idSchema,
  createdById: idSchema.nullish(),
  description: descriptionSchema.nullish(),
  expiresInMinutes: expiresInMinutesSchema.nullish(),
  roleIds: z.array(idSchema).max(100).nullish(),
});

const CreateUserInput = z.object({
  userId: idSchema,
  tenantId: idSchema,
  description: descriptionSchema.nullish(),
  expiresInMinutes: expiresInMinutesSchema.nullish(),
});

type AccessKind = 'TENANT_ACCESS' | 'USER_ACCESS';
type Query = { include?: Prisma.ApiTokenInclude; select?: Prisma.ApiTokenSelect };

export interface AccessTokenData {
  id: string;
  kind: AccessKind;
  secretHash: string;
  tenantId: string;
  userId: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  /** A user token's user is still an active, unlocked member of the tenant. */
  userActive: boolean;
  roleKeys: string[];
  permissionKeys: string[];
}

type Db = Pick<Deps, 'db'>['db'];

/**
 * The token row with the role and permission keys it amounts to now, in one statement: tenant
 * tokens have their own roles, user tokens their user's current roles in the token's tenant
 * (membership and groups), so a user who loses a role or leaves the tenant takes it from the token.
 */
async function loadAccessToken(db: Db, id: string, now: Date): Promise<AccessTokenData | undefined> {
  const [row] = await db.$queryRaw<AccessTokenData[]>`
    WITH t AS (
      SELECT id, kind, "secretHash", "tenantId", "userId", "expiresAt", "createdAt"
      FROM "ApiToken" WHERE id = ${id} AND kind IN ('TENANT_ACCESS', 'USER_ACCESS')
    ), ${tokenRolesSql(now, { tenant: 'TENANT_ACCESS', user: 'USER_ACCESS' })}
    SELECT t.id, t.kind::text AS kind, t."secretHash", t."tenantId", t."userId", t."expiresAt", t."createdAt",
      EXISTS (SELECT 1 FROM m) AS "userActive",
      COALESCE((SELECT array_agg(ro.key ORDER BY ro.key) FROM "Role" ro JOIN r ON r.id = ro.id), '{}'::text[]) AS "roleKeys",
      COALESCE((SELECT array_agg(DISTINCT pe.key ORDER BY pe.key)
                FROM "RolePermission" rp JOIN r ON r.id = rp."roleId" JOIN "Permission" pe ON pe.id = rp."permissionId"), '{}'::text[]) AS "permissionKeys"
    FROM t`;
  return row;
}

const usableAt = (row: AccessTokenData, now: Date) => (!row.expiresAt || row.expiresAt > now) && (row.kind === 'TENANT_ACCESS' || row.userActive);

/**
 * The principal a verified access-token JWT stands for, or `auth_token_invalid` when its row is
 * gone (revoked), the bearer is not the issued token, it expired, or its user lost access. Called
 * by authenticateBearer after the signature, issuer, audience and `exp` were checked.
 */
export async function accessTokenPrincipal(
  deps: Pick<Deps, 'db' | 'secrets'>,
  token: string,
  claims: { type: string; jti?: unknown },
  now: Date,
): Promise<ApiTokenPrincipal> {
  if (typeof claims.jti !== 'string' || claims.jti.length > 64) fail('auth_token_invalid');
  const row = await loadAccessToken(deps.db, claims.jti, now);
  const expectedKind: AccessKind = claims.type === USER_ACCESS_TOKEN_TYPE ? 'USER_ACCESS' : 'TENANT_ACCESS';
  if (!row || row.kind !== expectedKind || !safeEqual(row.secretHash, deps.secrets.hashToken(token)) || !usableAt(row, now)) fail('auth_token_invalid');
  return {
    kind: 'apiToken',
    tokenId: row.id,
    tokenKind: row.kind === 'USER_ACCESS' ? 'user' : 'tenant',
    userId: row.userId,
    tenantId: row.tenantId,
    roles: row.roleKeys,
    permissions: row.permissionKeys,
  };
}

type AccessTokenDeps = Pick<Deps, 'db' | 'secrets' | 'clock' | 'keys' | 'config' | 'vendor'>;

export function createAccessTokensService(deps: AccessTokenDeps) {
  const { db, secrets, clock, keys, config, vendor } = deps;

  /** Signs the bearer JWT for a new row; the caller stores only its keyed hash. */
  async function signFor(t: { id: string; kind: AccessKind; tenantId: string; userId: string | null; expiresAt: Date | null }, now: Date) {
    const user = t.kind === 'USER_ACCESS';
    const expiresIn = t.expiresAt ? Math.round((t.expiresAt.getTime() - now.getTime()) / 1000) : NEVER_EXPIRES_SECONDS;
    return keys.current.sign(
      {
        type: user ? USER_ACCESS_TOKEN_TYPE : TENANT_ACCESS_TOKEN_TYPE,
        jti: t.id,
        tenantId: t.tenantId,
        ...(user ? { userId: t.userId } : {}),
      },
      // sub is the token's id for both kinds, as Frontegg signs them: its backend SDK looks a
      // presented access token up by `sub` (vendor-only data and active routes) and reads the
      // user of a personal token from `userId`.
      { issuer: config.issuer, audience: vendor.clientId, subject: t.id, expiresInSeconds: expiresIn, now },
    );
  }

  const expiry = (now: Date, minutes: number | null | undefined) => (minutes ? new Date(now.getTime() + minutes * 60_000) : null);

  async function insert(
    tx: Parameters<Parameters<typeof db.$transaction>[0]>[0],
    t: { id: string; kind: AccessKind; tenantId: string; userId: string | null; createdById: string | null; description: string | null; expiresAt: Date | null; roleIds: string[] },
    now: Date,
  ) {
    const secret = await signFor(t, now);
    await tx.apiToken.create({
      data: {
        id: t.id,
        // clientId is unique and required; access tokens are never exchanged (the exchange only
        // takes TENANT and USER kinds), so it simply mirrors the id.
        clientId: t.id,
        kind: t.kind,
        secretHash: secrets.hashToken(secret),
        tenantId: t.tenantId,
        userId: t.userId,
        description: t.description,
        createdById: t.createdById,
        expiresAt: t.expiresAt,
        createdAt: now,
        roles: { create: t.roleIds.map((roleId) => ({ roleId })) },
      },
    });
    return secret;
  }

  return {
    /** An account access token with roles the grantor's permissions cover. The secret is returned here only. */
    async createTenantToken(raw: z.input<typeof CreateTenantInput>, grantor: Grantor) {
      const input = parseInput(CreateTenantInput, raw);
      const now = clock.now();
      const id = randomUUID();
      const secret = await db.$transaction(async (tx) => {
        if (!(await tx.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } }))) fail('tenant_not_found');
        const grants = await resolveGrants(tx, input.tenantId, input.roleIds, null);
        checkGrantor(grantor, grants.permissionKeys);
        return insert(
          tx,
          {
            id,
            kind: 'TENANT_ACCESS',
            tenantId: input.tenantId,
            userId: null,
            createdById: input.createdById ?? null,
            description: input.description ?? null,
            expiresAt: expiry(now, input.expiresInMinutes),
            roleIds: grants.roleIds,
          },
          now,
        );
      });
      return { id, secret };
    },

    /** A personal access token: acts for its user in `tenantId` with the user's roles at use. */
    async createUserToken(raw: z.input<typeof CreateUserInput>) {
      const input = parseInput(CreateUserInput, raw);
      const now = clock.now();
      const id = randomUUID();
      const secret = await db.$transaction(async (tx) => {
        if (!(await loadTenantAuthorization(tx, input.userId, input.tenantId, now))) fail('user_not_member_of_tenant');
        return insert(
          tx,
          {
            id,
            kind: 'USER_ACCESS',
            tenantId: input.tenantId,
            userId: input.userId,
            createdById: input.userId,
            description: input.description ?? null,
            expiresAt: expiry(now, input.expiresInMinutes),
            roleIds: [],
          },
          now,
        );
      });
      return { id, secret };
    },

    ...tokenReads(db, 'TENANT_ACCESS', 'USER_ACCESS'),

    /** Deleting is revoking: the next request with the JWT finds no row. */
    async deleteTenantToken(id: string, tenantId: string) {
      const { count } = await db.apiToken.deleteMany({ where: { id, tenantId, kind: 'TENANT_ACCESS' } });
      if (count === 0) fail('api_token_not_found');
    },

    async deleteUserToken(id: string, userId: string) {
      const { count } = await db.apiToken.deleteMany({ where: { id, userId, kind: 'USER_ACCESS' } });
      if (count === 0) fail('api_token_not_found');
    },

    /**
     * Vendor-only token data: what the token amounts to right now (roles and permissions as
     * resolved at use). Never the secret or its hash. Scoped to the tenant the vendor names.
     */
    async tokenData(id: string, kind: AccessKind, tenantId: string | null) {
      const row = await loadAccessToken(db, id, clock.now());
      // tenantId null: the vendor named no tenant (Frontegg's backend SDK never sends one here).
      if (!row || row.kind !== kind || (tenantId !== null && row.tenantId !== tenantId)) fail('api_token_not_found');
      return {
        id: row.id,
        tenantId: row.tenantId,
        userId: row.userId,
        roles: row.roleKeys,
        permissions: row.permissionKeys,
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
      };
    },

    /**
     * The ids of the access tokens of one kind that are usable now, in one tenant or (null) in
     * every tenant: what Frontegg's backend SDK checks a presented token's `sub` against, without
     * naming a tenant, and then trusts the signature. So "usable" is the bearer check's rule
     * (usableAt): not revoked (the row exists), not expired, and for a personal token its user
     * still an enabled, unlocked member of the token's tenant. One statement, ids only.
     */
    async listActiveTokenIds(kind: AccessKind, tenantId: string | null): Promise<string[]> {
      const now = clock.now();
      const kindLiteral = Prisma.raw(kind === 'USER_ACCESS' ? `'USER_ACCESS'` : `'TENANT_ACCESS'`);
      const rows = await db.$queryRaw<Array<{ id: string }>>`
        SELECT t.id FROM "ApiToken" t
        WHERE t.kind = ${kindLiteral}
          ${tenantId === null ? Prisma.empty : Prisma.sql`AND t."tenantId" = ${tenantId}`}
          AND (t."expiresAt" IS NULL OR t."expiresAt" > ${now})
          AND (t.kind = 'TENANT_ACCESS' OR EXISTS (
            SELECT 1 FROM "UserTenant" ut JOIN "User" u ON u.id = ut."userId" AND u."lockedAt" IS NULL
            WHERE ut."userId" = t."userId" AND ut."tenantId" = t."tenantId"
              AND NOT ut.disabled AND (ut."expiresAt" IS NULL OR ut."expiresAt" > ${now})))
        ORDER BY t."createdAt" DESC`;
      return rows.map((r) => r.id);
    },

    /** The tenant's user access tokens that have not expired (vendor-only). */
    listActiveUserTokens(tenantId: string, query: Query = {}) {
      const now = clock.now();
      return db.apiToken.findMany({
        ...query,
        where: { tenantId, kind: 'USER_ACCESS', OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        orderBy: { createdAt: 'desc' },
      });
    },
  };
}

export type AccessTokensService = ReturnType<typeof createAccessTokensService>;
