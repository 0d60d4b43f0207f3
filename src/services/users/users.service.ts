// Users and their memberships. One createUser serves sign-up, vendor creation, tenant
// creation and (later) SSO provisioning and imports.
import { assertEmailDomainAllowedIn } from '../policies/restrictions.service.ts';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma, type Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { assertPasswordAllowedFor } from '../policies/password-policies.service.ts';
import { resolveRoleIds } from '../roles/authorization.service.ts';
import {
  emailSchema,
  idSchema,
  metadataSchema,
  nameSchema,
  parseInput,
  passwordSchema,
  phoneSchema,
  urlSchema,
  usernameSchema,
} from '../validation.ts';

export const CreateUserInput = z
  .object({
    tenantId: idSchema,
    email: emailSchema.nullish(),
    username: usernameSchema.nullish(),
    name: nameSchema.nullish(),
    password: passwordSchema.nullish(),
    phoneNumber: phoneSchema.nullish(),
    profilePictureUrl: urlSchema.nullish(),
    provider: z.enum(['local', 'saml', 'google', 'github', 'facebook', 'microsoft', 'scim2', 'slack', 'apple']).nullish(),
    metadata: metadataSchema.nullish(),
    vendorMetadata: metadataSchema.nullish(),
    roleIds: z.array(idSchema).max(100).nullish(),
    expirationInSeconds: z.number().int().positive().max(10 * 365 * 24 * 3600).nullish(),
    mfaBypass: z.boolean().nullish(),
    externalId: z.string().trim().max(255).nullish(),
    verified: z.boolean().nullish(),
  })
  .refine((u) => u.email || u.username, { message: 'email or username is required', path: ['email'] });
export type CreateUserInput = z.input<typeof CreateUserInput>;

const isUniqueViolation = (e: unknown, field?: string) =>
  e instanceof Prisma.PrismaClientKnownRequestError &&
  e.code === 'P2002' &&
  (!field || JSON.stringify(e.meta ?? {}).includes(field));

type UserDeps = Pick<Deps, 'db' | 'hasher' | 'clock'>;

/**
 * Creates the user, or adds an existing user (same email) to the tenant as Frontegg does.
 * `firstUser` gives the tenant's first user the first-user roles instead of the defaults.
 * Runs inside the caller's transaction.
 */
export async function createUserIn(
  tx: Tx,
  deps: Pick<UserDeps, 'hasher' | 'clock'>,
  raw: CreateUserInput,
  o: { firstUser?: boolean } = {},
) {
  const input = parseInput(CreateUserInput, raw);
  // The vendor's email-domain restrictions: every path that creates an account or adds an
  // address to a tenant comes through here (sign-up, vendor creation, invitations, sub-tenants).
  await assertEmailDomainAllowedIn(tx, input.email);
  const now = deps.clock.now();
  const tenant = await tx.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } });
  if (!tenant) fail('tenant_not_found');
  const roleIds = await resolveRoleIds(tx, input.tenantId, { roleIds: input.roleIds, firstUser: o.firstUser });
  if (!roleIds) fail('role_ids_invalid');
  const expiresAt = input.expirationInSeconds ? new Date(now.getTime() + input.expirationInSeconds * 1000) : null;
  const membership = {
    tenantId: input.tenantId,
    expiresAt,
    roles: { create: roleIds.map((roleId) => ({ roleId })) },
  };

  const existing = input.email ? await tx.user.findUnique({ where: { email: input.email }, select: { id: true, activeTenantId: true } }) : null;
  if (existing) {
    const member = await tx.userTenant.findUnique({ where: { userId_tenantId: { userId: existing.id, tenantId: input.tenantId } }, select: { id: true } });
    if (member) fail('user_already_in_tenant');
    await tx.userTenant.create({ data: { userId: existing.id, ...membership } });
    if (!existing.activeTenantId) await tx.user.update({ where: { id: existing.id }, data: { activeTenantId: input.tenantId } });
    return { userId: existing.id, created: false };
  }

  // The policy of the tenant the user joins (sign-up: the vendor's, the tenant being new).
  if (input.password) await assertPasswordAllowedFor(tx, [input.tenantId], input.password, { email: input.email, username: input.username });
  const passwordHash = input.password ? await deps.hasher.hash(input.password) : null;
  try {
    const user = await tx.user.create({
      data: {
        email: input.email ?? null,
        username: input.username ?? null,
        name: input.name ?? null,
        phoneNumber: input.phoneNumber ?? null,
        profilePictureUrl: input.profilePictureUrl ?? null,
        provider: input.provider ?? 'local',
        metadata: (input.metadata ?? {}) as Prisma.InputJsonObject,
        vendorMetadata: (input.vendorMetadata ?? {}) as Prisma.InputJsonObject,
        mfaBypass: input.mfaBypass ?? false,
        externalId: input.externalId ?? null,
        verified: input.verified ?? false,
        verifiedAt: input.verified ? now : null,
        activeTenantId: input.tenantId,
        ...(passwordHash ? { password: { create: { hash: passwordHash, changedAt: now } } } : {}),
        memberships: { create: membership },
      },
      select: { id: true },
    });
    return { userId: user.id, created: true };
  } catch (e) {
    if (isUniqueViolation(e, 'username')) fail('username_taken');
    if (isUniqueViolation(e)) fail('user_already_exists');
    throw e;
  }
}

