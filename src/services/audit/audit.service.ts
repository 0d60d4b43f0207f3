// The audit log: one durable row per security-relevant event or change (who, what, to which
// entity, with what outcome, from where). Rows are written by the service wrapper
// (security/security-events.ts) after the wrapped call returns or throws, awaited before the
// answer leaves: never fire-and-forget, so an answered request has its row. A failed audit write
// is logged at error level and does not fail the operation it records (the change is already
// committed; turning it into a 500 would make the caller retry a change that happened). The
// window where a row can be lost is a crash between the change's commit and the next statement.
//
// Never a secret: callers pass ids, names and reason codes; `data` is filtered here by key name
// as a second line (passwords, tokens, codes, hashes, secrets never reach a row).
//
// Reading is keyset-paged newest first on (createdAt desc, id desc) within a tenant, a user or
// the installation, which the indexes of prisma/schema.prisma serve at any depth.
import { z } from 'zod';
import { fail } from '../../errors/domain-errors.ts';
import { Prisma, type Tx } from '../../platform/db.ts';
import { currentRequest } from '../../platform/request-context.ts';
import type { Deps } from '../deps.ts';
import { parseInput } from '../validation.ts';

export type ActorType = 'user' | 'vendor' | 'api_token' | 'anonymous' | 'system';
export type AuditOutcome = 'success' | 'failure';
export type AuditSeverity = 'Info' | 'Medium' | 'High' | 'Critical' | 'Error';
export const AUDIT_SEVERITIES = ['Info', 'Medium', 'High', 'Critical', 'Error'] as const;

export interface AuditRecord {
  /** Stable dotted name (user.login.succeeded, role.created…). */
  action: string;
  outcome?: AuditOutcome;
  /** Failure: the error code; otherwise why, when there is a why (logout, admin_revoked). */
  reason?: string | null;
  tenantId?: string | null;
  /** The user the event concerns: the actor, or the user acted on. */
  userId?: string | null;
  target?: { type: string; id: string | null } | null;
  /** Defaults to the request's caller (set by the GraphQL context), else anonymous/system. */
  actor?: { type: ActorType; id: string | null };
  severity?: AuditSeverity;
  /** Small, non-secret detail (method, names). Keys that name secrets are dropped. */
  data?: Record<string, unknown>;
}

// Key names that could carry a secret, whatever a caller passes (a second line, not the plan).
const SECRET_KEY = /pass(word)?|secret|token|code|hash|otp|recovery|credential|private|seed|cookie|authorization/i;
const bounded = (v: string | null | undefined, n = 256) => (v == null ? null : v.slice(0, n));

function cleanData(data: Record<string, unknown> | undefined, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!data) return out;
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || SECRET_KEY.test(k)) continue;
    if (typeof v === 'string') out[k] = v.slice(0, 512);
    else if (v === null || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.slice(0, 50).map((x) => (typeof x === 'string' ? x.slice(0, 256) : typeof x === 'number' || typeof x === 'boolean' ? x : null));
    else if (typeof v === 'object' && depth < 2) out[k] = cleanData(v as Record<string, unknown>, depth + 1);
  }
  return out;
}

type AuditDeps = Pick<Deps, 'db' | 'logger' | 'clock'>;

/** The row for an event, with the request's caller, IP, user agent and request id. */
function rowOf(deps: Pick<Deps, 'clock'>, e: AuditRecord): Prisma.AuditEventUncheckedCreateInput {
  const r = currentRequest();
  const actor = e.actor ?? (r?.actor ? { type: r.actor.type, id: r.actor.id } : { type: r ? ('anonymous' as const) : ('system' as const), id: null });
  const outcome = e.outcome ?? 'success';
  return {
    tenantId: bounded(e.tenantId ?? r?.actor?.tenantId ?? null, 128),
    userId: bounded(e.userId ?? (actor.type === 'user' ? actor.id : null), 128),
    actorType: actor.type,
    actorId: bounded(actor.id, 128),
    action: e.action.slice(0, 128),
    outcome,
    reason: bounded(e.reason, 128),
    targetType: bounded(e.target?.type, 64),
    targetId: bounded(e.target?.id, 128),
    severity: e.severity ?? (outcome === 'failure' ? 'Medium' : 'Info'),
    ipAddress: bounded(r?.clientIp ?? null, 64),
    userAgent: r?.userAgent ?? null,
    requestId: r?.requestId ?? null,
    data: cleanData(e.data) as Prisma.InputJsonObject,
    createdAt: deps.clock.now(),
  };
}

/** Writes one event (in `tx` when the caller has one, so it commits with the change). Throws on failure. */
export async function recordAudit(deps: Pick<Deps, 'db' | 'clock'>, e: AuditRecord, tx?: Tx): Promise<void> {
  await (tx ?? deps.db).auditEvent.create({ data: rowOf(deps, e), select: { id: true } });
}

/** Like recordAudit, but a failed write is logged and swallowed: it never fails what it records. */
export async function recordAuditSafely(deps: AuditDeps, e: AuditRecord): Promise<void> {
  try {
    await recordAudit(deps, e);
  } catch (err) {
    deps.logger.error({ err, action: e.action }, 'audit event not written');
  }
}

