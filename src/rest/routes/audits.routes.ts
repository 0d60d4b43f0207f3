// Frontegg's audits service as its clients call it: @frontegg/rest-api (the admin portal:
// GET /audits, GET /audits/stats, POST /audits/export/{csv|pdf}, GET /metadata?entityName=audits)
// and @frontegg/client's AuditsClient (the vendor's backend: POST /audits to add, GET /audits to
// query, with the tenant in frontegg-tenant-id and as a `tenantId` parameter). Rows and rules are
// services/audit; who may read is the GraphQL fields' scope (fe.secure.read.audits).
import { z } from 'zod';
import {
  RestAddAuditEventDocument,
  RestAuditEventsCsvDocument,
  RestAuditEventsDocument,
  RestAuditPropertiesDocument,
  RestAuditStatsDocument,
  type AuditCsvColumn,
  type AuditEventFieldsFragment,
  type AuditEventFilter,
  type AuditOutcome,
  type AuditSeverity,
} from '../../generated/graphql.ts';
import { defineRoute } from '../define-route.ts';
import { actingTenantHeader as tenantHeader, queryInt32 } from '../headers.ts';

const str = z.string();
const tags = ['Audits'];
const SEVERITIES = ['Info', 'Medium', 'High', 'Critical', 'Error'] as const;

/** Frontegg's audit row: its field names first, Gatehouse's own (actor, target, outcome) beside them. */
const auditResponse = (e: AuditEventFieldsFragment) => ({
  ...e.data,
  frontegg_id: e.id,
  tenantId: e.tenantId ?? undefined,
  userId: e.userId ?? undefined,
  action: e.action,
  // A vendor-sent audit keeps its own description; Gatehouse's events describe themselves.
  description: typeof e.data.description === 'string' ? e.data.description : `${e.action}${e.outcome === 'failure' ? ` (failed${e.reason ? `: ${e.reason}` : ''})` : ''}`,
  severity: e.severity,
  ip: e.ipAddress ?? undefined,
  userAgent: e.userAgent ?? undefined,
  outcome: e.outcome,
  reason: e.reason ?? undefined,
  actorType: e.actor.type,
  actorId: e.actor.id ?? undefined,
  targetType: e.target?.type,
  targetId: e.target?.id ?? undefined,
  requestId: e.requestId ?? undefined,
  createdAt: e.createdAt,
  updatedAt: e.createdAt,
});

/** A time bound as ISO 8601 or epoch milliseconds (Frontegg's portal sends either). */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date(), z.string().regex(/^\d{1,15}$/)])
  .transform((v) => new Date(/^\d+$/.test(v) ? Number(v) : v).toISOString());

/** Frontegg's filters arrive as top-level query parameters (the SDK spreads `filters` into them). */
const filterQuery = z.object({
  tenantId: str.max(128).optional().describe('The tenant to read (vendor calls; others read their own)'),
  filter: str.max(128).optional().describe('Free text over action, target id, IP and user agent'),
  action: str.max(2048).optional().describe('Comma-separated actions; `role.*` matches a prefix'),
  severity: str.max(128).optional().describe('Comma-separated severities (Info, Medium, High, Critical, Error)'),
  outcome: z.enum(['success', 'failure']).optional(),
  userId: str.max(128).optional(),
  startDate: instant.optional().describe('Inclusive lower bound of createdAt'),
  endDate: instant.optional().describe('Exclusive upper bound of createdAt'),
});
type FilterQuery = z.output<typeof filterQuery>;

const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

function filterOf(q: Partial<FilterQuery>): AuditEventFilter {
  return {
    text: q.filter,
    actions: list(q.action),
    severities: list(q.severity)?.filter((s): s is AuditSeverity => (SEVERITIES as readonly string[]).includes(s)),
    outcome: q.outcome as AuditOutcome | undefined,
    userId: q.userId,
    from: q.startDate,
    to: q.endDate,
  };
}

// Frontegg's column names (headerProps of an export) → Gatehouse's CSV columns.
const CSV_COLUMNS: Record<string, AuditCsvColumn> = {
  createdAt: 'createdAt', action: 'action', description: 'action', outcome: 'outcome', reason: 'reason', severity: 'severity',
  actorType: 'actorType', actorId: 'actorId', userId: 'userId', tenantId: 'tenantId', targetType: 'targetType', targetId: 'targetId',
  ip: 'ipAddress', ipAddress: 'ipAddress', userAgent: 'userAgent', requestId: 'requestId', frontegg_id: 'id', id: 'id',
};

