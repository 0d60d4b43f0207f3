// The audit log: a keyset-paged connection (newest first), Frontegg's offset listing and stats,
// CSV export, and the vendor's own events (Frontegg's POST /audits). Who may read is the one
// rule of services/authorization: the vendor any tenant (or all), a caller holding
// fe.secure.read.audits its own tenant only. Rules in services/audit/audit.service.ts.
import { fail } from '../../errors/domain-errors.ts';
import { AUDIT_CSV_COLUMNS, auditCsv, type AuditCsvColumn } from '../../services/audit/audit-csv.ts';
import { AUDIT_PROPERTIES, AUDIT_SEVERITIES, MAX_AUDIT_PAGE, encodeAuditCursor, type AuditEventRow, type AuditFilter } from '../../services/audit/audit.service.ts';
import { scopeFor } from '../../services/authorization/tenant-scope.ts';
import { canInTenant } from '../auth-scopes.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { MUTATION_ERRORS } from '../errors.ts';

const readAudits = canInTenant('fe.secure.read.audits');

const AuditOutcome = builder.enumType('AuditOutcome', { values: ['success', 'failure'] as const });
const AuditSeverity = builder.enumType('AuditSeverity', { values: AUDIT_SEVERITIES });
const AuditActorType = builder.enumType('AuditActorType', { values: ['user', 'vendor', 'api_token', 'anonymous', 'system'] as const });
const AuditCsvColumnEnum = builder.enumType('AuditCsvColumn', { values: AUDIT_CSV_COLUMNS });

const AuditActor = builder.objectRef<{ type: string; id: string | null }>('AuditActor').implement({
  fields: (t) => ({
    type: t.field({ type: AuditActorType, resolve: (a) => a.type as never }),
    id: t.exposeID('id', { nullable: true, description: 'User id, vendor client id or API token id.' }),
  }),
});
const AuditTarget = builder.objectRef<{ type: string; id: string | null }>('AuditTarget').implement({
  fields: (t) => ({
    type: t.exposeString('type', { description: 'user, session, api_token, role, group, tenant, mfa_policy…' }),
    id: t.exposeID('id', { nullable: true }),
  }),
});

export const AuditEvent = builder.objectRef<AuditEventRow>('AuditEvent').implement({
  description: 'One audit-log entry. Never holds a secret.',
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    action: t.exposeString('action', { description: 'Stable dotted name: user.login.succeeded, role.created, vendor.config.mail.updated…' }),
    outcome: t.field({ type: AuditOutcome, resolve: (e) => e.outcome as 'success' | 'failure' }),
    reason: t.exposeString('reason', { nullable: true, description: 'Failure: the error code; otherwise why (logout, admin_revoked…), when known.' }),
    severity: t.field({ type: AuditSeverity, resolve: (e) => e.severity as never }),
    tenantId: t.exposeID('tenantId', { nullable: true }),
    userId: t.exposeID('userId', { nullable: true, description: 'The user the event concerns (the actor or the user acted on).' }),
    actor: t.field({ type: AuditActor, resolve: (e) => ({ type: e.actorType, id: e.actorId }) }),
    target: t.field({ type: AuditTarget, nullable: true, resolve: (e) => (e.targetType ? { type: e.targetType, id: e.targetId } : null) }),
    ipAddress: t.exposeString('ipAddress', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    requestId: t.exposeString('requestId', { nullable: true }),
    data: t.field({ type: 'JSONObject', resolve: (e) => (e.data && typeof e.data === 'object' ? e.data : {}) }),
  }),
});

const AuditEventFilter = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    userId: t.id({ required: false }),
    actions: t.stringList({ required: false, description: 'Exact actions, or prefixes ending in `.*` (`role.*`).' }),
    outcome: t.field({ type: AuditOutcome, required: false }),
    severities: t.field({ type: [AuditSeverity], required: false }),
    from: t.field({ type: 'DateTime', required: false, description: 'Inclusive.' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Exclusive.' }),
    text: t.string({ required: false, description: 'Free text over action, target id, IP and user agent.' }),
  }),
});

type FilterArg = { userId?: string | null; actions?: string[] | null; outcome?: 'success' | 'failure' | null; severities?: string[] | null; from?: Date | null; to?: Date | null; text?: string | null } | null | undefined;

/** The service filter in the caller's scope: the vendor a named tenant (else all), anyone else its own. */
const filterOf = (ctx: GraphQLContext, tenantId: string | null | undefined, f: FilterArg): AuditFilter => ({
  tenantId: scopeFor(ctx, tenantId),
  userId: f?.userId ?? null,
  actions: f?.actions ?? null,
  outcome: f?.outcome ?? null,
  severities: (f?.severities ?? null) as AuditFilter['severities'],
  from: f?.from ?? null,
  to: f?.to ?? null,
  text: f?.text ?? null,
});

const AuditStats = builder.objectRef<{ totalToday: number; severeThisWeek: number }>('AuditStats').implement({
  fields: (t) => ({
    totalToday: t.exposeInt('totalToday', { description: 'Events since 00:00 UTC today.' }),
    severeThisWeek: t.exposeInt('severeThisWeek', { description: 'High and Critical events in the last 7 days.' }),
  }),
});

const AuditEventsPage = builder.objectRef<{ items: AuditEventRow[]; total: number }>('AuditEventsPage').implement({
  fields: (t) => ({
    items: t.field({ type: [AuditEvent], resolve: (p) => p.items }),
    total: t.exposeInt('total'),
  }),
});

