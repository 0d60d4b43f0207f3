// API resources (RFC 8707 resource indicators), their scopes, and the scopes roles carry.
//
// - The indicator is the access token's `aud`: an absolute URI without fragment (RFC 8707 §2),
//   unique, and fixed after creation as in Logto (tokens already issued name it, and clients are
//   configured with it; a "renamed" API is a new resource).
// - accessTokenTtl: 60 s to 1 day, Logto's default 3600 s.
// - At most one resource is the default (the audience a token gets when the request names none);
//   a partial unique index keeps this true under concurrent writes, setDefault retries the race.
// - Scope names are single tokens (RFC 6749 §3.3: scope is a space-separated list), unique per
//   resource.
// - Role scopes: any role may carry a resource's scopes; USER roles give them to users through
//   their memberships, MACHINE_TO_MACHINE roles to M2M applications (oauth-applications.service).
//   Tenant (organization) roles and permissions stay Frontegg's roles and permissions: a role's
//   Frontegg permissions go into Frontegg tokens, its resource scopes into tokens for the resource.
// Every write publishes `api-resources` on the change feed, for any per-process cache of the provider.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { isUniqueViolation } from '../roles/roles.service.ts';
import { idSchema, parseInput } from '../validation.ts';

export const MIN_TOKEN_TTL = 60;
export const MAX_TOKEN_TTL = 86_400;
export const DEFAULT_TOKEN_TTL = 3600;

/** Why `raw` cannot be a resource indicator, or null. */
export function indicatorProblem(raw: string): string | null {
  if (raw.length === 0 || raw.length > 2048) return 'must be 1 to 2048 characters';
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) return 'must not contain whitespace or control characters';
  if (raw.includes('#')) return 'must not contain a fragment';
  if (raw.includes('*')) return 'must not contain wildcards';
  try {
    new URL(raw);
  } catch {
    return 'must be an absolute URI such as https://api.example.com';
  }
  return null;
}

const name = z.string().trim().min(1).max(255);
const ttl = z.number().int().min(MIN_TOKEN_TTL).max(MAX_TOKEN_TTL);
const CreateInput = z.object({ name, indicator: z.string().trim().max(4096), accessTokenTtl: ttl.nullish() });
export type CreateApiResourceInput = z.input<typeof CreateInput>;
const UpdateInput = z.object({ name: name.nullish(), accessTokenTtl: ttl.nullish() });
export type UpdateApiResourceInput = z.input<typeof UpdateInput>;

const scopeName = z
  .string()
  .trim()
  .min(1)
  .max(256)
  // RFC 6749 §3.3 scope-token: printable ASCII except space, double quote and backslash.
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be one scope token: no spaces, quotes or backslashes');
const ScopeInput = z.object({ name: scopeName, description: z.string().trim().max(1024).nullish() });
export type CreateApiScopeInput = z.input<typeof ScopeInput>;
const UpdateScopeInput = ScopeInput.partial().extend({ name: scopeName.nullish() });
export type UpdateApiScopeInput = z.input<typeof UpdateScopeInput>;
const ScopeIds = z.array(idSchema).min(1).max(200);

type Query = object;

