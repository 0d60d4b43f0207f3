// IP restrictions (per tenant) and email-domain restrictions (vendor-wide), Frontegg's
// "security policy" restrictions. Each list is RestrictionEntry rows (they need ids for DELETE);
// each list's config (ALLOW/BLOCK, on/off) is a Policy row: IP_RESTRICTION per tenant,
// DOMAIN_RESTRICTION as the vendor row (the spec's email-domain paths take no tenant).
//
// Enforcement:
// - IP: every session start (password, passwordless, SMS, MFA, activation, sign-up) and every
//   refresh into a tenant whose config is active. Login and refresh are hot paths with pinned
//   statement counts, so the rules live in an in-process cache: loaded in one statement on first
//   use, dropped on every write (on every instance, through the change feed `ip-restrictions`)
//   and at the refresh bound, and reloaded lazily. With no restriction configured the check is a
//   Map lookup.
// - Email domain: every new account (createUserIn covers sign-up, vendor creation, invitations,
//   sub-tenant users) and email changes. Those are not hot paths, so the check reads the database
//   (one statement), which is also fresh across processes.
//
// Lock-out: like Frontegg, an admin may save an ALLOW config that excludes their own address;
// the verify endpoints let them test the current address first (the config does not refuse it).
import net from 'node:net';
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import type { Tx } from '../../platform/db.ts';
import type { Deps } from '../deps.ts';
import { idSchema, parseInput } from '../validation.ts';
import { upsertPolicyRow } from './policy-rows.ts';

export const RESTRICTION_STRATEGIES = ['ALLOW', 'BLOCK'] as const;
export type RestrictionStrategy = (typeof RESTRICTION_STRATEGIES)[number];

export interface IpRestrictionConfig {
  strategy: RestrictionStrategy;
  isActive: boolean;
}
export interface EmailDomainConfig {
  listType: RestrictionStrategy;
  active: boolean;
  blockPublicDomains: boolean;
}
export interface RestrictionView {
  id: string;
  value: string;
  strategy: RestrictionStrategy;
  description: string | null;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const DEFAULT_IP_CONFIG: IpRestrictionConfig = { strategy: 'ALLOW', isActive: false };
const DEFAULT_DOMAIN_CONFIG: EmailDomainConfig = { listType: 'BLOCK', active: false, blockPublicDomains: false };

/** Free-mail providers refused by blockPublicDomains (exact domains; extend as needed). */
export const PUBLIC_EMAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'ymail.com', 'hotmail.com', 'outlook.com', 'live.com', 'msn.com',
  'aol.com', 'icloud.com', 'me.com', 'mac.com', 'gmx.com', 'gmx.net', 'mail.com', 'proton.me', 'protonmail.com',
  'yandex.com', 'yandex.ru', 'zoho.com', 'web.de', 'qq.com', '163.com',
]);

/** An IP or CIDR, IPv4 or IPv6, normalized (canonical address text, prefix within range). */
export function parseIpOrCidr(raw: string): { address: string; prefix: number | null; family: 'ipv4' | 'ipv6' } | null {
  const [addr, prefixText, extra] = raw.trim().split('/');
  if (extra !== undefined || !addr) return null;
  const version = net.isIP(addr);
  if (!version) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address: new net.SocketAddress({ address: addr, family }).address, prefix: null, family };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return null;
  return { address: new net.SocketAddress({ address: addr, family }).address, prefix, family };
}

const ipSchema = z
  .string()
  .trim()
  .max(64)
  .transform((v, ctx) => {
    const p = parseIpOrCidr(v);
    if (!p) {
      ctx.addIssue({ code: 'custom', message: 'must be an IPv4 or IPv6 address or CIDR range' });
      return z.NEVER;
    }
    return p.prefix === null ? p.address : `${p.address}/${p.prefix}`;
  });

/** A hostname of at least two labels (LDH rules), lower-cased; no scheme, no @, no wildcard. */
const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, 'must be a domain name (example.com)');