// ---- reading ------------------------------------------------------------------------------------

export const MAX_AUDIT_PAGE = 200;

const prop = (name: string, displayName: string, type: string, o: { sortable?: boolean; filterable?: boolean; table?: boolean } = {}) => ({
  name,
  displayName,
  type,
  sortable: o.sortable ?? false,
  filterable: o.filterable ?? false,
  showInTable: o.table ?? true,
  showInMoreInfo: true,
});

/** The audit columns in Frontegg's metadata shape, named as Frontegg's audit rows name them. */
export const AUDIT_PROPERTIES = [
  prop('createdAt', 'Time', 'Timestamp', { sortable: true, filterable: true }),
  prop('action', 'Action', 'AlphaNumeric', { filterable: true }),
  prop('description', 'Description', 'AlphaNumeric'),
  prop('outcome', 'Outcome', 'AlphaNumeric', { filterable: true }),
  prop('severity', 'Severity', 'Severity', { filterable: true }),
  prop('userId', 'User', 'AlphaNumeric', { filterable: true }),
  prop('actorType', 'Actor type', 'AlphaNumeric', { table: false }),
  prop('actorId', 'Actor', 'AlphaNumeric', { table: false }),
  prop('targetType', 'Target type', 'AlphaNumeric', { table: false }),
  prop('targetId', 'Target', 'AlphaNumeric', { table: false }),
  prop('ip', 'IP address', 'IpAddress'),
  prop('userAgent', 'User agent', 'AlphaNumeric', { table: false }),
  prop('requestId', 'Request id', 'AlphaNumeric', { table: false }),
  prop('tenantId', 'Tenant', 'AlphaNumeric', { table: false }),
] as const;

export interface AuditFilter {
  /** null: every tenant (vendor only; the caller decides through tenant-scope.ts). */
  tenantId: string | null;
  userId?: string | null;
  /** Exact actions, or a prefix ending in `.` / `.*` (`role.*`). */
  actions?: string[] | null;
  outcome?: AuditOutcome | null;
  severities?: AuditSeverity[] | null;
  from?: Date | null;
  to?: Date | null;
  /** Free text over action, target, IP, user agent (REST `filter`). */
  text?: string | null;
}

export interface AuditCursor {
  createdAt: Date;
  id: string;
}

export const encodeAuditCursor = (c: AuditCursor) => Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString('base64url');
export function decodeAuditCursor(s: string): AuditCursor {
  const [iso, id] = Buffer.from(s, 'base64url').toString().split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || id.length > 64) fail('validation_failed', 'invalid cursor');
  return { createdAt, id };
}

function whereOf(f: AuditFilter): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (f.tenantId) and.push({ tenantId: f.tenantId });
  if (f.userId) and.push({ userId: f.userId });
  if (f.outcome) and.push({ outcome: f.outcome });
  if (f.severities?.length) and.push({ severity: { in: f.severities } });
  if (f.from || f.to) and.push({ createdAt: { ...(f.from && { gte: f.from }), ...(f.to && { lt: f.to }) } });
  if (f.actions?.length) {
    const exact = f.actions.filter((a) => !a.endsWith('.') && !a.endsWith('*'));
    const prefixes = f.actions.filter((a) => a.endsWith('.') || a.endsWith('*')).map((a) => a.replace(/\*$/, ''));
    and.push({ OR: [...(exact.length ? [{ action: { in: exact } }] : []), ...prefixes.map((p) => ({ action: { startsWith: p } }))] });
  }
  if (f.text) {
    const q = f.text.slice(0, 128);
    and.push({
      OR: [
        { action: { contains: q, mode: 'insensitive' } },
        { targetId: { contains: q } },
        { ipAddress: { contains: q } },
        { userAgent: { contains: q, mode: 'insensitive' } },
      ],
    });
  }
  return { AND: and };
}

const FilterSchema = z.object({
  actions: z.array(z.string().min(1).max(128)).max(50).nullish(),
  userId: z.string().max(128).nullish(),
  text: z.string().max(128).nullish(),
});

export type AuditEventRow = Awaited<ReturnType<PrismaAudit['findMany']>>[number];
type PrismaAudit = Deps['db']['auditEvent'];

