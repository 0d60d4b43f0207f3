// Applications as OAuth clients (vendor only): Logto's types, redirect URIs, CORS origins, named
// secrets and machine-to-machine roles, on the same Application type Frontegg's fields live on
// (one table: see services/applications/oauth-applications.service.ts). A secret's value leaves
// exactly once, in createApplicationSecret's result; listings carry its name and dates only.
import { fail } from '../../errors/domain-errors.ts';
import { APPLICATION_TYPES } from '../../services/applications/oauth-applications.service.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';
import { Role } from './role.ts';

const vendor = { vendor: true } as const;

export const ApplicationType = builder.enumType('ApplicationType', {
  description: "Logto's application types. SPA and NATIVE are public clients (no secret, PKCE required); TRADITIONAL and MACHINE_TO_MACHINE are confidential.",
  values: {
    NATIVE: { description: 'A mobile or desktop app: public client; redirect URIs may use loopback http or a private-use scheme (com.example.app:/cb).' },
    SPA: { description: 'A browser single-page app: public client.' },
    TRADITIONAL: { description: "A server-rendered web app: confidential client. Frontegg's applications are of this type." },
    MACHINE_TO_MACHINE: { description: 'A service: client_credentials only, no redirect URIs; carries MACHINE_TO_MACHINE roles.' },
    PROTECTED: { description: 'Not implemented: creating one answers not_implemented. Never returned.' },
    SAML: { description: 'Not implemented: creating one answers not_implemented. Never returned.' },
  },
});

export const ApplicationSecret = builder.prismaObject('ApplicationSecret', {
  description: 'A client secret of a confidential application. Its value is shown once, at creation, and stored only as a keyed hash.',
  fields: (t) => ({
    id: t.exposeID('id'),
    applicationId: t.exposeID('applicationId'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'After this the secret is refused at the token endpoint.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.prismaObjectFields('Application', (t) => ({
  type: t.field({ type: ApplicationType, description: 'Fixed at creation.', resolve: (a) => a.type }),
  clientId: t.exposeID('id', { description: 'The OAuth client_id (the application id).' }),
  description: t.exposeString('description', { nullable: true }),
  redirectUris: t.exposeStringList('redirectUris', { description: 'Exact-match redirect URIs (RFC 9700: no wildcards or prefixes).' }),
  postLogoutRedirectUris: t.exposeStringList('postLogoutRedirectUris'),
  corsOrigins: t.exposeStringList('corsOrigins'),
  isThirdParty: t.exposeBoolean('isThirdParty', { description: 'Third-party clients ask the user for consent; first-party ones do not.' }),
  customData: t.expose('customData', { type: 'JSONObject' }),
  secrets: t.relation('secrets', { authScopes: vendor, query: { orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] }, description: 'Names and dates only, newest first.' }),
  roles: t.field({
    type: [Role],
    authScopes: vendor,
    description: 'MACHINE_TO_MACHINE roles of a machine-to-machine application.',
    select: (_args, _ctx, nested) => ({ roles: { select: { role: nested(true) }, orderBy: { createdAt: 'asc' } } }),
    resolve: (app) => app.roles.map((r) => r.role),
  }),
}));

const uriFields = (t: PothosSchemaTypes.InputFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never>, 'InputObject'>) => ({
  description: t.string({ required: false }),
  redirectUris: t.stringList({ required: false, description: 'Absolute, no fragment or wildcard; https except loopback (and private-use schemes for NATIVE).' }),
  postLogoutRedirectUris: t.stringList({ required: false }),
  corsOrigins: t.stringList({ required: false, description: 'Origins only: scheme://host[:port].' }),
  isThirdParty: t.boolean({ required: false }),
  customData: t.field({ type: 'JSONObject', required: false, description: 'At most 16 KiB of JSON.' }),
});

const CreateOAuthApplicationInput = builder.inputType('CreateOAuthApplicationInput', {
  fields: (t) => ({ name: t.string(), type: t.field({ type: ApplicationType }), ...uriFields(t) }),
});
const UpdateOAuthApplicationInput = builder.inputType('UpdateOAuthApplicationInput', {
  description: 'Absent (or null) fields stay as they are; a list replaces the whole list. The type cannot change.',
  fields: (t) => ({ name: t.string({ required: false }), ...uriFields(t) }),
});
const CreateApplicationSecretInput = builder.inputType('CreateApplicationSecretInput', {
  fields: (t) => ({
    name: t.string({ description: 'Unique per application, 1..64 characters.' }),
    expiresAt: t.field({ type: 'DateTime', required: false, description: 'In the future; absent: never expires.' }),
  }),
});

type Load = (query: object) => Promise<unknown>;
const CreatedApplicationSecret = builder.objectRef<{ secret: string; load: Load }>('CreatedApplicationSecret').implement({
  description: 'A new client secret. `secret` is its only appearance: it is stored hashed and never shown again.',
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'The client_secret. Copy it now.' }),
    applicationSecret: t.prismaField({ type: 'ApplicationSecret', resolve: async (query, p) => ((await p.load(query)) as never) ?? fail('application_secret_not_found') }),
  }),
});

