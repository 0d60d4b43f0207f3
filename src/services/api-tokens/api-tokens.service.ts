// API tokens (Frontegg "client credentials"): a clientId and a secret that a machine exchanges
// for a short-lived JWT. Tenant tokens act for the tenant with the roles or permissions they were
// given; user tokens act for their user in one tenant with the user's current permissions
// (narrowed to the token's own when it has any). The secret is high-entropy (256 bits): it is
// stored as a keyed hash, compared in constant time, and shown only once, at creation. Refresh
// tokens of exchanges rotate on use, like a user session's.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { randomToken, safeEqual } from '../../platform/crypto.ts';
import { Prisma, type Tx } from '../../platform/db.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import { reuseWindowStart, successorToken } from '../auth/refresh-reuse.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { loadTenantAuthorization } from '../roles/authorization.service.ts';
import { assertUserRoles } from '../roles/role-types.ts';
import { idSchema, metadataSchema, parseInput } from '../validation.ts';
import { TENANT_API_TOKEN_TYPE, USER_API_TOKEN_TYPE } from './api-token-jwt.ts';

/**
 * The `m` (the user's live membership in the token's tenant, for a user token) and `r` (the
 * token's role ids) CTEs of a token read, over a CTE `t` holding the token row. A tenant token
 * has its own roles; a user token has its user's roles in the tenant (direct and through groups)
 * while the membership is enabled, unexpired and the user unlocked. One rule for every token kind.
 */
export function tokenRolesSql(now: Date, kinds: { tenant: ApiTokenKind; user: ApiTokenKind }): Prisma.Sql {
  const tenantKind = Prisma.raw(`'${kinds.tenant}'`);
  const userKind = Prisma.raw(`'${kinds.user}'`);
  return Prisma.sql`m AS (
        SELECT ut.id FROM "UserTenant" ut
          JOIN t ON t.kind = ${userKind} AND ut."userId" = t."userId" AND ut."tenantId" = t."tenantId"
          JOIN "User" u ON u.id = ut."userId" AND u."lockedAt" IS NULL
        WHERE NOT ut.disabled AND (ut."expiresAt" IS NULL OR ut."expiresAt" > ${now})
      ), r AS (
        SELECT atr."roleId" AS id FROM "ApiTokenRole" atr JOIN t ON atr."apiTokenId" = t.id WHERE t.kind = ${tenantKind}
        UNION
        SELECT utr."roleId" FROM "UserTenantRole" utr JOIN m ON utr."membershipId" = m.id
        UNION
        SELECT gr."roleId" FROM t
          JOIN "GroupUser" gu ON gu."userId" = t."userId"
          JOIN "Group" g ON g.id = gu."groupId" AND g."tenantId" = t."tenantId"
          JOIN "GroupRole" gr ON gr."groupId" = g.id
        WHERE EXISTS (SELECT 1 FROM m)
      )`;
}

const descriptionSchema = z.string().trim().max(1024);
const expiresInMinutesSchema = z.number().int().positive().max(10 * 365 * 24 * 60);
/** Permission references are ids or keys: Frontegg clients send ids, people write keys. */
const idList = z.array(idSchema).max(100);

const CreateTenantTokenInput = z
  .object({
    tenantId: idSchema,
    createdById: idSchema.nullish(),
    description: descriptionSchema.nullish(),
    metadata: metadataSchema.nullish(),
    roleIds: idList.nullish(),
    permissionIds: idList.nullish(),
    expiresInMinutes: expiresInMinutesSchema.nullish(),
  })
  .refine((v) => v.roleIds?.length || v.permissionIds?.length, { message: 'roleIds or permissionIds is required', path: ['roleIds'] });

const CreateUserTokenInput = z.object({
  userId: idSchema,
  tenantId: idSchema,
  description: descriptionSchema.nullish(),
  metadata: metadataSchema.nullish(),
  permissionIds: idList.nullish(),
  expiresInMinutes: expiresInMinutesSchema.nullish(),
});

const UpdateTenantTokenInput = z.object({
  description: descriptionSchema.nullish(),
  metadata: metadataSchema.nullish(),
  roleIds: idList.nullish(),
  permissionIds: idList.nullish(),
});

const ExchangeInput = z.object({ clientId: z.string().min(1).max(255), secret: z.string().min(1).max(512) });

/**
 * Who grants a token its rights. A user (or an API token) may only hand out permissions it
 * holds itself, so the write-tokens permission is never a way to escalate; the vendor holds all.
 */
export type Grantor = { permissions: readonly string[] } | null;

type Query = { include?: Prisma.ApiTokenInclude; select?: Prisma.ApiTokenSelect };

