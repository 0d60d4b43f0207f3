// Tenant invite links (Frontegg's "account invites"): a bearer token that lets whoever holds it
// join the tenant, at sign-up or at login (invitationToken). The raw token exists once, in the
// answer that creates it; only its HMAC is stored. Expiry, revocation and maxUses are enforced by
// the single conditional UPDATE that counts a use, so parallel joins cannot overrun maxUses.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { randomToken } from '../../platform/crypto.ts';
import type { Tx } from '../../platform/db.ts';
import type { ClientInfo } from '../auth/sessions.service.ts';
import type { Deps } from '../deps.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { vendorPolicyRowId } from '../policies/policy-rows.ts';
import { resolveRoleIds } from '../roles/authorization.service.ts';
import { assertMailAvailable, deliver } from '../users/account-tokens.ts';
import { accountLink, renderTemplate } from '../mail/templates.ts';
import { emailSchema, idSchema, parseInput } from '../validation.ts';

/** Frontegg's default lifetime of an invite link when none is given. */
export const DEFAULT_INVITE_MINUTES = 7 * 24 * 60;

const minutes = z.number().int().min(1).max(365 * 24 * 60);
const CreateInput = z.object({
  tenantId: idSchema,
  userId: idSchema.nullish(),
  expiresInMinutes: minutes.nullish(),
  shouldSendEmail: z.boolean().nullish(),
  roleIds: z.array(idSchema).max(100).nullish(),
  maxUses: z.number().int().min(1).max(1_000_000).nullish(),
  email: emailSchema.nullish(),
});
const UpdateInput = z.object({ expiresInMinutes: minutes.nullish(), shouldSendEmail: z.boolean().nullish() });
const TokenInput = z.string().trim().min(1, 'token is required').max(512);

const TenantInvitesConfig = z.object({
  tenantInvitationsAllowed: z.boolean().catch(true),
  emailsEnabled: z.boolean().catch(true),
});

const publicSelect = {
  id: true,
  tenantId: true,
  inviterUserId: true,
  email: true,
  roleIds: true,
  shouldSendEmail: true,
  maxUses: true,
  uses: true,
  expiresAt: true,
  createdAt: true,
} as const;

/** Frontegg's hosted sign-up reads an invitation token from ?invitationToken=… */
export const tenantInviteLink = (appUrl: string, token: string) => accountLink(appUrl, '/account/sign-up', { invitationToken: token });

type InviteDeps = Pick<Deps, 'db' | 'clock' | 'secrets' | 'mailer' | 'logger' | 'config'>;

/**
 * Counts one use of the invite with this raw token inside `tx`, or fails with
 * tenant_invite_invalid (unknown, revoked, expired and used-up tokens answer alike). The
 * increment is one statement guarded by the limits, so of N parallel uses at most maxUses win.
 */
export async function consumeTenantInviteIn(tx: Tx, deps: Pick<Deps, 'clock' | 'secrets'>, rawToken: string, email: string | null) {
  const token = parseInput(TokenInput, rawToken);
  const now = deps.clock.now();
  const invite = await tx.invitation.findUnique({
    where: { tokenHash: deps.secrets.hashToken(token) },
    select: { id: true, tenantId: true, roleIds: true, email: true },
  });
  if (!invite) fail('tenant_invite_invalid');
  // An invite addressed to someone works only for that address.
  if (invite.email && invite.email !== email?.toLowerCase()) fail('tenant_invite_invalid');
  const counted = await tx.$executeRaw`
    UPDATE "Invitation" SET "uses" = "uses" + 1
    WHERE "id" = ${invite.id} AND "revokedAt" IS NULL AND "expiresAt" > ${now}
      AND ("maxUses" IS NULL OR "uses" < "maxUses")`;
  if (counted !== 1) fail('tenant_invite_invalid');
  return invite;
}

/**
 * Adds the user to the invite's tenant (with the invite's roles, else the tenant's default roles)
 * and makes it their active tenant, in one transaction with the use count. Already a member: the
 * invite is not used up, the tenant only becomes the active one.
 */
export async function joinTenantByInvite(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, user: { id: string; email: string | null }, rawToken: string) {
  return deps.db.$transaction(async (tx) => {
    const token = parseInput(TokenInput, rawToken);
    const peek = await tx.invitation.findUnique({ where: { tokenHash: deps.secrets.hashToken(token) }, select: { tenantId: true } });
    const member = peek
      ? await tx.userTenant.findUnique({ where: { userId_tenantId: { userId: user.id, tenantId: peek.tenantId } }, select: { id: true } })
      : null;
    const tenantId = member ? peek!.tenantId : await addMemberIn(tx, deps, user, token);
    await tx.user.update({ where: { id: user.id }, data: { activeTenantId: tenantId } });
    return tenantId;
  });
}

async function addMemberIn(tx: Tx, deps: Pick<Deps, 'clock' | 'secrets'>, user: { id: string; email: string | null }, token: string) {
  const invite = await consumeTenantInviteIn(tx, deps, token, user.email);
  const roleIds = await resolveRoleIds(tx, invite.tenantId, { roleIds: invite.roleIds });
  // Roles deleted since the invite was made: the invite no longer says what to grant.
  if (!roleIds) fail('tenant_invite_invalid');
  await tx.userTenant.create({ data: { userId: user.id, tenantId: invite.tenantId, roles: { create: roleIds.map((roleId) => ({ roleId })) } } });
  return invite.tenantId;
}

