// Frontegg's built-in permissions (fe.*) and the default Admin / Read-only roles, seeded once.
// Management authorization checks these keys, exactly as Frontegg's own admin portal does.
import type { Tx } from '../../platform/db.ts';

interface SeedPermission {
  key: string;
  name: string;
  category: string;
}

const CATEGORIES = ['User management', 'Roles and permissions', 'Groups', 'Security', 'API tokens', 'Account settings', 'Sub-accounts', 'SSO', 'Audits'] as const;
type Category = (typeof CATEGORIES)[number];

const perm = (key: string, name: string, category: Category): SeedPermission => ({ key, name, category });

export const FE_PERMISSIONS: readonly SeedPermission[] = [
  perm('fe.secure.read.users', 'Read users', 'User management'),
  perm('fe.secure.write.users', 'Write users', 'User management'),
  perm('fe.secure.delete.users', 'Delete users', 'User management'),
  perm('fe.secure.read.roles', 'Read roles', 'Roles and permissions'),
  perm('fe.secure.write.roles', 'Write roles', 'Roles and permissions'),
  perm('fe.secure.delete.roles', 'Delete roles', 'Roles and permissions'),
  perm('fe.secure.read.groups', 'Read groups', 'Groups'),
  perm('fe.secure.write.groups', 'Write groups', 'Groups'),
  perm('fe.secure.delete.groups', 'Delete groups', 'Groups'),
  perm('fe.secure.read.securityPolicy', 'Read security policies', 'Security'),
  perm('fe.secure.write.securityPolicy', 'Write security policies', 'Security'),
  perm('fe.secure.read.sessions', 'Read sessions', 'Security'),
  perm('fe.secure.delete.sessions', 'Revoke sessions', 'Security'),
  perm('fe.secure.read.tenantApiTokens', 'Read tenant API tokens', 'API tokens'),
  perm('fe.secure.write.tenantApiTokens', 'Write tenant API tokens', 'API tokens'),
  perm('fe.secure.delete.tenantApiTokens', 'Delete tenant API tokens', 'API tokens'),
  perm('fe.account-settings.read', 'Read account settings', 'Account settings'),
  perm('fe.account-settings.write', 'Write account settings', 'Account settings'),
  perm('fe.account-hierarchy.read.subAccount', 'Read sub-accounts', 'Sub-accounts'),
  perm('fe.account-hierarchy.write.subAccount', 'Write sub-accounts', 'Sub-accounts'),
  perm('fe.secure.read.samlConfiguration', 'Read SSO configuration', 'SSO'),
  perm('fe.secure.write.samlConfiguration', 'Write SSO configuration', 'SSO'),
  perm('fe.secure.read.audits', 'Read audit logs', 'Audits'),
];

export const DEFAULT_ROLES = [
  { key: 'Admin', name: 'Admin', description: 'Full access to the account', level: 0, firstUserRole: true, isDefault: false, permissions: (k: string) => true },
  { key: 'ReadOnly', name: 'Read only', description: 'Reads the account, changes nothing', level: 1, firstUserRole: false, isDefault: true, permissions: (k: string) => k.includes('.read') },
] as const;

/** Idempotent: creates what is missing, never touches what a vendor changed. */
export async function seedDefaultAuthorization(tx: Tx): Promise<void> {
  if ((await tx.permission.count({ where: { fePermission: true } })) > 0) return;
  const categories = new Map<string, string>();
  for (const name of CATEGORIES) {
    const c = await tx.permissionCategory.create({ data: { name, feCategory: true } });
    categories.set(name, c.id);
  }
  await tx.permission.createMany({
    data: FE_PERMISSIONS.map((p) => ({ key: p.key, name: p.name, categoryId: categories.get(p.category)!, fePermission: true })),
    skipDuplicates: true,
  });
  const permissions = await tx.permission.findMany({ where: { fePermission: true }, select: { id: true, key: true } });
  for (const { permissions: includes, ...role } of DEFAULT_ROLES) {
    if (await tx.role.findFirst({ where: { tenantId: null, key: role.key } })) continue;
    await tx.role.create({
      data: {
        ...role,
        permissions: { create: permissions.filter((p) => includes(p.key)).map((p) => ({ permissionId: p.id })) },
      },
    });
  }
}