const strategySchema = z.enum(RESTRICTION_STRATEGIES);
const IpConfigInput = z.object({ strategy: strategySchema.nullish(), isActive: z.boolean().nullish() });
const CreateIpInput = z.object({
  ip: ipSchema,
  strategy: strategySchema,
  description: z.string().trim().max(255).nullish(),
  isActive: z.boolean().nullish(),
});
const BulkIpInput = z.object({ ips: z.array(CreateIpInput).min(1).max(500) });
const ListInput = z.object({ limit: z.number().int().min(1).max(1000).nullish(), offset: z.number().int().min(0).nullish() });
const DomainConfigInput = z.object({ active: z.boolean(), blockPublicDomains: z.boolean().nullish(), type: strategySchema.nullish() });
const CreateDomainInput = z.object({ domain: domainSchema, type: strategySchema });
const ReplaceDomainsInput = z.object({ type: strategySchema, domains: z.array(domainSchema).max(1000) });

const readIpConfig = (c: unknown): IpRestrictionConfig => {
  const o = (c && typeof c === 'object' ? c : {}) as Record<string, unknown>;
  return { strategy: o.strategy === 'BLOCK' ? 'BLOCK' : 'ALLOW', isActive: o.isActive === true };
};
const readDomainConfig = (c: unknown): EmailDomainConfig => {
  const o = (c && typeof c === 'object' ? c : {}) as Record<string, unknown>;
  return { listType: o.listType === 'ALLOW' ? 'ALLOW' : 'BLOCK', active: o.active === true, blockPublicDomains: o.blockPublicDomains === true };
};

/** Whether a client address passes a tenant's active rule; an unknown address fails an ALLOW list. */
function ipPasses(rule: { strategy: RestrictionStrategy; list: net.BlockList }, ip: string | null | undefined): boolean {
  const version = ip ? net.isIP(ip) : 0;
  const matched = version ? rule.list.check(ip!, version === 4 ? 'ipv4' : 'ipv6') : false;
  return rule.strategy === 'ALLOW' ? matched : !matched;
}

function compile(strategy: RestrictionStrategy, values: string[]) {
  const list = new net.BlockList();
  for (const v of values) {
    const p = parseIpOrCidr(v);
    if (!p) continue;
    if (p.prefix === null) list.addAddress(p.address, p.family);
    else list.addSubnet(p.address, p.prefix, p.family);
    // IPv4 clients often arrive as IPv4-mapped IPv6 (::ffff:a.b.c.d); BlockList matches those
    // against IPv4 rules itself.
  }
  return { strategy, list };
}

/**
 * Refuses a new account or address whose domain the vendor's active list refuses. One statement:
 * the config and whether the domain is listed under the config's list type.
 */
export async function assertEmailDomainAllowedIn(db: Tx, email: string | null | undefined) {
  if (!email) return;
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  const [row] = await db.$queryRaw<Array<{ config: unknown; listed: boolean }>>`
    SELECT p.config, EXISTS (
      SELECT 1 FROM "RestrictionEntry" e
      WHERE e.kind = 'EMAIL_DOMAIN' AND e."tenantId" IS NULL AND e."isActive" AND e.value = ${domain}
        AND e.strategy::text = (CASE WHEN p.config->>'listType' = 'ALLOW' THEN 'ALLOW' ELSE 'BLOCK' END)) AS listed
    FROM "Policy" p WHERE p.type = 'DOMAIN_RESTRICTION' AND p."tenantId" IS NULL`;
  if (!row) return;
  const config = readDomainConfig(row.config);
  if (!config.active) return;
  if (config.blockPublicDomains && PUBLIC_EMAIL_DOMAINS.has(domain)) fail('email_domain_restricted');
  if (config.listType === 'ALLOW' ? !row.listed : row.listed) fail('email_domain_restricted');
}

export interface IpRestrictionGuard {
  /** Fails with auth_ip_restricted when the tenant's active IP list refuses the address. */
  assertAllowed(tenantId: string, ip: string | null | undefined): Promise<void>;
}

type RestrictionDeps = Pick<Deps, 'db' | 'clock' | 'changes'>;

const IP_TOPIC = 'ip-restrictions';

const view = (r: {
  id: string;
  value: string;
  strategy: RestrictionStrategy;
  description: string | null;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}): RestrictionView => ({ ...r });

