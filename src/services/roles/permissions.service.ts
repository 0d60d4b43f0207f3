// Permissions and permission categories are vendor-wide and vendor-managed (the transport
// allows writes to the vendor only; tenants read them to build their roles). Frontegg's built-in
// fe.* permissions and categories are what management authorization checks, so they cannot be
// renamed, reclassified or deleted: that would silently change who may do what.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { idSchema, parseInput } from '../validation.ts';
import { isUniqueViolation } from './roles.service.ts';

const keySchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine((k) => !k.startsWith('fe.'), { message: 'keys starting with fe. are reserved' });
const nameSchema = z.string().trim().min(1).max(255);
const descriptionSchema = z.string().trim().max(1024);
const ids = z.array(idSchema).max(500);
export const ASSIGNMENT_TYPES = ['ASSIGNABLE', 'NEVER', 'ALWAYS'] as const;

const CreatePermissionInput = z.object({
  key: keySchema,
  name: nameSchema,
  description: descriptionSchema.nullish(),
  categoryId: idSchema.nullish(),
  assignmentType: z.enum(ASSIGNMENT_TYPES).nullish(),
});
export type CreatePermissionInput = z.input<typeof CreatePermissionInput>;
const UpdatePermissionInput = CreatePermissionInput.omit({ assignmentType: true }).partial().extend({ key: keySchema.nullish(), name: nameSchema.nullish() });
export type UpdatePermissionInput = z.input<typeof UpdatePermissionInput>;

const CreateCategoryInput = z.object({ id: idSchema.nullish(), name: nameSchema, description: descriptionSchema.nullish() });
export type CreateCategoryInput = z.input<typeof CreateCategoryInput>;
const UpdateCategoryInput = z.object({ name: nameSchema.nullish(), description: descriptionSchema.nullish() });
export type UpdateCategoryInput = z.input<typeof UpdateCategoryInput>;

type Query = object;

/** The fe.* keys are reserved; a caller sending one gets a clear error rather than a generic one. */
function reservedKey(raw: unknown) {
  if (raw && typeof raw === 'object' && typeof (raw as { key?: unknown }).key === 'string' && (raw as { key: string }).key.trim().startsWith('fe.')) {
    fail('permission_key_reserved');
  }
}

async function assertCategory(tx: Tx, categoryId: string | null | undefined) {
  if (categoryId && !(await tx.permissionCategory.findUnique({ where: { id: categoryId }, select: { id: true } }))) fail('permission_category_not_found');
}

async function editablePermission(tx: Tx, id: string) {
  const p = await tx.permission.findUnique({ where: { id }, select: { id: true, fePermission: true } });
  if (!p) fail('permission_not_found');
  if (p.fePermission) fail('permission_built_in');
  return p;
}

async function editableCategory(tx: Tx, id: string) {
  const c = await tx.permissionCategory.findUnique({ where: { id }, select: { id: true, feCategory: true } });
  if (!c) fail('permission_category_not_found');
  if (c.feCategory) fail('permission_category_built_in');
  return c;
}