export function createUsersService(deps: UserDeps) {
  const { db } = deps;
  return {
    /** Creates a user in a tenant (vendor or tenant admin). */
    async create(raw: CreateUserInput) {
      return db.$transaction((tx) => createUserIn(tx, deps, raw));
    },

    findById<Q extends object>(id: string, query?: Q) {
      return db.user.findUnique({ ...(query ?? {}), where: { id } });
    },

    /**
     * Users by id in one statement, as the single-user reads scope them: `scope` null reads any
     * (the vendor); otherwise the caller itself, plus members of `scope.tenantId` when given.
     */
    findManyVisible<Q extends object>(ids: string[], scope: { selfId: string | null; tenantId: string | null } | null, query?: Q) {
      const visible = scope && {
        OR: [...(scope.selfId ? [{ id: scope.selfId }] : []), ...(scope.tenantId ? [{ memberships: { some: { tenantId: scope.tenantId } } }] : [])],
      };
      return db.user.findMany({ ...(query ?? {}), where: { id: { in: ids }, ...visible } });
    },

    /** The user, only when they are a member of `tenantId` (tenant isolation). */
    findInTenant<Q extends object>(id: string, tenantId: string, query?: Q) {
      return db.user.findFirst({ ...(query ?? {}), where: { id, memberships: { some: { tenantId } } } });
    },

    /**
     * Marks the user's email verified (vendor or tenant admin vouches for it), only when they are a
     * member of `tenantId`: another tenant's user is not found. Idempotent; the first verification
     * time is kept.
     */
    async verify(rawUserId: string, tenantId: string) {
      const userId = parseInput(idSchema, rawUserId);
      await db.user.updateMany({
        where: { id: userId, verified: false, memberships: { some: { tenantId } } },
        data: { verified: true, verifiedAt: deps.clock.now() },
      });
      const user = await db.user.findFirst({ where: { id: userId, memberships: { some: { tenantId } } }, select: { id: true } });
      if (!user) fail('user_not_found');
      return user;
    },

    /** Sets the tenant the user works in; the next refresh issues a token for it. */
    async switchActiveTenant(userId: string, tenantId: string) {
      const now = deps.clock.now();
      const membership = await db.userTenant.findUnique({
        where: { userId_tenantId: { userId, tenantId } },
        select: { disabled: true, expiresAt: true },
      });
      if (!membership || membership.disabled || (membership.expiresAt && membership.expiresAt <= now)) {
        fail('user_not_member_of_tenant');
      }
      await db.user.update({ where: { id: userId }, data: { activeTenantId: tenantId } });
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