/** The application with the caller's selection (after a write, or for `application(id)`). */
const readBack = async <Q extends object>(ctx: GraphQLContext, id: string, query: Q) => (await ctx.services.oauthApplications.findById(id, query)) ?? fail('application_not_found');

builder.queryFields((t) => ({
  application: t.prismaField({
    type: 'Application',
    description: 'Vendor only: one application (client) by id.',
    authScopes: vendor,
    args: { id: t.arg.id() },
    resolve: (query, _root, { id }, ctx) => readBack(ctx, id, query),
  }),
  oauthApplications: t.prismaConnection({
    type: 'Application',
    cursor: 'id',
    description: 'Vendor only: applications (OAuth clients), oldest first, optionally of some types only.',
    authScopes: vendor,
    defaultSize: 50,
    maxSize: 500,
    args: { types: t.arg({ type: [ApplicationType], required: false }) },
    resolve: (query, _root, { types }, ctx) => {
      const known = (types ?? []).filter((x): x is (typeof APPLICATION_TYPES)[number] => (APPLICATION_TYPES as readonly string[]).includes(x));
      // Only unimplemented types asked for: there are none of those.
      if (types?.length && !known.length) return Promise.resolve([]);
      return ctx.services.oauthApplications.list(known, query);
    },
  }),
}));

builder.mutationFields((t) => ({
  createOAuthApplication: t.prismaField({
    type: 'Application',
    description: 'Vendor only: a new OAuth client. PROTECTED and SAML answer not_implemented; bad URIs answer application_redirect_uri_invalid or application_cors_origin_invalid.',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { input: t.arg({ type: CreateOAuthApplicationInput }) },
    resolve: async (query, _root, { input }, ctx) => readBack(ctx, await ctx.services.oauthApplications.create(input), query),
  }),
  updateOAuthApplication: t.prismaField({
    type: 'Application',
    description: "Vendor only: changes an application's client settings (Frontegg's applications too).",
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { id: t.arg.id(), input: t.arg({ type: UpdateOAuthApplicationInput }) },
    resolve: async (query, _root, { id, input }, ctx) => {
      await ctx.services.oauthApplications.update(id, input);
      return readBack(ctx, id, query);
    },
  }),
  deleteApplication: t.boolean({
    description: 'Vendor only: deletes the application with its secrets, roles and user assignments.',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.oauthApplications.delete(id);
      return true;
    },
  }),
  createApplicationSecret: t.field({
    type: CreatedApplicationSecret,
    description: 'Vendor only: a new named secret of a TRADITIONAL or MACHINE_TO_MACHINE application (public clients: application_secret_not_allowed).',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { applicationId: t.arg.id(), input: t.arg({ type: CreateApplicationSecretInput }) },
    resolve: async (_root, { applicationId, input }, ctx) => {
      const { id, secret } = await ctx.services.oauthApplications.createSecret(applicationId, input);
      return { secret, load: (query) => ctx.services.oauthApplications.findSecret(id, query) };
    },
  }),
  deleteApplicationSecret: t.boolean({
    description: 'Vendor only: the named secret stops working at once.',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS },
    args: { applicationId: t.arg.id(), name: t.arg.string() },
    resolve: async (_root, { applicationId, name }, ctx) => {
      await ctx.services.oauthApplications.deleteSecret(applicationId, name);
      return true;
    },
  }),
  assignApplicationRoles: t.prismaField({
    type: 'Application',
    description: 'Vendor only: gives MACHINE_TO_MACHINE roles to a machine-to-machine application (others: application_roles_not_allowed / role_not_for_applications). All or none.',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { applicationId: t.arg.id(), roleIds: t.arg.idList() },
    resolve: async (query, _root, { applicationId, roleIds }, ctx) => {
      await ctx.services.oauthApplications.assignRoles(applicationId, roleIds);
      return readBack(ctx, applicationId, query);
    },
  }),
  removeApplicationRoles: t.prismaField({
    type: 'Application',
    description: 'Vendor only: takes roles away from an application.',
    authScopes: vendor,
    errors: { types: MUTATION_ERRORS, directResult: true },
    args: { applicationId: t.arg.id(), roleIds: t.arg.idList() },
    resolve: async (query, _root, { applicationId, roleIds }, ctx) => {
      await ctx.services.oauthApplications.removeRoles(applicationId, roleIds);
      return readBack(ctx, applicationId, query);
    },
  }),
}));