interface Grants {
  roleIds: string[];
  permissionIds: string[];
  /** The permission keys the grants amount to (roles expanded). */
  permissionKeys: string[];
}

/** Roles must be vendor-wide or the tenant's own; permissions must exist and be assignable. Roles win over permissions (Frontegg). */
export async function resolveGrants(tx: Tx, tenantId: string, roleIds: string[] | null | undefined, permissionRefs: string[] | null | undefined): Promise<Grants> {
  if (roleIds?.length) {
    const ids = [...new Set(roleIds)];
    const roles = await tx.role.findMany({
      where: { id: { in: ids }, OR: [{ tenantId: null }, { tenantId }] },
      select: { id: true, type: true, permissions: { select: { permission: { select: { key: true } } } } },
    });
    if (roles.length !== ids.length) fail('role_ids_invalid');
    assertUserRoles(roles);
    const keys = new Set(roles.flatMap((r) => r.permissions.map((p) => p.permission.key)));
    return { roleIds: ids, permissionIds: [], permissionKeys: [...keys] };
  }
  const refs = [...new Set(permissionRefs ?? [])];
  if (!refs.length) return { roleIds: [], permissionIds: [], permissionKeys: [] };
  const found = await tx.permission.findMany({
    where: { OR: [{ id: { in: refs } }, { key: { in: refs } }], assignmentType: { not: 'NEVER' } },
    select: { id: true, key: true },
  });
  if (!refs.every((ref) => found.some((p) => p.id === ref || p.key === ref))) fail('api_token_permissions_invalid');
  return { roleIds: [], permissionIds: found.map((p) => p.id), permissionKeys: found.map((p) => p.key) };
}

export function checkGrantor(grantor: Grantor, keys: readonly string[]) {
  if (grantor && keys.some((k) => !grantor.permissions.includes(k))) fail('api_token_exceeds_grantor');
}

interface ExchangeRow {
  id: string;
  kind: 'TENANT' | 'USER';
  secretHash: string;
  tenantId: string;
  userId: string | null;
  expiresAt: Date | null;
  metadata: unknown;
  createdById: string | null;
  userActive: boolean;
  roleKeys: string[];
  permissionKeys: string[];
}

const usableAt = (row: ExchangeRow, now: Date) => (!row.expiresAt || row.expiresAt > now) && (row.kind === 'TENANT' || row.userActive);

type ApiTokenDeps = Pick<Deps, 'db' | 'secrets' | 'clock' | 'keys' | 'config' | 'vendor'> & ThrottleDeps;

/** Reads of one pair of token kinds (tenant / user): client credentials, or access tokens. */
export function tokenReads(db: Deps['db'], tenantKind: ApiTokenKind, userKind: ApiTokenKind) {
  return {
    findTenantToken(id: string, tenantId: string, query: Query = {}) {
      return db.apiToken.findFirst({ ...query, where: { id, tenantId, kind: tenantKind } });
    },
    findUserToken(id: string, userId: string, query: Query = {}) {
      return db.apiToken.findFirst({ ...query, where: { id, userId, kind: userKind } });
    },
    /**
     * Tokens by id in one statement, as the finders above scope them: tenant tokens of
     * `scope.tenantId` (null: none), and the user tokens of `scope.user` in its tenant; scope null
     * (the vendor, which may name any tenant and user): any token of these kinds.
     */
    findManyVisible(ids: string[], scope: { tenantId: string | null; user: { userId: string; tenantId: string } | null } | null, query: Query = {}) {
      if (scope === null) return db.apiToken.findMany({ ...query, where: { id: { in: ids }, kind: { in: [tenantKind, userKind] } } });
      const or = [
        ...(scope.tenantId ? [{ tenantId: scope.tenantId, kind: tenantKind }] : []),
        ...(scope.user ? [{ userId: scope.user.userId, tenantId: scope.user.tenantId, kind: userKind }] : []),
      ];
      if (or.length === 0) return Promise.resolve([]);
      return db.apiToken.findMany({ ...query, where: { id: { in: ids }, OR: or } });
    },
    listTenantTokens(tenantId: string, query: Query = {}) {
      return db.apiToken.findMany({ ...query, where: { tenantId, kind: tenantKind }, orderBy: { createdAt: 'desc' } });
    },
    listUserTokens(userId: string, tenantId: string, query: Query = {}) {
      return db.apiToken.findMany({ ...query, where: { userId, tenantId, kind: userKind }, orderBy: { createdAt: 'desc' } });
    },
  };
}
type ApiTokenKind = 'TENANT' | 'USER' | 'TENANT_ACCESS' | 'USER_ACCESS';