export function createTenantInvitesService(deps: InviteDeps & ThrottleDeps) {
  const { db, clock, secrets } = deps;

  async function configuration() {
    const row = await db.policy.findUnique({ where: { id: vendorPolicyRowId('TENANT_INVITES') }, select: { config: true, enabled: true } });
    const config = TenantInvitesConfig.parse(row?.config ?? {});
    return {
      tenantInvitationsAllowed: config.tenantInvitationsAllowed && (row?.enabled ?? true),
      // Mail can only be on when delivery is configured.
      emailsEnabled: config.emailsEnabled && deps.mailer.available,
    };
  }

  const expiry = (m: number | null | undefined) => new Date(clock.now().getTime() + (m ?? DEFAULT_INVITE_MINUTES) * 60_000);

  return {
    configuration,

    /**
     * Creates an invite link for the tenant. With a userId (the caller's own link, Frontegg's
     * /invites/v1/user) it replaces that user's earlier link for the tenant: one link per user.
     */
    async create(raw: z.input<typeof CreateInput>) {
      const input = parseInput(CreateInput, raw);
      const config = await configuration();
      if (!config.tenantInvitationsAllowed) fail('tenant_invites_disabled');
      const sendMail = !!input.shouldSendEmail && !!input.email;
      if (sendMail) assertMailAvailable(deps);
      const token = randomToken(32);
      const invite = await db.$transaction(async (tx) => {
        const tenant = await tx.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } });
        if (!tenant) fail('tenant_not_found');
        if (input.userId) {
          const member = await tx.userTenant.findUnique({ where: { userId_tenantId: { userId: input.userId, tenantId: input.tenantId } }, select: { id: true } });
          if (!member) fail('user_not_found');
          await tx.invitation.deleteMany({ where: { tenantId: input.tenantId, inviterUserId: input.userId } });
        }
        // Roles are checked now (they must be the tenant's or global); none means the defaults at join time.
        if (input.roleIds?.length && !(await resolveRoleIds(tx, input.tenantId, { roleIds: input.roleIds }))) fail('role_ids_invalid');
        return tx.invitation.create({
          data: {
            tenantId: input.tenantId,
            inviterUserId: input.userId ?? null,
            email: input.email ?? null,
            roleIds: input.roleIds ? [...new Set(input.roleIds)] : [],
            tokenHash: secrets.hashToken(token),
            shouldSendEmail: !!input.shouldSendEmail,
            maxUses: input.maxUses ?? null,
            expiresAt: expiry(input.expiresInMinutes),
          },
          select: publicSelect,
        });
      });
      if (sendMail) {
        deliver(deps, renderTemplate('InviteToTenant', { to: input.email!, name: null, link: tenantInviteLink(deps.config.appUrl, token), validForMinutes: input.expiresInMinutes ?? DEFAULT_INVITE_MINUTES }));
      }
      return { ...invite, token };
    },

    /** The tenant's invites (all tenants' for the vendor when tenantId is null); never their tokens. */
    list(tenantId: string | null) {
      return db.invitation.findMany({ where: tenantId ? { tenantId } : {}, orderBy: { createdAt: 'asc' }, select: publicSelect });
    },

    /** The user's own invite link for the tenant (its token cannot be shown again). */
    async findForUser(tenantId: string, userId: string) {
      const invite = await db.invitation.findFirst({ where: { tenantId, inviterUserId: userId }, orderBy: { createdAt: 'desc' }, select: publicSelect });
      return invite ?? fail('tenant_invite_not_found');
    },

    async updateForUser(tenantId: string, userId: string, raw: z.input<typeof UpdateInput>) {
      const input = parseInput(UpdateInput, raw);
      const current = await this.findForUser(tenantId, userId);
      return db.invitation.update({
        where: { id: current.id },
        data: {
          ...(input.expiresInMinutes ? { expiresAt: expiry(input.expiresInMinutes) } : {}),
          ...(input.shouldSendEmail !== null && input.shouldSendEmail !== undefined ? { shouldSendEmail: input.shouldSendEmail } : {}),
        },
        select: publicSelect,
      });
    },

    async deleteForUser(tenantId: string, userId: string) {
      const { count } = await db.invitation.deleteMany({ where: { tenantId, inviterUserId: userId } });
      if (count === 0) fail('tenant_invite_not_found');
      return { deleted: true };
    },

    /** Deletes an invite of the tenant (any tenant's for the vendor, tenantId null); another tenant's is not found. */
    async delete(id: string, tenantId: string | null) {
      const inviteId = parseInput(idSchema, id);
      const { count } = await db.invitation.deleteMany({ where: { id: inviteId, ...(tenantId ? { tenantId } : {}) } });
      if (count === 0) fail('tenant_invite_not_found');
      return { deleted: true };
    },

    /** Public: what tenant a still-usable token invites to (no secrets, no use counted). */
    async verify(rawToken: string, client: ClientInfo = {}) {
      const token = parseInput(TokenInput, rawToken);
      // The token names no account: only the client's failure budget applies.
      return deps.throttle.attempt('code', { ip: client.ipAddress }, async () => {
        const invite = await db.invitation.findUnique({
          where: { tokenHash: secrets.hashToken(token) },
          select: { id: true, tenantId: true, expiresAt: true, revokedAt: true, uses: true, maxUses: true, tenant: { select: { name: true } } },
        });
        const usable = invite && !invite.revokedAt && invite.expiresAt > clock.now() && (invite.maxUses === null || invite.uses < invite.maxUses);
        if (!usable) fail('tenant_invite_invalid');
        return { id: invite.id, tenantId: invite.tenantId, name: invite.tenant.name, expiresAt: invite.expiresAt };
      });
    },
  };
}

export type TenantInvitesService = ReturnType<typeof createTenantInvitesService>;