export function createAuditService(deps: AuditDeps & Pick<Deps, 'config'>) {
  const { db, clock } = deps;

  return {
    record: (e: AuditRecord, tx?: Tx) => recordAudit(deps, e, tx),

    /**
     * Newest first, keyset: `after` is the last row of the previous page; each page is one index
     * range scan whatever its depth. Returns one row more than asked when there is a next page.
     */
    async page(filter: AuditFilter, o: { first: number; after?: string | null }) {
      parseInput(FilterSchema, filter);
      const first = Math.min(Math.max(o.first, 1), MAX_AUDIT_PAGE);
      const c = o.after ? decodeAuditCursor(o.after) : null;
      const where = whereOf(filter);
      if (c) {
        // (createdAt, id) < (c.createdAt, c.id), written so the planner can start the range scan at c.
        (where.AND as Prisma.AuditEventWhereInput[]).push({ createdAt: { lte: c.createdAt } }, { OR: [{ createdAt: { lt: c.createdAt } }, { id: { lt: c.id } }] });
      }
      const rows = await db.auditEvent.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first + 1 });
      const hasNextPage = rows.length > first;
      return { rows: rows.slice(0, first), hasNextPage };
    },

    /** Frontegg's /audits paging (offset + count, as its admin portal sends). Offset is bounded; deep reading goes through the keyset connection. */
    async offsetPage(filter: AuditFilter, o: { offset: number; count: number; sortDirection: 'asc' | 'desc' }) {
      const where = whereOf(filter);
      const [rows, total] = await Promise.all([
        db.auditEvent.findMany({ where, orderBy: [{ createdAt: o.sortDirection }, { id: o.sortDirection }], skip: o.offset, take: o.count }),
        db.auditEvent.count({ where }),
      ]);
      return { rows, total };
    },

    count: (filter: AuditFilter) => db.auditEvent.count({ where: whereOf(filter) }),

    /** Frontegg's stats: events since the start of today (UTC) and severe ones (High, Critical) in the last 7 days. */
    async stats(filter: AuditFilter) {
      const now = clock.now();
      const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
      const week = new Date(now.getTime() - 7 * 86_400_000);
      const [totalToday, severeThisWeek] = await Promise.all([
        db.auditEvent.count({ where: whereOf({ ...filter, from: today }) }),
        db.auditEvent.count({ where: whereOf({ ...filter, from: week, severities: ['High', 'Critical'] }) }),
      ]);
      return { totalToday, severeThisWeek };
    },

    /** Rows for an export, newest first, at most `limit` (keyset batches, so memory stays bounded per batch). */
    async exportRows(filter: AuditFilter, limit = 10_000) {
      const out: AuditEventRow[] = [];
      let after: string | null = null;
      while (out.length < limit) {
        const { rows, hasNextPage } = await this.page(filter, { first: MAX_AUDIT_PAGE, after });
        out.push(...rows.slice(0, limit - out.length));
        if (!hasNextPage || !rows.length) break;
        after = encodeAuditCursor(rows[rows.length - 1]!);
      }
      return out;
    },

    /** A vendor-sent audit (Frontegg's POST /audits): the body's known fields, the rest as data. */
    async addVendorAudit(input: Record<string, unknown>) {
      const severity = AUDIT_SEVERITIES.find((s) => s === input.severity) ?? fail('validation_failed', `severity: one of ${AUDIT_SEVERITIES.join(', ')}`);
      const tenantId = typeof input.tenantId === 'string' && input.tenantId ? input.tenantId.slice(0, 128) : fail('validation_failed', 'tenantId is required');
      const { tenantId: _t, severity: _s, action, userId, ...rest } = input;
      if (JSON.stringify(rest).length > 16_384) fail('validation_failed', 'audit too large');
      await recordAudit(deps, {
        action: typeof action === 'string' && action ? action : 'custom',
        tenantId,
        userId: typeof userId === 'string' ? userId : null,
        severity,
        data: rest,
      });
    },

    /**
     * Deletes events older than the retention in batches of `batchSize` (each one short
     * statement, so a purge never holds a long lock or transaction), at most `maxBatches` per
     * call; returns how many rows went. Safe to run on several instances at once.
     */
    async purgeExpired(o: { batchSize?: number; maxBatches?: number } = {}) {
      const days = deps.config.audit.retentionDays;
      if (days <= 0) return 0;
      const cutoff = new Date(clock.now().getTime() - days * 86_400_000);
      const batchSize = o.batchSize ?? 5000;
      let total = 0;
      for (let i = 0; i < (o.maxBatches ?? 20); i++) {
        const n = await db.$executeRaw`DELETE FROM "AuditEvent" WHERE id IN (SELECT id FROM "AuditEvent" WHERE "createdAt" < ${cutoff} ORDER BY "createdAt" LIMIT ${batchSize})`;
        total += n;
        if (n < batchSize) break;
      }
      return total;
    },

    /**
     * Runs purgeExpired every GATEHOUSE_AUDIT_PURGE_INTERVAL_SECONDS (first one a minute after
     * start), one run at a time; returns a stop function that waits for a run in progress.
     */
    startRetentionPurge(): () => Promise<void> {
      const every = deps.config.audit.purgeIntervalSeconds;
      if (every <= 0 || deps.config.audit.retentionDays <= 0) return async () => {};
      let running: Promise<unknown> | null = null;
      const run = () => {
        if (running) return;
        running = this.purgeExpired()
          .then((n) => n && deps.logger.info({ purged: n }, 'audit events past retention purged'))
          .catch((err) => deps.logger.warn({ err }, 'audit retention purge failed'))
          .finally(() => (running = null));
      };
      const first = setTimeout(run, Math.min(60, every) * 1000);
      const timer = setInterval(run, every * 1000);
      first.unref();
      timer.unref();
      return async () => {
        clearTimeout(first);
        clearInterval(timer);
        await running;
      };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
