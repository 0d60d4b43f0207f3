// The authentication flows: password login, refresh, logout, sign-up, password verification,
// and reading a bearer token into a principal. Transports call these and nothing else.
import { z } from 'zod';
import { DomainError, fail } from '../../errors/domain-errors.ts';
import { InvalidTokenError as JwtInvalidTokenError } from '../../platform/jwt.ts';
import { Prisma } from '../../platform/db.ts';
import { API_TOKEN_TYPES, apiTokenPrincipal, type ApiTokenPrincipal } from '../api-tokens/api-token-jwt.ts';
import { ACCESS_TOKEN_TYPES, accessTokenPrincipal } from '../api-tokens/access-tokens.service.ts';
import type { Deps } from '../deps.ts';
import type { MfaChallenge } from '../mfa/mfa.service.ts';
import { mfaStepAtLogin } from '../mfa/mfa-login.service.ts';
import { recordFailedPassword } from '../policies/password-policies.service.ts';
import { assertCaptcha, captchaPolicySql, readCaptchaPolicy, type CaptchaPolicyState } from '../policies/captcha-policy.service.ts';
import { passwordExpired, rotationMinutesSql } from '../policies/password-rotation.service.ts';
import { issueAccountToken } from '../users/account-tokens.ts';
import { frontEggUsernameSchema } from '../users/usernames.service.ts';
import { loadTenantAuthorization, tenantAuthorizationSql, type TenantAuthorization } from '../roles/authorization.service.ts';
import { sendUnlockEmail } from '../users/unlock.service.ts';
import { createTenantIn } from '../tenants/tenants.service.ts';
import { consumeTenantInviteIn, joinTenantByInvite } from '../tenants/tenant-invites.service.ts';
import { assertMailAvailable } from '../users/account-tokens.ts';
import { verifyStoredPassword } from '../users/imported-passwords.ts';
import { createUserIn } from '../users/users.service.ts';
import { emailSchema, metadataSchema, nameSchema, parseInput, passwordSchema, phoneSchema, urlSchema, usernameSchema } from '../validation.ts';
import { refuseLockedAccount } from './locked-account.ts';
import type { ClientInfo, SessionStore } from './sessions.service.ts';
import { DuplicateSignUpRehearsal, defineSignUpMail, rehearsalEmail } from './signup-enumeration.ts';
import { USER_TOKEN_TYPE, type TokenIssuer } from './tokens.ts';
import { VENDOR_TOKEN_TYPE } from '../vendor/vendor.service.ts';
import type { IpRestrictionGuard } from '../policies/restrictions.service.ts';
import type { ThrottleDeps } from '../security/throttle.ts';
import { auditedSecurityEvent } from '../security/security-events.ts';

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'vendor'; clientId: string }
  | {
      kind: 'user';
      userId: string;
      tenantId: string;
      tenantIds: string[];
      sessionId: string;
      roles: string[];
      permissions: string[];
    }
  | ApiTokenPrincipal;

/** What login, refresh and session start read of a user. */
interface LoginUser {
  id: string;
  email: string | null;
  name: string | null;
  verified: boolean;
  lockedAt: Date | null;
  mfaBypass: boolean;
  profilePictureUrl: string | null;
  metadata: unknown;
  activeTenantId: string | null;
  memberships: Array<{ tenantId: string; disabled: boolean; activatedForTenant: boolean; expiresAt: Date | null }>;
}

/**
 * Password login of a user whose password outlived the rotation policy (Frontegg's login answer
 * with resetPasswordToken and no tokens): the token works with the ordinary password reset.
 */
export interface PasswordExpiredResult {
  userId: string;
  userEmail: string | null;
  resetPasswordToken: string;
}

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  expires: Date;
  userId: string;
  userEmail: string | null;
  emailVerified: boolean;
  tenantId: string;
  sessionId: string;
}

const LoginInput = z
  .object({
    email: z.string().trim().max(254).nullish(),
    username: z.string().trim().max(255).nullish(),
    password: passwordSchema,
    invitationToken: z.string().max(512).nullish(),
    recaptchaToken: z.string().max(4096).nullish(),
  })
  .refine((v) => v.email || v.username, { message: 'email or username is required', path: ['email'] });