const entrySelect = { id: true, value: true, strategy: true, description: true, isActive: true, createdAt: true, updatedAt: true } as const;

export function createRestrictionsService(deps: RestrictionDeps) {
  const { db, clock, changes } = deps;

  // Rules of the tenants whose IP config is active; the promise itself is the cache entry, so a
  // write that drops it makes the next check load after the write committed.
  let ipRules: Promise<Map<string, ReturnType<typeof compile>>> | null = null;

  async function loadIpRules() {
    const rows = await db.$queryRaw<Array<{ tenantId: string; config: unknown; values: string[] }>>`
      SELECT p."tenantId", p.config, COALESCE(array_agg(e.value) FILTER (WHERE e.id IS NOT NULL), '{}') AS values
      FROM "Policy" p
      LEFT JOIN "RestrictionEntry" e ON e.kind = 'IP' AND e."tenantId" = p."tenantId" AND e."isActive"
        AND e.strategy::text = (CASE WHEN p.config->>'strategy' = 'BLOCK' THEN 'BLOCK' ELSE 'ALLOW' END)
      WHERE p.type = 'IP_RESTRICTION' AND p."tenantId" IS NOT NULL AND p.config->>'isActive' = 'true'
      GROUP BY p.id`;
    return new Map(rows.map((r) => [r.tenantId, compile(readIpConfig(r.config).strategy, r.values)]));
  }

  function rules() {
    if (!ipRules) {
      const loading = loadIpRules();
      ipRules = loading;
      // A failed load must not be cached.
      loading.catch(() => {
        if (ipRules === loading) ipRules = null;
      });
    }
    return ipRules;
  }
  changes.watch(IP_TOPIC, () => {
    ipRules = null;
  });
  /** After a committed write: every instance (this one at once) reloads the rules on next use. */
  const invalidateIp = () => changes.publish(IP_TOPIC);

  async function ipConfig(tenantId: string): Promise<IpRestrictionConfig> {
    const row = await db.policy.findUnique({ where: { type_tenantId: { type: 'IP_RESTRICTION', tenantId } }, select: { config: true } });
    return row ? readIpConfig(row.config) : { ...DEFAULT_IP_CONFIG };
  }

  async function domainConfig(): Promise<EmailDomainConfig> {
    const row = await db.policy.findFirst({ where: { type: 'DOMAIN_RESTRICTION', tenantId: null }, select: { config: true } });
    return row ? readDomainConfig(row.config) : { ...DEFAULT_DOMAIN_CONFIG };
  }

  const ipGuard: IpRestrictionGuard = {
    async assertAllowed(tenantId, ip) {
      const rule = (await rules()).get(tenantId);
      if (rule && !ipPasses(rule, ip)) fail('auth_ip_restricted');
    },
  };

  return {
    ipGuard,

    // --- IP restrictions (per tenant) ---
    ipConfig,

    async setIpConfig(tenantId: string, raw: z.input<typeof IpConfigInput>) {
      const input = parseInput(IpConfigInput, raw);
      const current = await ipConfig(tenantId);
      const next: IpRestrictionConfig = { strategy: input.strategy ?? current.strategy, isActive: input.isActive ?? current.isActive };
      await upsertPolicyRow(db, 'IP_RESTRICTION', tenantId, { ...next });
      invalidateIp();
      return next;
    },

    async listIps(tenantId: string, raw: z.input<typeof ListInput> = {}) {
      const input = parseInput(ListInput, raw);
      const take = input.limit ?? 50;
      // Frontegg's _offset is a page number.
      const skip = (input.offset ?? 0) * take;
      const where = { kind: 'IP' as const, tenantId };
      const [items, total] = await db.$transaction([
        db.restrictionEntry.findMany({ where, select: entrySelect, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take, skip }),
        db.restrictionEntry.count({ where }),
      ]);
      return { items: items.map(view), total };
    },

    async createIp(tenantId: string, raw: z.input<typeof CreateIpInput>) {
      const input = parseInput(CreateIpInput, raw);
      const row = await db.restrictionEntry.create({
        data: {
          kind: 'IP',
          tenantId,
          value: input.ip,
          strategy: input.strategy,
          description: input.description ?? null,
          isActive: input.isActive ?? true,
          createdAt: clock.now(),
        },
        select: entrySelect,
      });
      invalidateIp();
      return view(row);
    },

    /** All or nothing: one invalid entry refuses the whole batch. */
    async bulkCreateIps(tenantId: string, raw: z.input<typeof BulkIpInput>) {
      const input = parseInput(BulkIpInput, raw);
      const now = clock.now();
      await db.restrictionEntry.createMany({
        data: input.ips.map((i) => ({
          kind: 'IP' as const,
          tenantId,
          value: i.ip,
          strategy: i.strategy,
          description: i.description ?? null,
          isActive: i.isActive ?? true,
          createdAt: now,
        })),
      });
      invalidateIp();
      return { count: input.ips.length };
    },

    async deleteIp(tenantId: string, rawId: string) {
      const id = parseInput(idSchema, rawId);
      // Scoped by tenant in the statement: another tenant's id deletes nothing (404).
      const { count } = await db.restrictionEntry.deleteMany({ where: { id, kind: 'IP', tenantId } });
      if (!count) fail('restriction_not_found');
      invalidateIp();
      return { id };
    },

    /**
     * The caller's address against the tenant's list. `verify` answers whether the address would
     * be let in under the list as configured (as if it were active); `verifyAllow` whether the
     * address is on the tenant's ALLOW list, whatever the config.
     */
    async verifyIp(tenantId: string, ip: string | null | undefined, mode: 'config' | 'allow') {
      const config = await ipConfig(tenantId);
      const strategy = mode === 'allow' ? 'ALLOW' : config.strategy;
      const rows = await db.restrictionEntry.findMany({ where: { kind: 'IP', tenantId, isActive: true, strategy }, select: { value: true } });
      return { ip: ip ?? null, valid: ipPasses(compile(strategy, rows.map((r) => r.value)), ip) };
    },

    // --- Email-domain restrictions (vendor-wide) ---
    domainConfig,

    async setDomainConfig(raw: z.input<typeof DomainConfigInput>) {
      const input = parseInput(DomainConfigInput, raw);
      const current = await domainConfig();
      const next: EmailDomainConfig = {
        active: input.active,
        listType: input.type ?? current.listType,
        blockPublicDomains: input.blockPublicDomains ?? current.blockPublicDomains,
      };
      await upsertPolicyRow(db, 'DOMAIN_RESTRICTION', null, { ...next });
      return next;
    },

    async listDomains() {
      const rows = await db.restrictionEntry.findMany({
        where: { kind: 'EMAIL_DOMAIN', tenantId: null },
        select: entrySelect,
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(view);
    },

    async createDomain(raw: z.input<typeof CreateDomainInput>) {
      const input = parseInput(CreateDomainInput, raw);
      const row = await db.restrictionEntry.create({
        data: { kind: 'EMAIL_DOMAIN', tenantId: null, value: input.domain, strategy: input.type, createdAt: clock.now() },
        select: entrySelect,
      });
      return view(row);
    },

    async deleteDomain(rawId: string) {
      const id = parseInput(idSchema, rawId);
      const { count } = await db.restrictionEntry.deleteMany({ where: { id, kind: 'EMAIL_DOMAIN', tenantId: null } });
      if (!count) fail('restriction_not_found');
      return { id };
    },

    /** Replaces the whole list of one type (the other type's entries stay) in one transaction. */
    async replaceDomains(raw: z.input<typeof ReplaceDomainsInput>) {
      const input = parseInput(ReplaceDomainsInput, raw);
      const domains = [...new Set(input.domains)];
      const now = clock.now();
      await db.$transaction([
        db.restrictionEntry.deleteMany({ where: { kind: 'EMAIL_DOMAIN', tenantId: null, strategy: input.type } }),
        db.restrictionEntry.createMany({
          data: domains.map((value) => ({ kind: 'EMAIL_DOMAIN' as const, tenantId: null, value, strategy: input.type, createdAt: now })),
        }),
      ]);
      return { count: domains.length };
    },
  };
}

export type RestrictionsService = ReturnType<typeof createRestrictionsService>;