/** Frontegg's offset paging stops here; deeper reading goes through the keyset connection. */
export const MAX_AUDIT_OFFSET = 10_000;

const AuditProperty = builder.objectRef<(typeof AUDIT_PROPERTIES)[number]>('AuditProperty').implement({
  description: "A column of the audit table, as Frontegg's metadata service describes it (GET /metadata?entityName=audits).",
  fields: (t) => ({
    name: t.exposeString('name'),
    displayName: t.exposeString('displayName'),
    type: t.exposeString('type'),
    sortable: t.exposeBoolean('sortable'),
    filterable: t.exposeBoolean('filterable'),
    showInTable: t.exposeBoolean('showInTable'),
    showInMoreInfo: t.exposeBoolean('showInMoreInfo'),
  }),
});

builder.queryFields((t) => ({
  auditProperties: t.field({
    type: [AuditProperty],
    description: 'The audit columns (names as GET /audits answers them).',
    authScopes: { authenticated: true },
    resolve: () => [...AUDIT_PROPERTIES],
  }),
  auditEvents: t.connection({
    type: AuditEvent,
    description: 'Audit events, newest first (keyset-paged: every page costs the same at any depth). The vendor: a named tenant, else every tenant; others: their own tenant, with fe.secure.read.audits.',
    authScopes: readAudits,
    args: { tenantId: t.arg.id({ required: false }), filter: t.arg({ type: AuditEventFilter, required: false }) },
    resolve: async (_root, args, ctx) => {
      if (args.last || args.before) fail('validation_failed', 'auditEvents pages forward only (first/after)');
      if ((args.first ?? 0) > MAX_AUDIT_PAGE) fail('validation_failed', `page size is at most ${MAX_AUDIT_PAGE}`);
      const { rows, hasNextPage } = await ctx.services.audit.page(filterOf(ctx, args.tenantId, args.filter), { first: args.first ?? 50, after: args.after });
      const edges = rows.map((node) => ({ cursor: encodeAuditCursor(node), node }));
      return {
        edges,
        pageInfo: { hasNextPage, hasPreviousPage: Boolean(args.after), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },
  }),
  auditEventsPage: t.field({
    type: AuditEventsPage,
    description: `Frontegg-style offset listing with a total (GET /audits). Offset at most ${MAX_AUDIT_OFFSET}; use auditEvents beyond.`,
    authScopes: readAudits,
    args: {
      tenantId: t.arg.id({ required: false }),
      filter: t.arg({ type: AuditEventFilter, required: false }),
      offset: t.arg.int({ required: false }),
      count: t.arg.int({ required: false }),
      ascending: t.arg.boolean({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const offset = args.offset ?? 0;
      const count = args.count ?? 20;
      if (offset < 0 || offset > MAX_AUDIT_OFFSET) fail('validation_failed', `offset: 0 to ${MAX_AUDIT_OFFSET}`);
      if (count < 1 || count > MAX_AUDIT_PAGE) fail('validation_failed', `count: 1 to ${MAX_AUDIT_PAGE}`);
      const { rows, total } = await ctx.services.audit.offsetPage(filterOf(ctx, args.tenantId, args.filter), { offset, count, sortDirection: args.ascending ? 'asc' : 'desc' });
      return { items: rows, total };
    },
  }),
  auditStats: t.field({
    type: AuditStats,
    authScopes: readAudits,
    args: { tenantId: t.arg.id({ required: false }), filter: t.arg({ type: AuditEventFilter, required: false }) },
    resolve: (_root, args, ctx) => ctx.services.audit.stats(filterOf(ctx, args.tenantId, args.filter)),
  }),
  auditEventsCsv: t.string({
    description: 'The matching events as CSV (newest first, at most 10,000 rows), formula-safe.',
    authScopes: readAudits,
    args: {
      tenantId: t.arg.id({ required: false }),
      filter: t.arg({ type: AuditEventFilter, required: false }),
      columns: t.arg({ type: [AuditCsvColumnEnum], required: false }),
      headers: t.arg.stringList({ required: false, description: 'Header line, one per column (default: the column names).' }),
    },
    resolve: async (_root, args, ctx) => {
      const columns = (args.columns?.length ? args.columns : AUDIT_CSV_COLUMNS) as readonly AuditCsvColumn[];
      if (args.headers && args.headers.length !== columns.length) fail('validation_failed', 'headers: one per column');
      const rows = await ctx.services.audit.exportRows(filterOf(ctx, args.tenantId, args.filter));
      return auditCsv(rows, columns, args.headers?.map((h) => h.slice(0, 128)) ?? undefined);
    },
  }),
}));

const AddAuditEventInput = builder.inputType('AddAuditEventInput', {
  fields: (t) => ({
    tenantId: t.id(),
    severity: t.field({ type: AuditSeverity }),
    action: t.string({ required: false }),
    userId: t.id({ required: false }),
    data: t.field({ type: 'JSONObject', required: false, description: 'Your own fields (Frontegg: any other property of the audit).' }),
  }),
});

builder.mutationFields((t) => ({
  addAuditEvent: t.field({
    type: 'Boolean',
    description: "Vendor only: records an event of the vendor's application (Frontegg's POST /audits).",
    authScopes: { vendor: true },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: AddAuditEventInput }) },
    resolve: async (_root, { input }, ctx) => {
      await ctx.services.audit.addVendorAudit({ ...(input.data ?? {}), tenantId: input.tenantId, severity: input.severity, action: input.action, userId: input.userId });
      return true;
    },
  }),
}));