const SignUpInput = z.object({
  email: emailSchema,
  companyName: z.string().trim().min(1, 'companyName is required').max(255),
  password: passwordSchema.nullish(),
  name: nameSchema.nullish(),
  username: usernameSchema.nullish(),
  phoneNumber: phoneSchema.nullish(),
  profilePictureUrl: urlSchema.nullish(),
  metadata: metadataSchema.nullish(),
  provider: z.literal('local').nullish(),
  invitationToken: z.string().max(512).nullish(),
  recaptchaToken: z.string().max(4096).nullish(),
});

/** Frontegg's sign-up by username: the username identifies the user, the email is optional. */
const UsernameSignUpInput = SignUpInput.extend({ username: frontEggUsernameSchema, email: emailSchema.nullish() });

const VerifyPasswordInput = z.object({ email: emailSchema, password: passwordSchema });

type AuthDeps = Pick<Deps, 'db' | 'hasher' | 'clock' | 'keys' | 'config' | 'vendor' | 'secrets' | 'mailer' | 'logger' | 'captcha' | 'tasks' | 'metrics'> & ThrottleDeps & {
  sessions: SessionStore;
  tokens: TokenIssuer;
  /** IP restrictions of the tenant a session starts or refreshes into (in-process cache: no statement). */
  ipRestrictions?: IpRestrictionGuard;
};

