import { builder } from '../builder.ts';

export const Permission = builder.prismaObject('Permission', {
  fields: (t) => ({
    id: t.exposeID('id'),
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    categoryId: t.exposeID('categoryId', { nullable: true }),
    fePermission: t.exposeBoolean('fePermission', { description: 'Built-in Frontegg permission (fe.*).' }),
    assignmentType: t.exposeString('assignmentType'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const Role = builder.prismaObject('Role', {
  fields: (t) => ({
    id: t.exposeID('id'),
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    level: t.exposeInt('level'),
    isDefault: t.exposeBoolean('isDefault'),
    firstUserRole: t.exposeBoolean('firstUserRole'),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'Null for vendor-wide roles.' }),
    permissions: t.field({
      type: [Permission],
      select: (_args, _ctx, nested) => ({ permissions: { select: { permission: nested(true) } } }),
      resolve: (role) => role.permissions.map((p) => p.permission),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});
