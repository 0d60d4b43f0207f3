// Identity management configuration (vendor only), and its basic subset for any signed-in caller.
import type { Services } from '../../services/index.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from '../errors.ts';

type Config = Awaited<ReturnType<Services['identityConfig']['read']>>;

const PasswordlessMethods = builder.objectRef<Config['passwordlessMethods']>('PasswordlessMethods').implement({
  description: 'Which passwordless login methods are on. A method that is off is refused at prelogin and postlogin.',
  fields: (t) => ({
    magicLink: t.exposeBoolean('magicLink'),
    code: t.exposeBoolean('code', { description: 'One-time code by email (OTC).' }),
    smsCode: t.exposeBoolean('smsCode'),
  }),
});

const IdentityConfiguration = builder.objectRef<Config>('IdentityConfiguration').implement({
  description: 'Writable: allowSignups, allowNotVerifiedUsersLogin, authStrategy, passwordlessMethods. The rest is fixed by the server configuration.',
  fields: (t) => ({
    allowSignups: t.exposeBoolean('allowSignups'),
    allowNotVerifiedUsersLogin: t.exposeBoolean('allowNotVerifiedUsersLogin', { description: 'False: users must verify their email before logging in.' }),
    authStrategy: t.exposeString('authStrategy', { description: 'The primary login method the login box shows.' }),
    passwordlessMethods: t.field({ type: PasswordlessMethods, resolve: (c) => c.passwordlessMethods }),
    defaultTokenExpiration: t.exposeInt('defaultTokenExpiration', { description: 'Access token lifetime, seconds (GATEHOUSE_ACCESS_TOKEN_TTL).' }),
    defaultRefreshTokenExpiration: t.exposeInt('defaultRefreshTokenExpiration', { description: 'Refresh token lifetime, seconds (GATEHOUSE_REFRESH_TOKEN_TTL).' }),
    cookieSameSite: t.exposeString('cookieSameSite'),
    jwtAlgorithm: t.exposeString('jwtAlgorithm'),
    publicKey: t.exposeString('publicKey', {
      description: 'The current signing key as a PEM (SPKI) public key, what Frontegg SDKs verify tokens with; the JWKS at /.well-known/jwks.json has every verifying key.',
    }),
    rotateRefreshTokens: t.exposeBoolean('rotateRefreshTokens'),
    apiTokensEnabled: t.exposeBoolean('apiTokensEnabled'),
    addRolesToJwt: t.exposeBoolean('addRolesToJwt'),
    addPermissionsToJwt: t.exposeBoolean('addPermissionsToJwt'),
    forcePermissions: t.exposeBoolean('forcePermissions'),
    machineToMachineAuthStrategy: t.exposeString('machineToMachineAuthStrategy'),
  }),
});

const BasicIdentityConfiguration = builder
  .objectRef<{ forcePermissions: boolean; machineToMachineAuthStrategy: string }>('BasicIdentityConfiguration')
  .implement({
    fields: (t) => ({
      forcePermissions: t.exposeBoolean('forcePermissions'),
      machineToMachineAuthStrategy: t.exposeString('machineToMachineAuthStrategy'),
    }),
  });

const PasswordlessMethodsInput = builder.inputType('PasswordlessMethodsInput', {
  fields: (t) => ({
    magicLink: t.boolean({ required: false }),
    code: t.boolean({ required: false }),
    smsCode: t.boolean({ required: false }),
  }),
});

const UpdateIdentityConfigurationInput = builder.inputType('UpdateIdentityConfigurationInput', {
  description: 'Fields left out keep their value. Fixed settings are accepted only with the value in force.',
  fields: (t) => ({
    allowSignups: t.boolean({ required: false }),
    allowNotVerifiedUsersLogin: t.boolean({ required: false }),
    authStrategy: t.string({ required: false, description: 'EmailAndPassword, MagicLink, Code, SmsCode or NoLocalAuthentication.' }),
    passwordlessMethods: t.field({ type: PasswordlessMethodsInput, required: false }),
    defaultTokenExpiration: t.int({ required: false }),
    defaultRefreshTokenExpiration: t.int({ required: false }),
    cookieSameSite: t.string({ required: false }),
    jwtAlgorithm: t.string({ required: false }),
    rotateRefreshTokens: t.boolean({ required: false }),
    apiTokensEnabled: t.boolean({ required: false }),
    addRolesToJwt: t.boolean({ required: false }),
    addPermissionsToJwt: t.boolean({ required: false }),
    forcePermissions: t.boolean({ required: false }),
    machineToMachineAuthStrategy: t.string({ required: false }),
  }),
});

builder.queryFields((t) => ({
  identityConfiguration: t.field({
    type: IdentityConfiguration,
    description: 'Vendor only: the identity management configuration.',
    authScopes: { vendor: true },
    resolve: (_root, _args, ctx) => ctx.services.identityConfig.read(),
  }),
  basicIdentityConfiguration: t.field({
    type: BasicIdentityConfiguration,
    description: 'The configuration subset clients read (any valid token).',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.identityConfig.basic(),
  }),
}));

builder.mutationFields((t) => ({
  updateIdentityConfiguration: t.field({
    type: IdentityConfiguration,
    description: 'Vendor only: updates the identity management configuration.',
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: UpdateIdentityConfigurationInput }) },
    resolve: (_root, { input }, ctx) => ctx.services.identityConfig.update(input),
  }),
}));