const exportBody = z.object({
  filters: z.record(str, z.unknown()).optional().describe('The same filters as GET /audits'),
  headerProps: z.array(z.object({ name: str.max(64), displayName: str.max(128).optional() })).max(32).optional().describe('Columns, in order'),
  sortBy: str.max(64).optional(),
  sortDirection: z.enum(['asc', 'desc']).optional(),
});

export const auditRoutes = [
  defineRoute({
    service: 'audits',
    method: 'GET',
    path: '',
    summary: 'Get audits (newest first; offset paging up to 10,000, deeper through the GraphQL auditEvents connection)',
    tags,
    headers: tenantHeader,
    query: filterQuery.extend({
      offset: queryInt32.optional(),
      count: queryInt32.optional(),
      sortBy: str.max(64).optional().describe('Only createdAt is sortable'),
      sortDirection: z.enum(['asc', 'desc']).optional(),
    }),
    document: RestAuditEventsDocument,
    variables: ({ query }) => ({ tenantId: query.tenantId, filter: filterOf(query), offset: query.offset, count: query.count, ascending: query.sortDirection === 'asc' }),
    result: (d) => d.auditEventsPage,
    response: (r) => ({ data: r.items.map(auditResponse), total: r.total }),
    status: 200,
  }),
  defineRoute({
    service: 'audits',
    method: 'POST',
    path: '',
    summary: "Send an audit (vendor): tenantId and severity, any other property is kept as the audit's data",
    tags,
    headers: tenantHeader,
    body: z.looseObject({ tenantId: str.min(1).max(128), severity: z.enum(SEVERITIES), action: str.max(128).optional(), userId: str.max(128).optional() }),
    document: RestAddAuditEventDocument,
    variables: ({ body }) => {
      const { tenantId, severity, action, userId, ...data } = body;
      return { input: { tenantId, severity, action, userId, data } };
    },
    result: (d) => d.addAuditEvent,
    response: () => ({}),
    status: 201,
  }),
  defineRoute({
    service: 'audits',
    method: 'GET',
    path: '/stats',
    summary: 'Audit stats: events today (UTC) and severe (High, Critical) events in the last 7 days',
    tags,
    headers: tenantHeader,
    query: filterQuery,
    document: RestAuditStatsDocument,
    variables: ({ query }) => ({ tenantId: query.tenantId, filter: filterOf(query) }),
    result: (d) => d.auditStats,
    response: (r) => ({ totalToday: r.totalToday, severeThisWeek: r.severeThisWeek }),
    status: 200,
  }),
  defineRoute({
    service: 'audits',
    method: 'POST',
    path: '/export/{endpoint}',
    summary: 'Export audits as CSV (text/csv, formula-safe; at most 10,000 rows). PDF is not implemented.',
    tags,
    headers: tenantHeader,
    params: z.object({ endpoint: z.literal('csv').describe('csv (pdf answers 400)') }),
    query: z.object({ tenantId: str.max(128).optional() }),
    body: exportBody,
    document: RestAuditEventsCsvDocument,
    variables: ({ query, body }) => {
      const picked = (body.headerProps ?? []).filter((h) => CSV_COLUMNS[h.name]);
      const f = filterQuery.partial().safeParse(body.filters ?? {});
      return {
        tenantId: query.tenantId ?? (typeof body.filters?.tenantId === 'string' ? body.filters.tenantId : undefined),
        filter: filterOf(f.success ? f.data : {}),
        columns: picked.length ? picked.map((h) => CSV_COLUMNS[h.name]!) : undefined,
        headers: picked.length ? picked.map((h) => h.displayName ?? h.name) : undefined,
      };
    },
    result: (d) => d.auditEventsCsv,
    response: (csv) => csv,
    contentType: 'text/csv; charset=utf-8',
    status: 200,
  }),
  defineRoute({
    service: 'metadata',
    method: 'GET',
    path: '',
    summary: "Frontegg's metadata service: entityName=audits answers the audit columns; other entities have none here",
    tags,
    query: z.object({ entityName: str.max(64) }),
    document: RestAuditPropertiesDocument,
    variables: () => ({}),
    result: (d) => d.auditProperties,
    response: (props, { query }) => ({ rows: query.entityName === 'audits' ? [{ entityName: 'audits', properties: props.map((p) => ({ ...p })) }] : [] }),
    status: 200,
  }),
];