export function createApiTokensService(deps: ApiTokenDeps) {
  const { db, secrets, clock, keys, config, vendor } = deps;

  const expiry = (now: Date, minutes: number | null | undefined) => (minutes ? new Date(now.getTime() + minutes * 60_000) : null);

  /**
   * The token, its tenant's or user's roles and the permission keys it amounts to, in one
   * statement: the exchange is a hot path for machine clients.
   */
  async function loadForExchange(clientId: string, now: Date): Promise<ExchangeRow | undefined> {
    const [row] = await db.$queryRaw<ExchangeRow[]>`
      WITH t AS (
        SELECT id, kind, "secretHash", "tenantId", "userId", "expiresAt", metadata, "createdById"
        FROM "ApiToken" WHERE "clientId" = ${clientId}
      ), ${tokenRolesSql(now, { tenant: 'TENANT', user: 'USER' })}, own AS (
        SELECT atp."permissionId" AS id FROM "ApiTokenPermission" atp JOIN t ON atp."apiTokenId" = t.id
      ), granted AS (
        SELECT rp."permissionId" AS id FROM "RolePermission" rp JOIN r ON r.id = rp."roleId"
      ), p AS (
        -- tenant tokens: their roles' permissions plus their own; user tokens: the user's, narrowed to the token's own if it has any
        SELECT id FROM granted WHERE (SELECT kind FROM t) = 'TENANT'
        UNION
        SELECT id FROM own WHERE (SELECT kind FROM t) = 'TENANT'
        UNION
        SELECT id FROM granted WHERE (SELECT kind FROM t) = 'USER' AND (NOT EXISTS (SELECT 1 FROM own) OR id IN (SELECT id FROM own))
      )
      SELECT t.id, t.kind::text AS kind, t."secretHash", t."tenantId", t."userId", t."expiresAt", t.metadata, t."createdById",
        EXISTS (SELECT 1 FROM m) AS "userActive",
        COALESCE((SELECT array_agg(ro.key ORDER BY ro.key) FROM "Role" ro JOIN r ON r.id = ro.id), '{}'::text[]) AS "roleKeys",
        COALESCE((SELECT array_agg(pe.key ORDER BY pe.key) FROM "Permission" pe JOIN p ON p.id = pe.id), '{}'::text[]) AS "permissionKeys"
      FROM t`;
    return row;
  }

  /** The JWT for a usable token: its tenant, role keys and permission keys; never longer-lived than the token. */
  async function sign(row: ExchangeRow, now: Date) {
    const untilTokenExpiry = row.expiresAt ? Math.ceil((row.expiresAt.getTime() - now.getTime()) / 1000) : Infinity;
    const expiresIn = Math.min(config.accessTokenTtl, untilTokenExpiry);
    const user = row.kind === 'USER';
    const accessToken = await keys.current.sign(
      {
        type: user ? USER_API_TOKEN_TYPE : TENANT_API_TOKEN_TYPE,
        tenantId: row.tenantId,
        roles: row.roleKeys,
        permissions: row.permissionKeys,
        metadata: row.metadata ?? {},
        apiTokenId: row.id,
        clientId: row.id,
        ...(row.createdById ? { createdByUserId: row.createdById } : {}),
        ...(user ? { userId: row.userId } : {}),
      },
      { issuer: config.issuer, audience: vendor.clientId, subject: user ? row.userId! : row.id, expiresInSeconds: expiresIn, now },
    );
    return { accessToken, expiresIn, expires: new Date(now.getTime() + expiresIn * 1000) };
  }

  const refreshExpiry = (row: ExchangeRow, now: Date) =>
    new Date(Math.min(now.getTime() + config.refreshTokenTtl * 1000, row.expiresAt?.getTime() ?? Infinity));

  async function revokeFamily(familyId: string, now: Date) {
    await db.apiTokenRefreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: now } });
  }

  /** Rotates an API-token refresh token (see refresh). */
  async function rotateRefreshToken(token: string | null | undefined) {
    if (!token || token.length > 512) fail('auth_refresh_token_invalid');
    const now = clock.now();
    const current = await db.apiTokenRefreshToken.findUnique({
      where: { tokenHash: secrets.hashToken(token) },
      select: { id: true, apiTokenId: true, familyId: true, usedAt: true, revokedAt: true, expiresAt: true },
    });
    if (!current) fail('auth_refresh_token_invalid');
    const since = reuseWindowStart(config, now);
    const again = current.usedAt !== null;
    if (again && !(since && current.usedAt! > since)) {
      await revokeFamily(current.familyId, now);
      fail('auth_refresh_token_invalid');
    }
    if (current.revokedAt || (!again && current.expiresAt <= now)) fail('auth_refresh_token_invalid');
    // The id is the clientId (set so at creation).
    const row = await loadForExchange(current.apiTokenId, now);
    if (!row || !usableAt(row, now)) fail('auth_refresh_token_invalid');
    const next = successorToken(secrets, 'api-token-refresh', current.id, token);
    if (!again) {
      // Compare-and-set in one statement: of two concurrent refreshes with the same token only
      // one claims it; the next token exists only if it did.
      const inserted = await db.$executeRaw`
        WITH claimed AS (
          UPDATE "ApiTokenRefreshToken" SET "usedAt" = ${now}
          WHERE id = ${current.id} AND "usedAt" IS NULL AND "revokedAt" IS NULL RETURNING "apiTokenId", "familyId"
        ), touched AS (
          UPDATE "ApiToken" SET "lastUsedAt" = ${now} WHERE id IN (SELECT "apiTokenId" FROM claimed) RETURNING id
        )
        INSERT INTO "ApiTokenRefreshToken" (id, "apiTokenId", "familyId", "tokenHash", "createdAt", "expiresAt")
        SELECT ${randomUUID()}, c."apiTokenId", c."familyId", ${secrets.hashToken(next)}, ${now}, ${refreshExpiry(row, now)}
        FROM claimed c JOIN touched ON touched.id = c."apiTokenId"`;
      if (inserted === 1) return { ...(await sign(row, now)), refreshToken: next };
      // Lost the claim to a concurrent refresh with the same token: answered again below, if allowed.
    }
    // Still the immediately previous token: rotated within the interval, its successor unused and live.
    const answered = since
      ? await db.$executeRaw`
          UPDATE "ApiToken" SET "lastUsedAt" = ${now} WHERE id IN (
            SELECT n."apiTokenId" FROM "ApiTokenRefreshToken" p JOIN "ApiTokenRefreshToken" n ON n."familyId" = p."familyId"
            WHERE p.id = ${current.id} AND p."usedAt" > ${since}
              AND n."tokenHash" = ${secrets.hashToken(next)} AND n."usedAt" IS NULL AND n."revokedAt" IS NULL AND n."expiresAt" > ${now})`
      : 0;
    if (answered !== 1) {
      await revokeFamily(current.familyId, now);
      fail('auth_refresh_token_invalid');
    }
    return { ...(await sign(row, now)), refreshToken: next };
  }

  return {
    /** Creates a tenant token. The secret is returned here and never again. */
    async createTenantToken(raw: z.input<typeof CreateTenantTokenInput>, grantor: Grantor) {
      const input = parseInput(CreateTenantTokenInput, raw);
      const now = clock.now();
      const id = randomUUID();
      const secret = randomToken(32);
      await db.$transaction(async (tx) => {
        if (!(await tx.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } }))) fail('tenant_not_found');
        const grants = await resolveGrants(tx, input.tenantId, input.roleIds, input.permissionIds);
        checkGrantor(grantor, grants.permissionKeys);
        await tx.apiToken.create({
          data: {
            // The id doubles as the clientId: Frontegg addresses tokens by clientId in every route.
            id,
            clientId: id,
            kind: 'TENANT',
            secretHash: secrets.hashToken(secret),
            tenantId: input.tenantId,
            description: input.description ?? null,
            metadata: (input.metadata ?? {}) as Prisma.InputJsonObject,
            createdById: input.createdById ?? null,
            expiresAt: expiry(now, input.expiresInMinutes),
            createdAt: now,
            roles: { create: grants.roleIds.map((roleId) => ({ roleId })) },
            permissions: { create: grants.permissionIds.map((permissionId) => ({ permissionId })) },
          },
        });
      });
      return { id, secret };
    },

    /** Creates a token that acts for the user in `tenantId`, where they must be an active member. */
    async createUserToken(raw: z.input<typeof CreateUserTokenInput>) {
      const input = parseInput(CreateUserTokenInput, raw);
      const now = clock.now();
      const id = randomUUID();
      const secret = randomToken(32);
      await db.$transaction(async (tx) => {
        const authz = await loadTenantAuthorization(tx, input.userId, input.tenantId, now);
        if (!authz) fail('user_not_member_of_tenant');
        const grants = await resolveGrants(tx, input.tenantId, null, input.permissionIds);
        // A user token can only narrow what its user may do.
        checkGrantor({ permissions: authz.permissionKeys }, grants.permissionKeys);
        await tx.apiToken.create({
          data: {
            id,
            clientId: id,
            kind: 'USER',
            secretHash: secrets.hashToken(secret),
            tenantId: input.tenantId,
            userId: input.userId,
            description: input.description ?? null,
            metadata: (input.metadata ?? {}) as Prisma.InputJsonObject,
            createdById: input.userId,
            expiresAt: expiry(now, input.expiresInMinutes),
            createdAt: now,
            permissions: { create: grants.permissionIds.map((permissionId) => ({ permissionId })) },
          },
        });
      });
      return { id, secret };
    },

    ...tokenReads(db, 'TENANT', 'USER'),

    /** Description and metadata; new roleIds or permissionIds replace the token's grants (roles win, as at creation). */
    async updateTenantToken(id: string, tenantId: string, raw: z.input<typeof UpdateTenantTokenInput>, grantor: Grantor) {
      const input = parseInput(UpdateTenantTokenInput, raw);
      await db.$transaction(async (tx) => {
        const token = await tx.apiToken.findFirst({ where: { id, tenantId, kind: 'TENANT' }, select: { id: true } });
        if (!token) fail('api_token_not_found');
        const regrant = !!(input.roleIds?.length || input.permissionIds?.length);
        const grants = regrant ? await resolveGrants(tx, tenantId, input.roleIds, input.permissionIds) : null;
        if (grants) {
          checkGrantor(grantor, grants.permissionKeys);
          await tx.apiTokenRole.deleteMany({ where: { apiTokenId: id } });
          await tx.apiTokenPermission.deleteMany({ where: { apiTokenId: id } });
        }
        await tx.apiToken.update({
          where: { id },
          data: {
            ...(input.description !== undefined && input.description !== null ? { description: input.description } : {}),
            ...(input.metadata ? { metadata: input.metadata as Prisma.InputJsonObject } : {}),
            ...(grants
              ? {
                  roles: { create: grants.roleIds.map((roleId) => ({ roleId })) },
                  permissions: { create: grants.permissionIds.map((permissionId) => ({ permissionId })) },
                }
              : {}),
          },
        });
      });
    },

    async deleteTenantToken(id: string, tenantId: string) {
      const { count } = await db.apiToken.deleteMany({ where: { id, tenantId, kind: 'TENANT' } });
      if (count === 0) fail('api_token_not_found');
    },

    async deleteUserToken(id: string, userId: string) {
      const { count } = await db.apiToken.deleteMany({ where: { id, userId, kind: 'USER' } });
      if (count === 0) fail('api_token_not_found');
    },

    /**
     * POST /auth/v2/api-token: clientId and secret for a JWT and a refresh token that starts a
     * new family. An unknown clientId, a wrong secret, an expired or deleted token and a user who
     * lost access all answer the same 401.
     */
    async exchange(raw: { clientId: string; secret: string }, client: ClientInfo = {}) {
      const { clientId, secret } = parseInput(ExchangeInput, raw);
      const now = clock.now();
      const presented = secrets.hashToken(secret);
      const row = await deps.throttle.attempt('secret', { ip: client.ipAddress, account: clientId }, async () => {
        const row = await loadForExchange(clientId, now);
        if (!row || !safeEqual(row.secretHash, presented) || !usableAt(row, now)) fail('api_token_invalid_credentials');
        return row;
      });
      const issued = await sign(row, now);
      const refreshToken = randomToken(32);
      // One statement: lastUsedAt and the family's first refresh token.
      await db.$executeRaw`
        WITH touched AS (UPDATE "ApiToken" SET "lastUsedAt" = ${now} WHERE id = ${row.id} RETURNING id)
        INSERT INTO "ApiTokenRefreshToken" (id, "apiTokenId", "familyId", "tokenHash", "createdAt", "expiresAt")
        SELECT ${randomUUID()}, id, ${randomUUID()}, ${secrets.hashToken(refreshToken)}, ${now}, ${refreshExpiry(row, now)} FROM touched`;
      return { ...issued, refreshToken };
    },

    /**
     * POST /auth/v2/api-token/token/refresh: rotates the refresh token. A used token presented
     * again means it leaked: its whole family is revoked (OAuth 2.0 Security BCP §4.14), except
     * the immediately previous token within the reuse interval, which gets the same successor
     * again (workers sharing one token, a retry after a lost response; see refresh-reuse.ts).
     * Every failure is the same 401.
     */
    async refresh(token: string | null | undefined, client: ClientInfo = {}) {
      // A refresh token names no client before it is found: the caller's failure budget applies.
      return deps.throttle.attempt('secret', { ip: client.ipAddress }, () => rotateRefreshToken(token));
    },
  };
}

export type ApiTokensService = ReturnType<typeof createApiTokensService>;