export function createAuthService(deps: AuthDeps) {
  const { db, hasher, clock, keys, config, vendor, sessions, tokens } = deps;
  const signUpMail = defineSignUpMail(deps);

  /**
   * What login, refresh and session start need of a user, as one JSON value over alias u
   * ("User"): instants as epoch milliseconds (JSON has no timestamp type), memberships oldest first.
   */
  const loginUserJsonSql = Prisma.sql`json_build_object(
      'id', u.id, 'email', u.email, 'name', u.name, 'verified', u.verified,
      'lockedAt', (extract(epoch FROM u."lockedAt") * 1000)::bigint, 'mfaBypass', u."mfaBypass",
      'profilePictureUrl', u."profilePictureUrl", 'metadata', u.metadata, 'activeTenantId', u."activeTenantId",
      'memberships', COALESCE((
        SELECT json_agg(json_build_object('tenantId', m."tenantId", 'disabled', m.disabled, 'activatedForTenant', m."activatedForTenant",
                                          'expiresAt', (extract(epoch FROM m."expiresAt") * 1000)::bigint) ORDER BY m."createdAt")
        FROM "UserTenant" m WHERE m."userId" = u.id), '[]'::json))`;

  type EpochUser = Omit<LoginUser, 'lockedAt' | 'memberships'> & {
    lockedAt: number | null;
    memberships: Array<{ tenantId: string; disabled: boolean; activatedForTenant: boolean; expiresAt: number | null }>;
  };
  const fromEpoch = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
  const loginUserFromJson = (u: EpochUser): LoginUser => ({
    ...u,
    lockedAt: fromEpoch(u.lockedAt),
    memberships: u.memberships.map((m) => ({ ...m, expiresAt: fromEpoch(m.expiresAt) })),
  });

  /**
   * One statement: the user, their password hash and whether the vendor forces email
   * verification. Password login is argon2 plus as few statements as possible.
   * With `passwordLogin`, the same statement also brings what a password login enforces: the
   * password's age and the shortest active rotation period of the user's tenants, and the captcha
   * policy. The user is left-joined to a one-row source so an unknown identifier still reads the
   * (vendor-wide) captcha policy: known and unknown accounts are refused alike without a token.
   */
  async function readLoginUser(where: { id: string } | { email: string } | { username: string }, o: { passwordLogin?: boolean } = {}) {
    const cond =
      'id' in where ? Prisma.sql`u.id = ${where.id}` : 'email' in where ? Prisma.sql`u.email = ${where.email}` : Prisma.sql`u.username = ${where.username}`;
    const rotation = o.passwordLogin
      ? Prisma.sql`,
        (SELECT (extract(epoch FROM c."changedAt") * 1000)::bigint FROM "PasswordCredential" c WHERE c."userId" = u.id) AS "passwordChangedAt",
        ${rotationMinutesSql(Prisma.sql`u.id`)} AS "rotationMinutes"`
      : Prisma.empty;
    const captcha = o.passwordLogin ? Prisma.sql`, ${captchaPolicySql} AS captcha` : Prisma.empty;
    const [row] = await db.$queryRaw<
      Array<{
        login_user: EpochUser | null;
        passwordHash: string | null;
        forceEmailVerification: boolean | null;
        passwordChangedAt?: number | null;
        rotationMinutes?: number | null;
        captcha?: CaptchaPolicyState | null;
      }>
    >`
      SELECT lu.*,
        (SELECT v."forceEmailVerification" FROM "VendorSettings" v WHERE v.id = 1) AS "forceEmailVerification"${captcha}
      FROM (SELECT 1) AS one LEFT JOIN (
        SELECT ${loginUserJsonSql} AS login_user,
          (SELECT c.hash FROM "PasswordCredential" c WHERE c."userId" = u.id) AS "passwordHash"${rotation}
        FROM "User" u WHERE ${cond}
      ) lu ON true`;
    return {
      user: row?.login_user ? loginUserFromJson(row.login_user) : null,
      passwordHash: row?.passwordHash ?? null,
      forceEmailVerification: row?.forceEmailVerification ?? false,
      passwordChangedAt: fromEpoch(row?.passwordChangedAt ?? null),
      rotationMinutes: row?.rotationMinutes ?? null,
      captcha: row?.captcha ?? null,
    };
  }

  async function findLoginUser(where: { id: string } | { email: string } | { username: string }): Promise<LoginUser | null> {
    return (await readLoginUser(where)).user;
  }

  const usableTenantIds = (u: LoginUser, now: Date) =>
    // A pending invitation (activatedForTenant false) grants nothing until it is accepted.
    u.memberships.filter((m) => !m.disabled && m.activatedForTenant && (!m.expiresAt || m.expiresAt > now)).map((m) => m.tenantId);

  /** Picks the tenant a session works in: the requested one, the active one, else the oldest membership. */
  function pickTenant(u: LoginUser, now: Date, requested?: string | null): string {
    const usable = usableTenantIds(u, now);
    if (requested) {
      if (!usable.includes(requested)) fail('user_not_member_of_tenant');
      return requested;
    }
    if (u.activeTenantId && usable.includes(u.activeTenantId)) return u.activeTenantId;
    return usable[0] ?? fail('user_no_tenant_access');
  }

  /** The login user of a session (alias s), for the refresh read. */
  const refreshUserSql = Prisma.sql`(SELECT ${loginUserJsonSql} FROM "User" u WHERE u.id = s."userId")`;

  /** `authz` when the caller already read it for this tenant (refresh); otherwise one statement reads it. */
  async function tokensFor(
    u: LoginUser,
    tenantId: string,
    sessionId: string,
    refreshToken: string,
    preloaded?: TenantAuthorization | null,
  ): Promise<AuthResult> {
    const now = clock.now();
    const authz = preloaded !== undefined ? preloaded : await loadTenantAuthorization(db, u.id, tenantId, now);
    if (!authz) fail('user_no_tenant_access');
    const { accessToken, expiresIn, expires } = await tokens.issueAccessToken({
      userId: u.id,
      email: u.email,
      name: u.name,
      profilePictureUrl: u.profilePictureUrl,
      verified: u.verified,
      tenantId,
      tenantIds: usableTenantIds(u, now),
      roleKeys: authz.roles.map((r) => r.key),
      permissionKeys: authz.permissionKeys,
      sessionId,
      metadata: u.metadata,
    });
    return { accessToken, refreshToken, expiresIn, expires, userId: u.id, userEmail: u.email, emailVerified: u.verified, tenantId, sessionId };
  }

  async function startSession(u: LoginUser, client: ClientInfo): Promise<AuthResult> {
    const now = clock.now();
    const tenantId = pickTenant(u, now);
    await deps.ipRestrictions?.assertAllowed(tenantId, client.ipAddress);
    // One statement starts the session (and its login bookkeeping) and reads the tenant's authorization.
    const started = await sessions.start<TenantAuthorization>(u.id, tenantId, client, {
      now,
      extra: tenantAuthorizationSql(Prisma.sql`${u.id}`, Prisma.sql`${tenantId}`, now),
    });
    return tokensFor(u, tenantId, started.sessionId, started.refreshToken, started.extra);
  }

  /**
   * Checks the captcha (when a recaptchaToken is due), then the password; unknown users cost one
   * dummy verification so timing does not tell them apart, and so do locked ones.
   */
  async function checkPassword(
    where: { email: string } | { username: string },
    password: string,
    captcha?: { token: string | null | undefined; remoteIp?: string | null },
  ) {
    const read = await readLoginUser(where, { passwordLogin: true });
    if (captcha) {
      // Exemptions go by the email typed, or by the account's for a username login.
      await assertCaptcha(deps, read.captcha, { token: captcha.token, email: 'email' in where ? where.email : read.user?.email, remoteIp: captcha.remoteIp });
    }
    const found = read.user ? { ...read, user: read.user } : null;
    // A locked account verifies no password: every one answers user_locked (see locked-account.ts).
    if (found?.user.lockedAt) await refuseLockedAccount(deps, where, password);
    // Imported (migrated) hashes are verified with their own algorithm and upgraded to argon2id.
    const ok = await verifyStoredPassword(deps, read.user?.id ?? null, read.passwordHash, password);
    if (!ok || !found) {
      // Known or not, the same atomic count-and-maybe-lock statement runs (0 rows for unknown users).
      const counted = await recordFailedPassword(db, where, clock.now());
      // Unlocked when read, locked now: this attempt locked it, so the owner gets an unlock link.
      if (found && !found.user.lockedAt && counted?.lockedAt) {
        await auditedSecurityEvent(deps, 'account.locked', { userId: found.user.id, tenantId: found.user.activeTenantId, reason: 'failed_password_attempts' });
        await sendUnlockEmail(deps, found.user);
      }
      fail('auth_invalid_credentials');
    }
    return found;
  }

  return {
    /** A session, or (with a verified authenticator and no bypass) a pending MFA login: no tokens yet. */
    async login(
      raw: { email?: string | null; username?: string | null; password: string; invitationToken?: string | null; recaptchaToken?: string | null },
      client: ClientInfo,
    ): Promise<AuthResult | MfaChallenge | PasswordExpiredResult> {
      const input = parseInput(LoginInput, raw);
      const where = input.email ? { email: input.email.toLowerCase() } : { username: input.username! };
      // Per IP and per identifier as typed (known or not): a 429 tells nothing about the account.
      const account = 'email' in where ? where.email : where.username;
      const found = await deps.throttle.attempt('login', { ip: client.ipAddress, account }, () =>
        checkPassword(where, input.password, { token: input.recaptchaToken, remoteIp: client.ipAddress }),
      );
      let user = found.user;
      // Only someone who knows the password learns that the account is unverified (a lock answers
      // every password alike, in checkPassword).
      if (!user.verified && found.forceEmailVerification) fail('user_not_verified');
      // An expired password opens no session: the answer is a reset token for the reset flow.
      if (passwordExpired(found.passwordChangedAt, found.rotationMinutes, clock.now())) {
        return { userId: user.id, userEmail: user.email, resetPasswordToken: await issueAccountToken(deps, 'PASSWORD_RESET', user) };
      }
      // A tenant invite joins the (proven) user to its tenant, which becomes the active one.
      if (input.invitationToken) {
        await joinTenantByInvite(deps, user, input.invitationToken);
        user = (await findLoginUser({ id: user.id }))!;
      }
      const mfaStep = await mfaStepAtLogin(deps, user, client.mfaDeviceToken);
      if (mfaStep) return mfaStep;
      return startSession(user, client);
    },

    async refresh(refreshToken: string | null | undefined, requestedTenantId?: string | null, client: ClientInfo = {}) {
      if (!refreshToken || refreshToken.length > 512) fail('auth_refresh_token_invalid');
      const now = clock.now();
      // The refresh read brings the user and their authorization in the session's tenant, so the
      // usual refresh is two statements (that read and the rotation) plus the signature.
      const extra = Prisma.sql`json_build_object('user', ${refreshUserSql},
        'authz', ${tenantAuthorizationSql(Prisma.sql`s."userId"`, Prisma.sql`s."tenantId"`, now)})`;
      let user: LoginUser | null = null;
      let sessionTenant: { id: string | null; authz: TenantAuthorization | null } = { id: null, authz: null };
      const rotated = await sessions.rotate<{ user: EpochUser | null; authz: TenantAuthorization | null }>(
        refreshToken,
        (s) => {
          user = s.extra?.user ? loginUserFromJson(s.extra.user) : null;
          if (!user || user.lockedAt) fail('auth_refresh_token_invalid');
          sessionTenant = { id: s.tenantId, authz: s.extra?.authz ?? null };
          const tenantId = pickTenant(user, now, requestedTenantId ?? null);
          // Before the rotation: a refused address leaves the token unused.
          return deps.ipRestrictions ? deps.ipRestrictions.assertAllowed(tenantId, client.ipAddress).then(() => tenantId) : tenantId;
        },
        { now, extra },
      );
      // Switching tenants (or a session without one) reads the new tenant's authorization.
      const preloaded = sessionTenant.id !== null && sessionTenant.id === rotated.tenantId ? sessionTenant.authz : undefined;
      return tokensFor(user!, rotated.tenantId, rotated.sessionId, rotated.refreshToken, preloaded);
    },

    async logout(refreshToken: string | null | undefined, principal: Principal) {
      if (refreshToken && refreshToken.length <= 512) {
        const revoked = await sessions.revokeByRefreshToken(refreshToken);
        if (revoked) return;
      }
      if (principal.kind === 'user') await sessions.revoke(principal.sessionId, 'logout');
    },

    /**
     * Sign-up creates a tenant (the company) and its first user, who gets the first-user roles.
     * Unless GATEHOUSE_SIGNUP_IMMEDIATE_LOGIN lets a sign-up with a password answer with a
     * session (and forceEmailVerification does not stop it), the user starts unverified and gets
     * an activation email. A registered email then answers like a new sign-up, after the same
     * work, and its owner gets a notice (see signup-enumeration.ts); with a session to answer, it
     * answers 409, since a session cannot be faked.
     */
    async signUp(
      raw: z.input<typeof SignUpInput> | z.input<typeof UsernameSignUpInput>,
      client: ClientInfo,
      o: { byUsername?: boolean } = {},
    ) {
      const input: Omit<z.output<typeof UsernameSignUpInput>, 'username'> & { username?: string | null } = o.byUsername
        ? parseInput(UsernameSignUpInput, raw)
        : parseInput(SignUpInput, raw as z.input<typeof SignUpInput>);
      await deps.throttle.signUp(client.ipAddress);
      await assertCaptcha(deps, await readCaptchaPolicy(db), { token: input.recaptchaToken, email: input.email, remoteIp: client.ipAddress });
      const settings = await db.vendorSettings.findUnique({ where: { id: 1 }, select: { allowSignUps: true, forceEmailVerification: true } });
      if (!settings?.allowSignUps) fail('signup_disabled');
      const shouldActivate = !input.password || settings.forceEmailVerification || !config.signUpImmediateLogin;
      // Activation goes by email: a username sign-up without one needs a password and an immediate login.
      if (shouldActivate && !input.email) fail('validation_failed', 'email: is required when the account must be activated (no password, or email verification is enforced)');
      // Before any write: an account nobody can activate must not be created.
      if (shouldActivate) assertMailAvailable(deps);
      const verified = false;
      const created = await db.$transaction(async (tx) => {
        const registered = input.email ? await tx.user.findUnique({ where: { email: input.email }, select: { id: true } }) : null;
        if (registered && !shouldActivate) fail('user_already_exists');
        // A tenant invite joins its tenant (invite roles, else defaults) instead of creating one.
        const invite = input.invitationToken ? await consumeTenantInviteIn(tx, deps, input.invitationToken, input.email ?? null) : null;
        const tenant = invite
          ? { id: invite.tenantId }
          : await createTenantIn(tx, { name: input.companyName, creatorEmail: input.email, creatorName: input.name });
        const { userId } = await createUserIn(
          tx,
          { hasher, clock },
          {
            tenantId: tenant.id,
            // A registered email rehearses the sign-up with a stand-in address, rolled back below.
            email: registered ? rehearsalEmail(input.email!) : input.email,
            username: input.username,
            name: input.name,
            password: input.password,
            phoneNumber: input.phoneNumber,
            profilePictureUrl: input.profilePictureUrl,
            metadata: input.metadata,
            verified,
            roleIds: invite?.roleIds.length ? invite.roleIds : null,
          },
          { firstUser: !invite },
        );
        if (registered) throw new DuplicateSignUpRehearsal();
        return { userId, tenantId: tenant.id };
      }).catch((e: unknown) => {
        if (e instanceof DuplicateSignUpRehearsal) return null;
        // A concurrent sign-up that lost the unique-email race is a duplicate too.
        if (shouldActivate && e instanceof DomainError && e.code === 'user_already_exists') return null;
        throw e;
      });
      if (!created) return signUpMail.duplicate(input.email!);
      const { userId, tenantId } = created;
      if (shouldActivate) {
        signUpMail.activation({ userId, email: input.email!, name: input.name ?? null });
        return { shouldActivate, userId, tenantId, authResponse: null };
      }
      const user = (await findLoginUser({ id: userId }))!;
      return { shouldActivate, userId, tenantId, authResponse: await startSession(user, client) };
    },

    /** Starts a session for a user who proved themselves another way (activation link). */
    async startSessionFor(userId: string, client: ClientInfo) {
      const user = await findLoginUser({ id: userId });
      if (!user) fail('user_not_found');
      if (user.lockedAt) fail('user_locked');
      return startSession(user, client);
    },

    /**
     * Logs in a user who proved control of their mailbox (passwordless link or code): the same lock
     * and MFA rules as password login, so email access alone never skips a second factor.
     */
    async loginProvenUser(userId: string, client: ClientInfo): Promise<AuthResult | MfaChallenge> {
      const user = await findLoginUser({ id: userId });
      if (!user) fail('user_not_found');
      if (user.lockedAt) fail('user_locked');
      const mfaStep = await mfaStepAtLogin(deps, user, client.mfaDeviceToken);
      if (mfaStep) return mfaStep;
      return startSession(user, client);
    },

    /** Vendor-only: tells whether the password is the user's, without starting a session. */
    async verifyPassword(raw: { email: string; password: string }) {
      const input = parseInput(VerifyPasswordInput, raw);
      await deps.throttle.attempt('login', { account: input.email }, () => checkPassword({ email: input.email }, input.password));
      return true;
    },

    /** Reads `Authorization: Bearer …` into a principal. Invalid tokens are an error, not anonymity. */
    /**
     * `vendorOnly`: the token came in Frontegg's `x-access-token` header, which carries the vendor
     * token only (@frontegg/client's HttpClient and IdentityClient send it there); any other kind
     * of token presented that way is refused rather than quietly honoured.
     */
    async authenticateBearer(token: string | null, o: { vendorOnly?: boolean } = {}): Promise<Principal> {
      if (!token) return { kind: 'anonymous' };
      try {
        type Claims = { tenantId?: unknown; tenantIds?: unknown; sid?: unknown; roles?: unknown; permissions?: unknown };
        const verify = () =>
          keys.current.verify<Claims>(token, {
            issuer: config.issuer,
            audience: vendor.clientId,
            types: o.vendorOnly ? [VENDOR_TOKEN_TYPE] : [USER_TOKEN_TYPE, VENDOR_TOKEN_TYPE, ...API_TOKEN_TYPES, ...ACCESS_TOKEN_TYPES],
            now: clock.now(),
          });
        const claims = await verify().catch(async (error: unknown) => {
          // A key another instance just created: reload once (bounded) and try again.
          if (error instanceof JwtInvalidTokenError && error.reason === 'unknown key' && (await keys.refreshForUnknownKid?.())) return verify();
          throw error;
        });
        if (claims.type === VENDOR_TOKEN_TYPE) return { kind: 'vendor', clientId: claims.sub };
        if ((API_TOKEN_TYPES as readonly string[]).includes(claims.type)) return apiTokenPrincipal(claims) ?? fail('auth_token_invalid');
        // Access tokens are revocable: their row is looked up (and their roles resolved) at every use.
        if ((ACCESS_TOKEN_TYPES as readonly string[]).includes(claims.type)) return await accessTokenPrincipal(deps, token, claims, clock.now());
        const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
        if (typeof claims.tenantId !== 'string' || typeof claims.sid !== 'string') fail('auth_token_invalid');
        // Opt-in (GATEHOUSE_SESSION_CHECK): a revoked session's token is refused before its exp.
        await sessions.assertLive(claims.sid, claims.sub);
        return {
          kind: 'user',
          userId: claims.sub,
          tenantId: claims.tenantId,
          tenantIds: strings(claims.tenantIds),
          sessionId: claims.sid,
          roles: strings(claims.roles),
          permissions: strings(claims.permissions),
        };
      } catch (error) {
        if (error instanceof DomainError) throw error;
        if (error instanceof JwtInvalidTokenError) fail(error.reason === 'expired' ? 'auth_token_expired' : 'auth_token_invalid');
        throw error;
      }
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