export function createApiResourcesService({ db, changes }: Pick<Deps, 'db' | 'changes'>) {
  const changed = () => changes.publish('api-resources');

  async function resourceId(tx: Pick<typeof db, 'apiResource'>, rawId: string) {
    const id = parseInput(idSchema, rawId);
    if (!(await tx.apiResource.findUnique({ where: { id }, select: { id: true } }))) fail('api_resource_not_found');
    return id;
  }

  async function roleId(tx: Pick<typeof db, 'role'>, rawId: string) {
    const id = parseInput(idSchema, rawId);
    if (!(await tx.role.findUnique({ where: { id }, select: { id: true } }))) fail('role_not_found');
    return id;
  }

  return {
    async create(raw: CreateApiResourceInput) {
      const input = parseInput(CreateInput, raw);
      const why = indicatorProblem(input.indicator);
      if (why) fail('api_resource_indicator_invalid', `indicator: ${why}`);
      try {
        const row = await db.apiResource.create({
          data: { name: input.name, indicator: input.indicator, accessTokenTtl: input.accessTokenTtl ?? DEFAULT_TOKEN_TTL },
          select: { id: true },
        });
        changed();
        return row.id;
      } catch (e) {
        if (isUniqueViolation(e)) fail('api_resource_already_exists');
        throw e;
      }
    },

    /** Name and token lifetime; the indicator never changes (see the header). */
    async update(rawId: string, raw: UpdateApiResourceInput) {
      const input = parseInput(UpdateInput, raw);
      const id = await resourceId(db, rawId);
      const data: Prisma.ApiResourceUpdateInput = {};
      if (input.name) data.name = input.name;
      if (input.accessTokenTtl != null) data.accessTokenTtl = input.accessTokenTtl;
      await db.apiResource.update({ where: { id }, data });
      changed();
      return id;
    },

    /** Deletes the resource and its scopes (roles lose them). */
    async delete(rawId: string) {
      const id = parseInput(idSchema, rawId);
      const { count } = await db.apiResource.deleteMany({ where: { id } });
      if (count === 0) fail('api_resource_not_found');
      changed();
    },

    /** Makes the resource the default (the previous default stops being one), or no longer the default. */
    async setDefault(rawId: string, isDefault: boolean) {
      const id = parseInput(idSchema, rawId);
      for (let attempt = 0; ; attempt++) {
        try {
          await db.$transaction(async (tx) => {
            await resourceId(tx, id);
            if (isDefault) await tx.apiResource.updateMany({ where: { isDefault: true, id: { not: id } }, data: { isDefault: false } });
            await tx.apiResource.update({ where: { id }, data: { isDefault } });
          });
          break;
        } catch (e) {
          // Another transaction made a different resource the default between our two writes:
          // the index refused ours; running again demotes that one.
          if (isUniqueViolation(e) && attempt < 3) continue;
          throw e;
        }
      }
      changed();
      return id;
    },

    list<Q extends Query>(query?: Q) {
      return db.apiResource.findMany({ ...(query ?? {}), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },

    findManyByIds<Q extends Query>(ids: string[], query?: Q) {
      return db.apiResource.findMany({ ...(query ?? {}), where: { id: { in: ids } } });
    },

    findById<Q extends Query>(id: string, query?: Q) {
      return db.apiResource.findUnique({ ...(query ?? {}), where: { id } });
    },

    async createScope(rawResourceId: string, raw: CreateApiScopeInput) {
      const input = parseInput(ScopeInput, raw);
      const resource = await resourceId(db, rawResourceId);
      try {
        const row = await db.apiScope.create({ data: { resourceId: resource, name: input.name, description: input.description ?? null }, select: { id: true } });
        changed();
        return row.id;
      } catch (e) {
        if (isUniqueViolation(e)) fail('api_scope_already_exists');
        throw e;
      }
    },

    async updateScope(rawId: string, raw: UpdateApiScopeInput) {
      const input = parseInput(UpdateScopeInput, raw);
      const id = parseInput(idSchema, rawId);
      const data: Prisma.ApiScopeUpdateManyMutationInput = {};
      if (input.name) data.name = input.name;
      if (input.description !== undefined) data.description = input.description;
      try {
        const { count } = await db.apiScope.updateMany({ where: { id }, data });
        if (count === 0) fail('api_scope_not_found');
      } catch (e) {
        if (isUniqueViolation(e)) fail('api_scope_already_exists');
        throw e;
      }
      changed();
      return id;
    },

    async deleteScope(rawId: string) {
      const id = parseInput(idSchema, rawId);
      const { count } = await db.apiScope.deleteMany({ where: { id } });
      if (count === 0) fail('api_scope_not_found');
      changed();
    },

    findScope<Q extends Query>(id: string, query?: Q) {
      return db.apiScope.findUnique({ ...(query ?? {}), where: { id } });
    },

    /** The resource's scopes by name. */
    async scopesOf<Q extends Query>(rawResourceId: string, query?: Q) {
      const resource = await resourceId(db, rawResourceId);
      return db.apiScope.findMany({ ...(query ?? {}), where: { resourceId: resource }, orderBy: [{ name: 'asc' }] });
    },

    /** Puts resource scopes on a role (USER or MACHINE_TO_MACHINE); scopes it has stay. All or none. */
    async assignRoleScopes(rawRoleId: string, rawScopeIds: string[]) {
      const scopeIds = [...new Set(parseInput(ScopeIds, rawScopeIds))];
      await db.$transaction(async (tx) => {
        const role = await roleId(tx, rawRoleId);
        if ((await tx.apiScope.count({ where: { id: { in: scopeIds } } })) !== scopeIds.length) fail('api_scope_not_found');
        await tx.roleScope.createMany({ data: scopeIds.map((scopeId) => ({ roleId: role, scopeId })), skipDuplicates: true });
      });
      changed();
    },

    async removeRoleScopes(rawRoleId: string, rawScopeIds: string[]) {
      const scopeIds = parseInput(ScopeIds, rawScopeIds);
      const role = await roleId(db, rawRoleId);
      await db.roleScope.deleteMany({ where: { roleId: role, scopeId: { in: scopeIds } } });
      changed();
    },

    /** The resource scopes a role carries, by resource then name. */
    async scopesOfRole<Q extends Query>(rawRoleId: string, query?: Q) {
      const role = await roleId(db, rawRoleId);
      return db.apiScope.findMany({ ...(query ?? {}), where: { roles: { some: { roleId: role } } }, orderBy: [{ resourceId: 'asc' }, { name: 'asc' }] });
    },
  };
}

export type ApiResourcesService = ReturnType<typeof createApiResourcesService>;
