// Tenants (Frontegg "accounts") and their hierarchy.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma, type Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { idSchema, metadataSchema, parseInput, urlSchema } from '../validation.ts';

const optionalText = (max = 255) => z.string().trim().max(max).nullish();

export const CreateTenantInput = z.object({
  tenantId: idSchema.nullish(),
  name: z.string().trim().min(1, 'name is required').max(255),
  parentTenantId: idSchema.nullish(),
  metadata: metadataSchema.nullish(),
  website: urlSchema.nullish(),
  logoUrl: urlSchema.nullish(),
  address: optionalText(1024),
  timezone: optionalText(64),
  dateFormat: optionalText(64),
  timeFormat: optionalText(64),
  currency: optionalText(16),
  isReseller: z.boolean().nullish(),
  creatorName: optionalText(),
  creatorEmail: optionalText(),
});
export type CreateTenantInput = z.input<typeof CreateTenantInput>;

export const UpdateTenantInput = CreateTenantInput.omit({ tenantId: true, parentTenantId: true })
  .partial()
  .extend({ name: z.string().trim().min(1).max(255).nullish() });
export type UpdateTenantInput = z.input<typeof UpdateTenantInput>;

const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** Drops null/undefined so Prisma leaves those columns as they are. */
function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as never;
}

export async function createTenantIn(tx: Tx, raw: CreateTenantInput) {
  const { tenantId, parentTenantId, metadata, ...rest } = parseInput(CreateTenantInput, raw);
  if (parentTenantId && !(await tx.tenant.findUnique({ where: { id: parentTenantId }, select: { id: true } }))) {
    fail('tenant_not_found', 'Parent tenant not found');
  }
  try {
    return await tx.tenant.create({
      data: {
        ...defined(rest),
        name: rest.name,
        ...(tenantId ? { id: tenantId } : {}),
        parentId: parentTenantId ?? null,
        metadata: (metadata ?? {}) as Prisma.InputJsonObject,
      } satisfies Prisma.TenantUncheckedCreateInput,
    });
  } catch (e) {
    if (isUniqueViolation(e)) fail('tenant_already_exists');
    throw e;
  }
}

export function createTenantsService({ db }: Pick<Deps, 'db'>) {
  return {
    create: (input: CreateTenantInput) => createTenantIn(db, input),

    async findById<Q extends object>(id: string, query?: Q) {
      return db.tenant.findUnique({ ...(query ?? {}), where: { id } });
    },

    /** All tenants, for the vendor; the query carries the connection's paging. */
    list<Q extends object>(query?: Q) {
      return db.tenant.findMany({ orderBy: { createdAt: 'asc' }, ...(query ?? {}) });
    },

    async update<Q extends object>(id: string, raw: UpdateTenantInput, query?: Q) {
      const { metadata, ...rest } = parseInput(UpdateTenantInput, raw);
      const exists = await db.tenant.findUnique({ where: { id }, select: { id: true } });
      if (!exists) fail('tenant_not_found');
      return db.tenant.update({
        ...(query ?? {}),
        where: { id },
        data: { ...defined(rest), ...(metadata ? { metadata: metadata as Prisma.InputJsonObject } : {}) },
      });
    },

    /** Deletes the tenant with its memberships, roles, groups, tokens and invitations (FK cascades). */
    async delete(id: string) {
      return db.$transaction(async (tx) => {
        const tenant = await tx.tenant.findUnique({ where: { id }, select: { id: true, _count: { select: { children: true } } } });
        if (!tenant) fail('tenant_not_found');
        if (tenant._count.children > 0) fail('tenant_has_sub_tenants');
        return tx.tenant.delete({ where: { id } });
      });
    },
  };
}

export type TenantsService = ReturnType<typeof createTenantsService>;
