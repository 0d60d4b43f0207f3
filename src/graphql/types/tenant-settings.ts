// A tenant's account settings (Frontegg accountSettings) and the sub-account management and
// hierarchy settings a parent (or the vendor) sets on a tenant below it.
import { SUB_ACCOUNT_ACCESS_TYPES } from '../../services/tenants/tenant-settings.service.ts';
import { builder } from '../builder.ts';
import { confinedTenant, tenantFor } from '../../services/authorization/tenant-scope.ts';
import { insideTenant } from '../auth-scopes.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { Tenant } from './tenant.ts';

const SETTINGS_READ = 'fe.account-settings.read';
const SETTINGS_WRITE = 'fe.account-settings.write';
const HIERARCHY_WRITE = 'fe.account-hierarchy.write.subAccount';

interface SettingsRow {
  id: string;
  address: string | null;
  timezone: string | null;
  dateFormat: string | null;
  timeFormat: string | null;
  currency: string | null;
  logoUrl: string | null;
}
const SETTINGS_SELECT = { id: true, address: true, timezone: true, dateFormat: true, timeFormat: true, currency: true, logoUrl: true } as const;

const AccountSettings = builder.objectRef<SettingsRow>('AccountSettings').implement({
  description: "A tenant's account settings (Frontegg ISettingsResponse).",
  fields: (t) => ({
    id: t.exposeID('id'),
    address: t.exposeString('address', { nullable: true }),
    timezone: t.exposeString('timezone', { nullable: true, description: 'IANA time zone.' }),
    dateFormat: t.exposeString('dateFormat', { nullable: true }),
    timeFormat: t.exposeString('timeFormat', { nullable: true }),
    currency: t.exposeString('currency', { nullable: true, description: 'ISO 4217 code.' }),
    logo: t.string({ nullable: true, description: 'An http(s) URL or a base64 image data URL.', resolve: (s) => s.logoUrl }),
  }),
});

const PublicAccountSettings = builder.objectRef<SettingsRow>('PublicAccountSettings').implement({
  description: 'The part of the account settings any member of the tenant may read.',
  fields: (t) => ({
    id: t.exposeID('id'),
    logo: t.string({ nullable: true, resolve: (s) => s.logoUrl }),
  }),
});

const SubAccountAccessType = builder.enumType('SubAccountAccessType', {
  description: "How sub-account access behaves for the tenant's members: per membership (defaultOff/defaultOn) or for everyone (alwaysOn).",
  values: SUB_ACCOUNT_ACCESS_TYPES,
});


builder.prismaObjectField(Tenant, 'accountSettings', (t) =>
  t.field({
    type: AccountSettings,
    nullable: true,
    description: "The tenant's account settings: the vendor, or a caller acting in this tenant with fe.account-settings.read.",
    // Another tenant reached through parent/subTenants keeps its settings closed (as its users).
    authScopes: insideTenant(SETTINGS_READ),
    resolve: (tenant) => tenant,
  }),
);

builder.prismaObjectField(Tenant, 'subAccountAccessType', (t) =>
  t.expose('subAccountAccessType', { type: SubAccountAccessType, description: 'Hierarchy settings: sub-account access for members.' }),
);

builder.queryFields((t) => ({
  accountSettings: t.field({
    type: AccountSettings,
    nullable: true,
    description: 'The account settings of the tenant the call acts in.',
    authScopes: { permission: SETTINGS_READ },
    resolve: (_root, _args, ctx) => ctx.services.tenants.findById(tenantFor(ctx), { select: SETTINGS_SELECT }),
  }),
  publicAccountSettings: t.field({
    type: PublicAccountSettings,
    nullable: true,
    description: 'The public account settings of the tenant the call acts in (any member may read them).',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.tenants.findById(tenantFor(ctx), { select: SETTINGS_SELECT }),
  }),
}));

const AccountSettingsInput = builder.inputType('AccountSettingsInput', {
  description: 'At least one setting; null clears a setting, an absent one is left as it is.',
  fields: (t) => ({
    address: t.string({ required: false }),
    timezone: t.string({ required: false }),
    dateFormat: t.string({ required: false }),
    timeFormat: t.string({ required: false }),
    currency: t.string({ required: false }),
    logo: t.string({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  updateAccountSettings: t.field({
    type: AccountSettings,
    description: 'Updates the account settings of the tenant the call acts in.',
    authScopes: { permission: SETTINGS_WRITE },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: AccountSettingsInput }) },
    resolve: (_root, { input }, ctx) => ctx.services.tenantSettings.updateAccountSettings(tenantFor(ctx), input, { select: SETTINGS_SELECT }),
  }),
  updateSubTenantManagement: t.prismaField({
    type: 'Tenant',
    description: 'Lets a tenant resell (manage sub-accounts of its own): the vendor, or an admin of a tenant above it.',
    authScopes: { $any: { vendor: true, permission: HIERARCHY_WRITE } },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), isReseller: t.arg.boolean() },
    resolve: (query, _root, { id, isReseller }, ctx) => ctx.services.tenantSettings.setReseller(id, isReseller, confinedTenant(ctx), query),
  }),
  updateSubTenantHierarchySettings: t.prismaField({
    type: 'Tenant',
    description: "Sets how sub-account access behaves for a tenant's members: the vendor, or an admin of a tenant above it.",
    authScopes: { $any: { vendor: true, permission: HIERARCHY_WRITE } },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), subAccountAccessType: t.arg({ type: SubAccountAccessType }) },
    resolve: (query, _root, { id, subAccountAccessType }, ctx) =>
      ctx.services.tenantSettings.setHierarchySettings(id, { subAccountAccessType }, confinedTenant(ctx), query),
  }),
}));
