// Roles, permissions and permission categories. The vendor token manages everything; a user (or
// API) token manages its own tenant's roles with fe.secure.*.roles and reads vendor-wide roles
// and all permissions. Permissions and categories are vendor-managed. Lists select their
// relations through Pothos prisma selections, so a listing costs the same statements at any size.
import { fail } from '../../errors/domain-errors.ts';
import { ROLE_SORT_FIELDS } from '../../services/roles/roles.service.ts';
import { ASSIGNMENT_TYPES } from '../../services/roles/permissions.service.ts';
import { builder } from '../builder.ts';
import { actingTenantId, managementActor } from '../../services/authorization/tenant-scope.ts';
import { canInTenant } from '../auth-scopes.ts';
import { MUTATION_ERRORS } from '../errors.ts';

export const Permission = builder.prismaObject('Permission', {
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    id: t.exposeID('id'),
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    categoryId: t.exposeID('categoryId', { nullable: true }),
    fePermission: t.exposeBoolean('fePermission', { description: 'Built-in Frontegg permission (fe.*).' }),
    assignmentType: t.exposeString('assignmentType'),
    roleIds: t.field({
      type: ['ID'],
      description: 'Roles that hold the permission, in every tenant (vendor) or visible to the caller.',
      select: { roles: { select: { roleId: true, role: { select: { tenantId: true } } } } },
      resolve: (p, _args, ctx) => {
        const tenantId = ctx.principal.kind === 'vendor' ? null : actingTenantId(ctx);
        return p.roles.filter((r) => ctx.principal.kind === 'vendor' || r.role.tenantId === null || r.role.tenantId === tenantId).map((r) => r.roleId);
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const PermissionCategory = builder.prismaObject('PermissionCategory', {
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    feCategory: t.exposeBoolean('feCategory', { description: 'Built-in category (read-only).' }),
    permissions: t.relation('permissions', { query: { orderBy: { key: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const RoleType = builder.enumType('RoleType', {
  description: "Logto's role types (services/roles/role-types.ts).",
  values: {
    USER: { description: "Given to users (memberships, groups, API tokens). Frontegg's roles are USER roles." },
    MACHINE_TO_MACHINE: { description: 'Given only to machine-to-machine applications; vendor-wide; never a default or first-user role.' },
  },
});

export const Role = builder.prismaObject('Role', {
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    id: t.exposeID('id'),
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    level: t.exposeInt('level'),
    isDefault: t.exposeBoolean('isDefault'),
    firstUserRole: t.exposeBoolean('firstUserRole'),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'Null for vendor-wide roles.' }),
    type: t.field({ type: RoleType, description: 'Fixed at creation.', resolve: (r) => r.type }),
    permissions: t.field({
      type: [Permission],
      select: (_args, _ctx, nested) => ({ permissions: { select: { permission: nested(true) } } }),
      resolve: (role) => role.permissions.map((p) => p.permission),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

type Loader = (query: object) => Promise<unknown[]>;

/** A mutation's list result (mutation results must be objects); the list is read with the caller's selection. */
const RoleList = builder.objectRef<{ load: Loader }>('RoleList').implement({
  fields: (t) => ({
    roles: t.prismaField({ type: ['Role'], resolve: (query, p) => p.load(query) as never }),
  }),
});
const PermissionList = builder.objectRef<{ load: Loader }>('PermissionList').implement({
  fields: (t) => ({
    permissions: t.prismaField({ type: ['Permission'], resolve: (query, p) => p.load(query) as never }),
  }),
});

const RoleSortField = builder.enumType('RoleSortField', { values: ROLE_SORT_FIELDS });
const SortOrder = builder.enumType('SortOrder', { values: ['ASC', 'DESC'] as const });
const PermissionAssignmentType = builder.enumType('PermissionAssignmentType', { values: ASSIGNMENT_TYPES });

const RolesPageInput = builder.inputType('RolesPageInput', {
  fields: (t) => ({
    limit: t.int({ required: false, description: 'Page size, 1..1000 (default 50).' }),
    offset: t.int({ required: false, description: 'Page number, from 0.' }),
    sortBy: t.field({ type: RoleSortField, required: false }),
    order: t.field({ type: SortOrder, required: false }),
    filter: t.string({ required: false, description: 'Matches key or name.' }),
    levels: t.intList({ required: false }),
    tenantIds: t.idList({ required: false, description: 'Vendor: roles of these tenants; a tenant can only name its own.' }),
  }),
});

interface PageShape {
  count: () => Promise<{ totalItems: number; totalPages: number }>;
  load: Loader;
}
const RolePage = builder.objectRef<PageShape>('RolePage').implement({
  fields: (t) => ({
    items: t.prismaField({ type: ['Role'], resolve: (query, p) => p.load(query) as never }),
    totalItems: t.int({ resolve: async (p) => (await p.count()).totalItems }),
    totalPages: t.int({ resolve: async (p) => (await p.count()).totalPages }),
  }),
});

const CreateRoleInput = builder.inputType('CreateRoleInput', {
  fields: (t) => ({
    key: t.string(),
    name: t.string(),
    description: t.string({ required: false }),
    isDefault: t.boolean({ required: false, description: 'Given to users added without explicit roles.' }),
    firstUserRole: t.boolean({ required: false }),
    level: t.int({ required: false, description: 'Lower is stronger.' }),
    permissionIds: t.idList({ required: false }),
    baseRoleId: t.id({ required: false, description: 'The new role takes this role’s level.' }),
    type: t.field({ type: RoleType, required: false, description: 'Default USER. MACHINE_TO_MACHINE only for vendor-wide roles created by the vendor (else role_type_invalid).' }),
  }),
});

const UpdateRoleInput = builder.inputType('UpdateRoleInput', {
  fields: (t) => ({
    key: t.string({ required: false }),
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    isDefault: t.boolean({ required: false }),
    firstUserRole: t.boolean({ required: false }),
    level: t.int({ required: false }),
    migrateRole: t.boolean({ required: false, description: 'With isDefault: give the role to every existing user of its scope.' }),
  }),
});

const CreatePermissionInput = builder.inputType('CreatePermissionInput', {
  fields: (t) => ({
    key: t.string(),
    name: t.string(),
    description: t.string({ required: false }),
    categoryId: t.id({ required: false }),
    assignmentType: t.field({ type: PermissionAssignmentType, required: false }),
  }),
});

const UpdatePermissionInput = builder.inputType('UpdatePermissionInput', {
  fields: (t) => ({
    key: t.string({ required: false }),
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    categoryId: t.id({ required: false }),
  }),
});

const CreatePermissionCategoryInput = builder.inputType('CreatePermissionCategoryInput', {
  fields: (t) => ({
    id: t.id({ required: false }),
    name: t.string(),
    description: t.string({ required: false }),
  }),
});

const UpdatePermissionCategoryInput = builder.inputType('UpdatePermissionCategoryInput', {
  fields: (t) => ({
    name: t.string({ required: false }),
    description: t.string({ required: false }),
  }),
});

const readRoles = canInTenant('fe.secure.read.roles');
const writeRoles = canInTenant('fe.secure.write.roles');
const deleteRoles = canInTenant('fe.secure.delete.roles');

builder.queryFields((t) => ({
  roles: t.prismaField({
    type: ['Role'],
    description: 'Vendor-wide roles and those of the tenant the call acts in (the vendor without a tenant: vendor-wide only).',
    authScopes: readRoles,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (query, _root, { tenantId }, ctx) => ctx.services.roles.list(managementActor(ctx, tenantId), query),
  }),
  role: t.prismaField({
    type: 'Role',
    authScopes: readRoles,
    args: { id: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { id, tenantId }, ctx) => (await ctx.services.roles.findVisible(managementActor(ctx, tenantId), id, query)) ?? fail('role_not_found'),
  }),
  rolesPage: t.field({
    type: RolePage,
    description: 'One page of roles (offset is a page number). The vendor without a tenant pages every role.',
    authScopes: readRoles,
    args: { input: t.arg({ type: RolesPageInput, required: false }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { input, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      const page = input ?? {};
      let counted: ReturnType<PageShape['count']> | undefined;
      return {
        count: () => (counted ??= ctx.services.roles.pageCount(actor, page)),
        load: (query) => ctx.services.roles.pageItems(actor, page, query),
      };
    },
  }),
  roleDistinctLevels: t.intList({
    authScopes: readRoles,
    args: { tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { tenantId }, ctx) => ctx.services.roles.distinctLevels(managementActor(ctx, tenantId)),
  }),
  roleDistinctTenants: t.idList({
    description: 'Tenants that have roles of their own (a tenant caller: at most its own).',
    authScopes: readRoles,
    resolve: (_root, _args, ctx) => ctx.services.roles.distinctTenants(managementActor(ctx)),
  }),
  permissions: t.prismaField({
    type: ['Permission'],
    description: 'Every permission (they are vendor-wide).',
    authScopes: readRoles,
    resolve: (query, _root, _args, ctx) => ctx.services.permissions.list(query),
  }),
  permissionCategories: t.prismaField({
    type: ['PermissionCategory'],
    authScopes: readRoles,
    resolve: (query, _root, _args, ctx) => ctx.services.permissions.listCategories(query),
  }),
}));

builder.mutationFields((t) => ({
  createRoles: t.field({
    type: RoleList,
    description: 'Creates roles in the tenant the call acts in (the vendor without a tenant: vendor-wide). All or none.',
    authScopes: writeRoles,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: [CreateRoleInput] }), tenantId: t.arg.id({ required: false }) },
    resolve: async (_root, { input, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      const ids = await ctx.services.roles.createMany(actor, input);
      return { load: (query) => ctx.services.roles.findByIds(ids, query) };
    },
  }),
  updateRole: t.prismaField({
    type: 'Role',
    authScopes: writeRoles,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), input: t.arg({ type: UpdateRoleInput }), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { id, input, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      await ctx.services.roles.update(actor, id, input);
      return (await ctx.services.roles.findVisible(actor, id, query))!;
    },
  }),
  deleteRole: t.boolean({
    authScopes: deleteRoles,
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: async (_root, { id, tenantId }, ctx) => {
      await ctx.services.roles.delete(managementActor(ctx, tenantId), id);
      return true;
    },
  }),
  setRolePermissions: t.prismaField({
    type: 'Role',
    description: "Replaces the role's permissions (a tenant caller can only grant permissions it holds).",
    authScopes: writeRoles,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), permissionIds: t.arg.idList(), tenantId: t.arg.id({ required: false }) },
    resolve: async (query, _root, { id, permissionIds, tenantId }, ctx) => {
      const actor = managementActor(ctx, tenantId);
      await ctx.services.roles.setPermissions(actor, id, permissionIds);
      return (await ctx.services.roles.findVisible(actor, id, query))!;
    },
  }),
  setRoleTenant: t.prismaField({
    type: 'Role',
    description: 'Vendor only: makes the role a role of this tenant.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), tenantId: t.arg.id() },
    resolve: async (query, _root, { id, tenantId }, ctx) => {
      await ctx.services.roles.setTenant(id, tenantId);
      return (await ctx.services.roles.findVisible({ kind: 'vendor', tenantId }, id, query))!;
    },
  }),
  createPermissions: t.field({
    type: PermissionList,
    description: 'Vendor only: creates permissions (keys fe.* are reserved). All or none.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: [CreatePermissionInput] }) },
    resolve: async (_root, { input }, ctx) => {
      const ids = await ctx.services.permissions.createMany(input);
      return { load: (query) => ctx.services.permissions.findMany(ids, query) };
    },
  }),
  updatePermission: t.prismaField({
    type: 'Permission',
    description: 'Vendor only; built-in fe.* permissions cannot be changed.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), input: t.arg({ type: UpdatePermissionInput }) },
    resolve: async (query, _root, { id, input }, ctx) => {
      await ctx.services.permissions.update(id, input);
      return (await ctx.services.permissions.findById(id, query))!;
    },
  }),
  deletePermission: t.boolean({
    description: 'Vendor only; built-in fe.* permissions cannot be deleted.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.permissions.delete(id);
      return true;
    },
  }),
  setPermissionRoles: t.prismaField({
    type: 'Permission',
    description: 'Vendor only: puts the permission on exactly these roles.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), roleIds: t.arg.idList() },
    resolve: async (query, _root, { id, roleIds }, ctx) => {
      await ctx.services.permissions.setRoles(id, roleIds);
      return (await ctx.services.permissions.findById(id, query))!;
    },
  }),
  classifyPermissions: t.field({
    type: PermissionList,
    description: 'Vendor only: NEVER also removes the permissions from every role.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { permissionIds: t.arg.idList(), type: t.arg({ type: PermissionAssignmentType }) },
    resolve: async (_root, { permissionIds, type }, ctx) => {
      const ids = await ctx.services.permissions.classify(permissionIds, type);
      return { load: (query) => ctx.services.permissions.findMany(ids, query) };
    },
  }),
  createPermissionCategory: t.prismaField({
    type: 'PermissionCategory',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreatePermissionCategoryInput }) },
    resolve: async (query, _root, { input }, ctx) => {
      const id = await ctx.services.permissions.createCategory(input);
      return (await ctx.services.permissions.findCategory(id, query))!;
    },
  }),
  updatePermissionCategory: t.prismaField({
    type: 'PermissionCategory',
    description: 'Vendor only; built-in categories cannot be changed.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), input: t.arg({ type: UpdatePermissionCategoryInput }) },
    resolve: async (query, _root, { id, input }, ctx) => {
      await ctx.services.permissions.updateCategory(id, input);
      return (await ctx.services.permissions.findCategory(id, query))!;
    },
  }),
  deletePermissionCategory: t.boolean({
    description: 'Vendor only; its permissions stay, uncategorised.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.permissions.deleteCategory(id);
      return true;
    },
  }),
}));
