// Applications as OAuth clients (the write side; the provider's read side is services/oauth/).
//
// One table for both dialects: an Application row is Frontegg's application (appUrl, loginUrl,
// user assignments: applications.service.ts) AND an OAuth client whose client_id is its id. What
// Frontegg creates is a TRADITIONAL web client with no redirect URIs and no secrets, so it cannot
// complete any OAuth flow until the vendor configures it here; nothing Frontegg's REST routes
// answer changes. Logto's types decide the client kind, fixed at creation (Logto does not let the
// type change: a public client turned confidential would keep tokens issued without a secret):
//   SPA, NATIVE           public clients: no secrets (auth method none, PKCE required);
//   TRADITIONAL, M2M      confidential: several named secrets, each shown once and stored only as
//                         the keyed hash `secrets.hashToken` (256-bit random values: a slow hash
//                         adds nothing and the token endpoint looks them up by hash);
//   MACHINE_TO_MACHINE    client_credentials only: no redirect URIs; carries roles of type
//                         MACHINE_TO_MACHINE, whose resource scopes its tokens get.
// Logto's Protected (reverse-proxy) and SAML applications are not built: creating one answers
// `not_implemented`. Every write publishes `oauth-clients` (payload: the application id) on the
// change feed, for any per-process client cache of the provider.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { randomToken } from '../../platform/crypto.ts';
import type { Prisma } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { isUniqueViolation } from '../roles/roles.service.ts';
import { idSchema, parseInput } from '../validation.ts';
import { checkedCorsOrigins, checkedRedirectUris, MAX_URIS, type OAuthApplicationType } from './redirect-uris.ts';

export const APPLICATION_TYPES = ['NATIVE', 'SPA', 'TRADITIONAL', 'MACHINE_TO_MACHINE'] as const;
/** Logto's types Gatehouse does not implement; accepted as input only to answer not_implemented. */
export const UNIMPLEMENTED_APPLICATION_TYPES = ['PROTECTED', 'SAML'] as const;
const PUBLIC_TYPES: ReadonlySet<OAuthApplicationType> = new Set(['SPA', 'NATIVE']);
export const isConfidential = (type: OAuthApplicationType) => !PUBLIC_TYPES.has(type);

/** customData is returned to the vendor and (later) to the provider on every client read: keep it small. */
const MAX_CUSTOM_DATA_BYTES = 16 * 1024;
const MAX_SECRETS = 20;
/** 32 random bytes: 256 bits, the same as refresh tokens and API-token secrets. */
const SECRET_BYTES = 32;

const customDataSchema = z
  .record(z.string(), z.unknown())
  .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= MAX_CUSTOM_DATA_BYTES, `must be at most ${MAX_CUSTOM_DATA_BYTES} bytes of JSON`);
const uriList = z.array(z.string().max(4096)).max(MAX_URIS * 4);

const Fields = z.object({
  name: z.string().trim().min(1).max(255),
  description: z.string().trim().max(1024).nullish(),
  redirectUris: uriList.nullish(),
  postLogoutRedirectUris: uriList.nullish(),
  corsOrigins: uriList.nullish(),
  isThirdParty: z.boolean().nullish(),
  customData: customDataSchema.nullish(),
});
const CreateInput = Fields.extend({ type: z.enum([...APPLICATION_TYPES, ...UNIMPLEMENTED_APPLICATION_TYPES]) });
export type CreateOAuthApplicationInput = z.input<typeof CreateInput>;
const UpdateInput = Fields.partial().extend({ name: Fields.shape.name.nullish() });
export type UpdateOAuthApplicationInput = z.input<typeof UpdateInput>;

const SecretInput = z.object({
  name: z.string().trim().min(1).max(64),
  expiresAt: z.date().nullish(),
});
export type CreateApplicationSecretInput = z.input<typeof SecretInput>;
const RoleIds = z.array(idSchema).min(1).max(100);

type Query = object;

