// Vendor-wide settings the vendor manages (vendor token only). Only the sign-up switches are
// exposed; there is no Frontegg REST path for them (the client's sign-up/strategies GET is not in
// the spec), so they are GraphQL-only.
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const VendorSettings = builder.objectRef<{ allowSignUps: boolean; forceEmailVerification: boolean; subTenantAccessAllowed: boolean }>('VendorSettings').implement({
  fields: (t) => ({
    allowSignUps: t.exposeBoolean('allowSignUps', { description: 'Whether POST /users/v1/signUp creates accounts.' }),
    forceEmailVerification: t.exposeBoolean('forceEmailVerification', {
      description:
        'Users must verify their email before logging in; every sign-up then answers shouldActivate, and a sign-up for a registered email answers the same (no account enumeration) and emails the owner a notice.',
    }),
    subTenantAccessAllowed: t.exposeBoolean('subTenantAccessAllowed', {
      description: 'Users whose membership has sub-tenant access may act in the sub-tenants of their tenant (frontegg-tenant-id).',
    }),
  }),
});

const UpdateVendorSettingsInput = builder.inputType('UpdateVendorSettingsInput', {
  description: 'Fields left out are unchanged.',
  fields: (t) => ({
    allowSignUps: t.boolean({ required: false }),
    forceEmailVerification: t.boolean({ required: false }),
    subTenantAccessAllowed: t.boolean({ required: false }),
  }),
});

builder.queryFields((t) => ({
  vendorSettings: t.field({
    type: VendorSettings,
    description: "The vendor's sign-up settings.",
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.vendor.getSettings(),
  }),
}));

builder.mutationFields((t) => ({
  updateVendorSettings: t.field({
    type: VendorSettings,
    description: 'Vendor only: changes the sign-up settings.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: UpdateVendorSettingsInput }) },
    resolve: (_root, { input }, ctx) => ctx.services.vendor.updateSettings(input),
  }),
}));
