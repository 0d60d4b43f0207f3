// Frontegg's response shapes, built from GraphQL results. Only what is named here leaves.
import type {
  AuthResponseFieldsFragment,
  MfaRequiredFieldsFragment,
  SignUpFieldsFragment,
  TenantFieldsFragment,
  UserProfileFieldsFragment,
} from '../generated/graphql.ts';

type Membership = UserProfileFieldsFragment['tenants'][number];
type Role = Membership['roles'][number];
type Permission = Membership['permissions'][number];

/** Frontegg carries metadata as stringified JSON. */
const stringify = (v: Record<string, unknown> | null | undefined) => JSON.stringify(v ?? {});

export const loginResponse = (a: AuthResponseFieldsFragment) => ({
  tokenType: a.tokenType,
  mfaRequired: a.mfaRequired,
  accessToken: a.accessToken,
  refreshToken: a.refreshToken,
  expiresIn: a.expiresIn,
  expires: new Date(a.expires).toUTCString(),
  userId: a.userId,
  userEmail: a.userEmail ?? undefined,
  emailVerified: a.emailVerified,
});

/** Frontegg's sign-up answer (clients log in with authResponse when no activation is due). */
export const signUpResponse = (r: SignUpFieldsFragment) => ({
  shouldActivate: r.shouldActivate,
  userId: r.userId,
  tenantId: r.tenantId,
  ...(r.authResponse ? { authResponse: loginResponse(r.authResponse) } : {}),
});

/** Frontegg's login answer when a second factor is needed; mfaStrategies is a map there. */
export const mfaRequiredResponse = (m: MfaRequiredFieldsFragment) => ({
  mfaRequired: true,
  mfaToken: m.mfaToken,
  userId: m.userId,
  mfaEnrolled: m.mfaEnrolled,
  mfaDevices: m.mfaDevices,
  mfaStrategies: Object.fromEntries(m.mfaStrategies.map((s) => [s, true])),
});

export const roleResponse = (r: Role) => ({
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description ?? '',
  level: r.level,
  isDefault: r.isDefault,
  firstUserRole: r.firstUserRole,
  tenantId: r.tenantId ?? undefined,
  permissions: r.permissions.map((p) => p.id),
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export const permissionResponse = (p: Permission) => ({
  id: p.id,
  key: p.key,
  name: p.name,
  description: p.description ?? '',
  categoryId: p.categoryId ?? undefined,
  fePermission: p.fePermission,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

export const tenantResponse = (t: TenantFieldsFragment) => ({
  id: t.id,
  tenantId: t.id,
  name: t.name,
  parentTenantId: t.parentId ?? undefined,
  metadata: stringify(t.metadata),
  website: t.website ?? undefined,
  logo: t.logoUrl ?? undefined,
  logoUrl: t.logoUrl ?? undefined,
  address: t.address ?? undefined,
  timezone: t.timezone ?? undefined,
  dateFormat: t.dateFormat ?? undefined,
  timeFormat: t.timeFormat ?? undefined,
  currency: t.currency ?? undefined,
  isReseller: t.isReseller,
  creatorName: t.creatorName ?? undefined,
  creatorEmail: t.creatorEmail ?? undefined,
  deleted: false,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});

const activeMembership = (u: UserProfileFieldsFragment): Membership | undefined =>
  u.tenants.find((m) => m.tenantId === u.activeTenantId) ?? u.tenants[0];

/** The v3 profile (no roles/permissions/groups). */
export function userProfileV3(u: UserProfileFieldsFragment) {
  const active = activeMembership(u);
  return {
    id: u.id,
    sub: u.id,
    email: u.email ?? undefined,
    username: u.username ?? undefined,
    name: u.name ?? undefined,
    profilePictureUrl: u.profilePictureUrl ?? undefined,
    verified: u.verified,
    mfaEnrolled: u.mfaEnrolled,
    mfaBypass: u.mfaBypass,
    phoneNumber: u.phoneNumber ?? undefined,
    provider: u.provider,
    tenantId: active?.tenantId,
    tenantIds: u.tenants.map((m) => m.tenantId),
    activatedForTenant: active?.activatedForTenant ?? false,
    isLocked: u.locked,
    tenants: u.tenants.map((m) => ({
      tenantId: m.tenantId,
      roles: m.roles.map(roleResponse),
      temporaryExpirationDate: m.expiresAt ?? undefined,
    })),
    invisible: u.invisible,
    superUser: u.superUser,
    metadata: stringify(u.metadata),
    vendorMetadata: u.vendorMetadata ? stringify(u.vendorMetadata) : undefined,
    externalId: u.externalId ?? undefined,
    createdAt: u.createdAt,
    lastLogin: u.lastLoginAt ?? undefined,
    subAccountAccessAllowed: false,
  };
}

/** The v1/v2 profile: v3 plus the roles and permissions of the active tenant. */
export function userProfile(u: UserProfileFieldsFragment) {
  const active = activeMembership(u);
  return {
    ...userProfileV3(u),
    roles: active?.roles.map(roleResponse) ?? [],
    permissions: active?.permissions.map(permissionResponse) ?? [],
    groups: [] as unknown[],
  };
}

/** POST /users/v1 answers a flatter shape: role and permission keys of the tenant the user was created in. */
export function createdUserResponse(u: UserProfileFieldsFragment, tenantId: string) {
  const m = u.tenants.find((t) => t.tenantId === tenantId);
  return {
    id: u.id,
    email: u.email ?? undefined,
    verified: u.verified,
    name: u.name ?? undefined,
    profilePictureUrl: u.profilePictureUrl ?? undefined,
    roles: m?.roles.map((r) => r.key) ?? [],
    permissions: m?.permissions.map((p) => p.key) ?? [],
    metadata: stringify(u.metadata),
    createdAt: u.createdAt,
    lastLogin: u.lastLoginAt ?? undefined,
    activatedForTenant: m?.activatedForTenant ?? false,
    temporaryExpirationDate: m?.expiresAt ?? undefined,
  };
}

export const userTenants = (u: UserProfileFieldsFragment) => u.tenants.map((m) => tenantResponse(m.tenant));