export function createOAuthApplicationsService({ db, clock, secrets, changes }: Pick<Deps, 'db' | 'clock' | 'secrets' | 'changes'>) {
  const changed = (id: string) => changes.publish('oauth-clients', id);

  async function typeOf(tx: Pick<typeof db, 'application'>, rawId: string) {
    const id = parseInput(idSchema, rawId);
    const app = await tx.application.findUnique({ where: { id }, select: { id: true, type: true } });
    if (!app) fail('application_not_found');
    return app;
  }

  return {
    async create(raw: CreateOAuthApplicationInput) {
      const input = parseInput(CreateInput, raw);
      if (input.type === 'PROTECTED' || input.type === 'SAML') fail('not_implemented', `${input.type === 'SAML' ? 'SAML' : 'Protected'} applications are not implemented`);
      const type = input.type;
      const app = await db.application.create({
        data: {
          name: input.name,
          type,
          description: input.description ?? null,
          redirectUris: checkedRedirectUris('redirectUris', input.redirectUris ?? [], type),
          postLogoutRedirectUris: checkedRedirectUris('postLogoutRedirectUris', input.postLogoutRedirectUris ?? [], type),
          corsOrigins: checkedCorsOrigins(input.corsOrigins ?? []),
          isThirdParty: input.isThirdParty ?? false,
          customData: (input.customData ?? {}) as Prisma.InputJsonObject,
        },
        select: { id: true },
      });
      changed(app.id);
      return app.id;
    },

    /** Changes what is given; null or absent leaves a field as it is (description: null clears it). */
    async update(rawId: string, raw: UpdateOAuthApplicationInput) {
      const input = parseInput(UpdateInput, raw);
      const id = await db.$transaction(async (tx) => {
        const app = await typeOf(tx, rawId);
        const data: Prisma.ApplicationUpdateInput = {};
        if (input.name) data.name = input.name;
        if (input.description !== undefined) data.description = input.description;
        if (input.redirectUris) data.redirectUris = checkedRedirectUris('redirectUris', input.redirectUris, app.type);
        if (input.postLogoutRedirectUris) data.postLogoutRedirectUris = checkedRedirectUris('postLogoutRedirectUris', input.postLogoutRedirectUris, app.type);
        if (input.corsOrigins) data.corsOrigins = checkedCorsOrigins(input.corsOrigins);
        if (input.isThirdParty != null) data.isThirdParty = input.isThirdParty;
        if (input.customData) data.customData = input.customData as Prisma.InputJsonObject;
        await tx.application.update({ where: { id: app.id }, data });
        return app.id;
      });
      changed(id);
    },

    /** Deletes the application with its secrets, roles and user assignments (Frontegg's too). */
    async delete(rawId: string) {
      const id = parseInput(idSchema, rawId);
      const { count } = await db.application.deleteMany({ where: { id } });
      if (count === 0) fail('application_not_found');
      changed(id);
    },

    /** Applications, oldest first, optionally of some types only (a Relay connection's query is spread in). */
    list<Q extends Query>(types: readonly OAuthApplicationType[] | null | undefined, query?: Q) {
      const where: Prisma.ApplicationWhereInput = types?.length ? { type: { in: [...types] } } : {};
      return db.application.findMany({ ...(query ?? {}), where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },

    findById<Q extends Query>(id: string, query?: Q) {
      return db.application.findUnique({ ...(query ?? {}), where: { id } });
    },

    /**
     * A new secret for a confidential application. The value is returned here and never again;
     * the row keeps only its keyed hash (the provider finds a presented secret by that hash).
     */
    async createSecret(rawAppId: string, raw: CreateApplicationSecretInput) {
      const input = parseInput(SecretInput, raw);
      if (input.expiresAt && input.expiresAt.getTime() <= clock.now().getTime()) fail('validation_failed', 'expiresAt: must be in the future');
      const secret = randomToken(SECRET_BYTES);
      const row = await db.$transaction(async (tx) => {
        const app = await typeOf(tx, rawAppId);
        if (!isConfidential(app.type)) fail('application_secret_not_allowed');
        if ((await tx.applicationSecret.count({ where: { applicationId: app.id } })) >= MAX_SECRETS) fail('validation_failed', `An application has at most ${MAX_SECRETS} secrets`);
        try {
          return await tx.applicationSecret.create({
            data: { applicationId: app.id, name: input.name, secretHash: secrets.hashToken(secret), expiresAt: input.expiresAt ?? null },
            select: { id: true, applicationId: true },
          });
        } catch (e) {
          if (isUniqueViolation(e)) fail('application_secret_already_exists');
          throw e;
        }
      });
      changed(row.applicationId);
      return { id: row.id, secret };
    },

    findSecret<Q extends Query>(id: string, query?: Q) {
      return db.applicationSecret.findUnique({ ...(query ?? {}), where: { id } });
    },

    /** The application's secrets (never their values), newest first. */
    async listSecrets<Q extends Query>(rawAppId: string, query?: Q) {
      const app = await typeOf(db, rawAppId);
      return db.applicationSecret.findMany({ ...(query ?? {}), where: { applicationId: app.id }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
    },

    /** Deletes a secret by name (Logto's DELETE /applications/:id/secrets/:name): it stops working at once. */
    async deleteSecret(rawAppId: string, rawName: string) {
      const applicationId = parseInput(idSchema, rawAppId);
      const name = parseInput(SecretInput.shape.name, rawName);
      const { count } = await db.applicationSecret.deleteMany({ where: { applicationId, name } });
      if (count === 0) {
        await typeOf(db, applicationId);
        fail('application_secret_not_found');
      }
      changed(applicationId);
    },

    /** Gives MACHINE_TO_MACHINE roles to a machine-to-machine application; roles it has stay. All or none. */
    async assignRoles(rawAppId: string, rawRoleIds: string[]) {
      const roleIds = [...new Set(parseInput(RoleIds, rawRoleIds))];
      const appId = await db.$transaction(async (tx) => {
        const app = await typeOf(tx, rawAppId);
        if (app.type !== 'MACHINE_TO_MACHINE') fail('application_roles_not_allowed');
        const roles = await tx.role.findMany({ where: { id: { in: roleIds } }, select: { id: true, type: true } });
        if (roles.length !== roleIds.length) fail('role_ids_invalid');
        if (roles.some((r) => r.type !== 'MACHINE_TO_MACHINE')) fail('role_not_for_applications');
        await tx.applicationRole.createMany({ data: roleIds.map((roleId) => ({ applicationId: app.id, roleId })), skipDuplicates: true });
        return app.id;
      });
      changed(appId);
    },

    async removeRoles(rawAppId: string, rawRoleIds: string[]) {
      const roleIds = parseInput(RoleIds, rawRoleIds);
      const app = await typeOf(db, rawAppId);
      await db.applicationRole.deleteMany({ where: { applicationId: app.id, roleId: { in: roleIds } } });
      changed(app.id);
    },
  };
}

export type OAuthApplicationsService = ReturnType<typeof createOAuthApplicationsService>;