export function createPermissionsService({ db, clock }: Pick<Deps, 'db' | 'clock'>) {
  return {
    list<Q extends Query>(query?: Q) {
      return db.permission.findMany({ ...(query ?? {}), orderBy: { key: 'asc' } });
    },

    findById<Q extends Query>(id: string, query?: Q) {
      return db.permission.findUnique({ ...(query ?? {}), where: { id } });
    },

    findMany<Q extends Query>(permissionIds: string[], query?: Q) {
      return db.permission.findMany({ ...(query ?? {}), where: { id: { in: permissionIds } }, orderBy: { key: 'asc' } });
    },

    /** Frontegg's POST /permissions/v1 takes an array: all are created or none. */
    async createMany(raw: CreatePermissionInput[]) {
      if (Array.isArray(raw)) raw.forEach(reservedKey);
      const inputs = parseInput(z.array(CreatePermissionInput).min(1).max(500), raw);
      if (new Set(inputs.map((p) => p.key)).size !== inputs.length) fail('permission_already_exists');
      return db.$transaction(async (tx) => {
        for (const categoryId of new Set(inputs.map((p) => p.categoryId))) await assertCategory(tx, categoryId);
        const created: string[] = [];
        for (const p of inputs) {
          try {
            const row = await tx.permission.create({
              data: { key: p.key, name: p.name, description: p.description ?? null, categoryId: p.categoryId ?? null, assignmentType: p.assignmentType ?? 'ASSIGNABLE' },
              select: { id: true },
            });
            created.push(row.id);
          } catch (e) {
            if (isUniqueViolation(e)) fail('permission_already_exists');
            throw e;
          }
        }
        return created;
      });
    },

    async update(id: string, raw: UpdatePermissionInput) {
      reservedKey(raw);
      const input = parseInput(UpdatePermissionInput, raw);
      await db.$transaction(async (tx) => {
        await editablePermission(tx, id);
        await assertCategory(tx, input.categoryId);
        const data = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null));
        try {
          await tx.permission.update({ where: { id }, data });
        } catch (e) {
          if (isUniqueViolation(e)) fail('permission_already_exists');
          throw e;
        }
      });
    },

    async delete(id: string) {
      await db.$transaction(async (tx) => {
        await editablePermission(tx, id);
        await tx.permission.delete({ where: { id } });
      });
    },

    /**
     * Puts the permission on exactly these roles (Frontegg: "set a permission to multiple roles").
     * Built-in permissions may be given to roles: that edits roles, not the permission.
     */
    async setRoles(id: string, rawRoleIds: string[]) {
      const roleIds = [...new Set(parseInput(ids, rawRoleIds))];
      await db.$transaction(async (tx) => {
        const p = await tx.permission.findUnique({ where: { id }, select: { assignmentType: true } });
        if (!p) fail('permission_not_found');
        if (p.assignmentType === 'NEVER' && roleIds.length) fail('permission_ids_invalid', 'A permission classified NEVER cannot be assigned to roles');
        if ((await tx.role.count({ where: { id: { in: roleIds } } })) !== roleIds.length) fail('role_ids_invalid');
        await tx.rolePermission.deleteMany({ where: { permissionId: id, roleId: { notIn: roleIds } } });
        await tx.rolePermission.createMany({ data: roleIds.map((roleId) => ({ roleId, permissionId: id })), skipDuplicates: true });
        await tx.permission.update({ where: { id }, data: { updatedAt: clock.now() } });
      });
    },

    /** Classifies permissions; NEVER also takes them off every role, since they may not be held. */
    async classify(rawIds: string[], rawType: string) {
      const permissionIds = [...new Set(parseInput(ids.min(1), rawIds))];
      const type = parseInput(z.enum(ASSIGNMENT_TYPES), rawType);
      await db.$transaction(async (tx) => {
        const found = await tx.permission.findMany({ where: { id: { in: permissionIds } }, select: { fePermission: true } });
        if (found.length !== permissionIds.length) fail('permission_not_found');
        if (found.some((p) => p.fePermission)) fail('permission_built_in');
        await tx.permission.updateMany({ where: { id: { in: permissionIds } }, data: { assignmentType: type } });
        if (type === 'NEVER') await tx.rolePermission.deleteMany({ where: { permissionId: { in: permissionIds } } });
      });
      return permissionIds;
    },

    listCategories<Q extends Query>(query?: Q) {
      return db.permissionCategory.findMany({ ...(query ?? {}), orderBy: [{ createdAt: 'asc' }, { name: 'asc' }] });
    },

    findCategories<Q extends Query>(ids: string[], query?: Q) {
      return db.permissionCategory.findMany({ ...(query ?? {}), where: { id: { in: ids } } });
    },

    findCategory<Q extends Query>(id: string, query?: Q) {
      return db.permissionCategory.findUnique({ ...(query ?? {}), where: { id } });
    },

    async createCategory(raw: CreateCategoryInput) {
      const input = parseInput(CreateCategoryInput, raw);
      return db.$transaction(async (tx) => {
        const taken = await tx.permissionCategory.findFirst({
          where: { OR: [{ name: input.name }, ...(input.id ? [{ id: input.id }] : [])] },
          select: { id: true },
        });
        if (taken) fail('permission_category_already_exists');
        try {
          const c = await tx.permissionCategory.create({
            data: { ...(input.id ? { id: input.id } : {}), name: input.name, description: input.description ?? null },
            select: { id: true },
          });
          return c.id;
        } catch (e) {
          if (isUniqueViolation(e)) fail('permission_category_already_exists');
          throw e;
        }
      });
    },

    async updateCategory(id: string, raw: UpdateCategoryInput) {
      const input = parseInput(UpdateCategoryInput, raw);
      await db.$transaction(async (tx) => {
        await editableCategory(tx, id);
        if (input.name && (await tx.permissionCategory.findFirst({ where: { name: input.name, id: { not: id } }, select: { id: true } }))) {
          fail('permission_category_already_exists');
        }
        const data = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null));
        await tx.permissionCategory.update({ where: { id }, data });
      });
    },

    /** Deletes a category; its permissions stay, uncategorised (FK SetNull). */
    async deleteCategory(id: string) {
      await db.$transaction(async (tx) => {
        await editableCategory(tx, id);
        await tx.permissionCategory.delete({ where: { id } });
      });
    },
  };
}

export type PermissionsService = ReturnType<typeof createPermissionsService>;
