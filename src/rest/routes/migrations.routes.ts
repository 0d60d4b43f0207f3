// User migration over Frontegg's paths (vendor token only). The single route answers the created
// user; the bulk routes answer 202 with the migrationId at once and the status route shows
// progress and per-user results. The rules live in the migrations service.
//
// POST /resources/migrations/v1/auth0 is not routed: it pulls users from Auth0's Management API,
// which needs outbound network access Gatehouse does not have here.
import { z } from 'zod';
import {
  RestMigrateUserDocument,
  RestMigrateUsersBulkDocument,
  RestMigrationStatusDocument,
  type MigrateUserInput,
  type MigrationJobFieldsFragment,
} from '../../generated/graphql.ts';
import { metadataSchema } from '../../services/validation.ts';
import { defineRoute } from '../define-route.ts';
import { userProfile } from '../frontegg.ts';

const str = z.string();
const optionalStr = z.string().nullish();

// Fields common to v1 and v2 entries (Frontegg sends metadata as stringified JSON).
const userFields = {
  tenantId: str,
  name: optionalStr,
  profilePictureUrl: optionalStr,
  passwordHash: optionalStr,
  passwordHashType: optionalStr,
  passwordHashConfig: optionalStr,
  authenticatorAppMfaSecret: optionalStr,
  phoneNumber: optionalStr,
  phoneNumberType: optionalStr,
  provider: optionalStr,
  metadata: metadataSchema.nullish(),
  roleIds: z.array(str).nullish(),
  vendorMetadata: metadataSchema.nullish(),
  externalId: optionalStr,
  username: optionalStr,
};

const v1User = z.object({ ...userFields, email: optionalStr, verifyUser: z.boolean().nullish(), verified: z.boolean().nullish() });
type V1User = z.infer<typeof v1User>;

// v2: a list of addresses; the primary one (isPrimary, else the first) is the login email and
// its verification state is the user's.
const v2Email = z.object({ email: str, isPrimary: z.boolean().nullish(), isVerified: z.boolean().nullish(), verified: z.boolean().nullish() });
const v2User = z.object({ ...userFields, emails: z.array(v2Email).nullish() });

const fromV1 = ({ verifyUser, verified, ...u }: V1User): MigrateUserInput => ({ ...u, verified: verifyUser ?? verified });

function fromV2({ emails, ...u }: z.infer<typeof v2User>): MigrateUserInput {
  const list = emails ?? [];
  const primary = list.find((e) => e.isPrimary) ?? list[0];
  const isVerified = (e: z.infer<typeof v2Email>) => e.isVerified ?? e.verified ?? false;
  return {
    ...u,
    email: primary?.email,
    verified: primary ? isVerified(primary) : undefined,
    additionalEmails: list.filter((e) => e !== primary).map((e) => ({ email: e.email, verified: isVerified(e) })),
  };
}

const jobResponse = (j: MigrationJobFieldsFragment) => ({
  migrationId: j.id,
  status: j.status,
  total: j.total,
  processed: j.processed,
  succeeded: j.succeeded,
  failed: j.failed,
  error: j.error ?? undefined,
  createdAt: j.createdAt,
  updatedAt: j.updatedAt,
  completedAt: j.completedAt ?? undefined,
});

const bulk = (version: 'v1' | 'v2', summary: string, body: z.ZodType<{ users: MigrateUserInput[] }>) =>
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: `/resources/migrations/${version}/local/bulk`,
    summary,
    tags: ['Migrations'],
    body,
    document: RestMigrateUsersBulkDocument,
    variables: ({ body }) => ({ users: body.users }),
    result: (d) => d.migrateUsersBulk,
    response: (r) => ('id' in r ? { migrationId: r.id } : r),
    status: 202,
  });

export const migrationRoutes = [
  defineRoute({
    service: 'identity',
    method: 'POST',
    path: '/resources/migrations/v1/local',
    summary: 'Migrate a single user (vendor only): a new account, with an optional foreign password hash upgraded at first login',
    tags: ['Migrations'],
    body: v1User,
    document: RestMigrateUserDocument,
    variables: ({ body }) => ({ input: fromV1(body) }),
    result: (d) => d.migrateUser,
    // The vendor's user shape (the spec's fields); the user's only tenant is the active one.
    response: (r) => ('id' in r ? userProfile(r) : r),
    status: 201,
  }),
  bulk('v1', 'Migrate users in bulk (vendor only): answers the migrationId at once; poll the status route', z.object({ users: z.array(v1User) }).transform((b) => ({ users: b.users.map(fromV1) }))),
  bulk('v2', 'Migrate vendor users in bulk, several emails per user (vendor only): answers the migrationId at once', z.object({ users: z.array(v2User) }).transform((b) => ({ users: b.users.map(fromV2) }))),
  defineRoute({
    service: 'identity',
    method: 'GET',
    path: '/resources/migrations/v1/local/bulk/status/{migrationId}',
    summary: 'Check the status of a bulk migration (per-user results in succeeded / failed)',
    tags: ['Migrations'],
    params: z.object({ migrationId: z.string() }),
    document: RestMigrationStatusDocument,
    variables: ({ params }) => ({ id: params.migrationId }),
    result: (d) => d.migrationStatus,
    response: jobResponse,
    status: 200,
  }),
];
