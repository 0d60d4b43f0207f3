// The SQL of a user listing (filters, sort, page), written by hand because the plan matters at a
// million users and Prisma's query shapes defeat the planner:
//  - a capped count through Prisma orders its subquery by id, so the planner walks the primary key
//    and rechecks every row instead of taking the trigram bitmap;
//  - "users of tenant T, by creation date" through a relation filter walks ALL users by date and
//    probes each for membership (50 probes per hit in a 2 % tenant).
// Here a one-tenant listing is driven by the tenant's memberships: UserTenant carries copies of the
// user's createdAt, email and lower-cased name (kept by triggers, migration tenant_user_search), so
// the default order is a range of the tenant's own index and a search filters only its rows.
// The listing returns ids; the caller loads the rows (and the GraphQL selection) by id.
import { Prisma } from '../../platform/db.ts';

export interface ListingFilter {
  /** Tenants the listing is limited to; null: every user. */
  tenantIds: string[] | null;
  includeInvisible: boolean;
  ids?: string[] | null;
  externalIds?: string[] | null;
  email?: string | null;
  namePrefix?: string | null;
  identifier?: string | null;
  identifierType?: 'email' | 'phoneNumber' | 'username' | null;
  searchContains?: string[] | null;
  searchExcludes?: string[] | null;
  searchOptional?: string[] | null;
  searchApproximate?: boolean | null;
}

export type SortColumn = 'createdAt' | 'name' | 'email' | 'id' | 'verified' | 'lockedAt' | 'provider' | 'activeTenantId' | 'lastLoginAt';
const NULLABLE = new Set<SortColumn>(['name', 'email', 'lockedAt', 'activeTenantId', 'lastLoginAt']);

export interface ListingPage {
  column: SortColumn;
  direction: 'asc' | 'desc';
  /** Rows to return; negative: the rows before the cursor (or the end), Prisma's convention. */
  take: number;
  skip: number;
  cursorId?: string | null;
}

/** Escapes LIKE wildcards so a search term matches literally. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const contains = (s: string) => `%${likeEscape(s)}%`;
const raw = Prisma.raw;

interface Source {
  /** The driving table: "User" u, or one tenant's memberships "UserTenant" m. */
  byTenant: string | null;
  /** The user id column of the driving table. */
  id: Prisma.Sql;
  /** createdAt of the driving table (the copy on the membership for a one-tenant listing). */
  createdAt: Prisma.Sql;
  /** Case-insensitive substring match on the email or the name. */
  text: (q: string) => Prisma.Sql;
  /** Fuzzy match (pg_trgm word similarity; the trigram indexes serve `<%`). */
  fuzzy: (q: string) => Prisma.Sql;
}

function source(f: ListingFilter): Source {
  if (f.tenantIds?.length === 1) {
    // The membership's copies: email as stored (lower-cased), name lower-cased.
    const q = (s: string) => contains(s.toLowerCase());
    return {
      byTenant: f.tenantIds[0]!,
      id: raw('m."userId"'),
      createdAt: raw('m."userCreatedAt"'),
      text: (s) => Prisma.sql`(m."searchEmail" LIKE ${q(s)} OR m."searchName" LIKE ${q(s)})`,
      fuzzy: (s) => Prisma.sql`${s} <% m."searchEmail" OR ${s} <% m."searchName"`,
    };
  }
  return {
    byTenant: null,
    id: raw('u.id'),
    createdAt: raw('u."createdAt"'),
    // Emails are stored lower-cased; names are matched case-insensitively.
    // Bare columns, so the trigram indexes on them apply (a NULL email or name matches nothing).
    text: (q) => Prisma.sql`(u.email LIKE ${contains(q.toLowerCase())} OR u.name ILIKE ${contains(q)})`,
    fuzzy: (q) => Prisma.sql`${q} <% u.email OR ${q} <% u.name`,
  };
}

/** Conditions on the driving table (`own`) and on the user row (`user`). */
function conditions(f: ListingFilter, s: Source): { own: Prisma.Sql[]; user: Prisma.Sql[] } {
  const own: Prisma.Sql[] = [];
  const user: Prisma.Sql[] = [];
  if (s.byTenant) own.push(Prisma.sql`m."tenantId" = ${s.byTenant}`);
  else if (f.tenantIds) {
    // Several tenants (a tenant and its sub-tenants): a user in two of them is listed once.
    own.push(
      f.tenantIds.length
        ? Prisma.sql`EXISTS (SELECT 1 FROM "UserTenant" m WHERE m."userId" = u.id AND m."tenantId" IN (${Prisma.join(f.tenantIds)}))`
        : raw('false'),
    );
  }
  if (f.ids?.length) user.push(Prisma.sql`u.id IN (${Prisma.join(f.ids)})`);
  if (f.externalIds?.length) user.push(Prisma.sql`u."externalId" IN (${Prisma.join(f.externalIds)})`);
  if (f.email) user.push(Prisma.sql`u.email LIKE ${contains(f.email.toLowerCase())}`);
  if (f.namePrefix) user.push(Prisma.sql`u.name ILIKE ${`${likeEscape(f.namePrefix)}%`}`);
  if (f.identifier) {
    const type = f.identifierType ?? 'email';
    const v = type === 'email' ? f.identifier.toLowerCase() : f.identifier;
    user.push(Prisma.sql`${raw(`u."${type}"`)} LIKE ${`${likeEscape(v)}%`}`);
  }
  if (f.searchApproximate) {
    const terms = [...(f.searchContains ?? []), ...(f.searchOptional ?? [])];
    if (terms.length) own.push(Prisma.sql`(${Prisma.join(terms.map(s.fuzzy), ' OR ')})`);
  } else {
    for (const q of f.searchContains ?? []) own.push(s.text(q));
    if (f.searchOptional?.length) own.push(Prisma.sql`(${Prisma.join(f.searchOptional.map(s.text), ' OR ')})`);
  }
  // NULL-safe: a user without a name is not excluded by a term its email lacks.
  for (const q of f.searchExcludes ?? []) own.push(Prisma.sql`NOT coalesce(${s.text(q)}, false)`);
  return { own, user };
}

/**
 * FROM and WHERE of a listing. A one-tenant listing reads the user row only when it must (a
 * condition or the sort on a user column): counting or paging a 20 k-user tenant by date then
 * never visits its users. Invisible users (support staff) are hidden from everyone but the
 * vendor; there are few, so they are excluded through their partial index.
 */
function fromWhere(f: ListingFilter, s: Source, joinUser: boolean, extra: Prisma.Sql[] = []): Prisma.Sql {
  const { own, user } = conditions(f, s);
  const and = [...own, ...extra];
  let from: Prisma.Sql;
  if (!s.byTenant) {
    from = raw('"User" u');
    and.push(...user);
    if (!f.includeInvisible) and.push(raw('u.invisible = false'));
  } else if (joinUser) {
    from = raw('"UserTenant" m JOIN "User" u ON u.id = m."userId"');
    and.push(...user);
    if (!f.includeInvisible) and.push(raw('u.invisible = false'));
  } else {
    from = raw('"UserTenant" m');
    if (user.length) and.push(Prisma.sql`EXISTS (SELECT 1 FROM "User" u WHERE u.id = m."userId" AND ${Prisma.join(user, ' AND ')})`);
    if (!f.includeInvisible) and.push(raw('m."userId" NOT IN (SELECT id FROM "User" WHERE invisible)'));
  }
  return Prisma.sql`FROM ${from} ${and.length ? Prisma.sql`WHERE ${Prisma.join(and, ' AND ')}` : Prisma.empty}`;
}

/**
 * Rows at or past the cursor row in the listing order (nulls last), or at or before it when
 * reading backwards; `scanAsc` is the direction the statement reads in. The cursor row's own
 * values come from a subquery: no cursor row, no rows.
 */
function keyset(col: Prisma.Sql, id: Prisma.Sql, column: SortColumn, cursorId: string, scanAsc: boolean, backwards: boolean): Prisma.Sql {
  const cur = (c: string) => Prisma.sql`(SELECT ${raw(`c."${c}"`)} FROM "User" c WHERE c.id = ${cursorId})`;
  const cv = cur(column);
  const cid = cur('id');
  const [gt, ge] = scanAsc ? ['>', '>='] : ['<', '<='];
  if (column === 'id') return Prisma.sql`${id} ${raw(ge)} ${cid}`;
  if (!NULLABLE.has(column)) return Prisma.sql`(${col}, ${id}) ${raw(ge)} (${cv}, ${cid})`;
  // Nulls come last in the listing: past a non-null cursor value lie the further values, then
  // every null; past a null one, only nulls further by id. Backwards mirrors it.
  return backwards
    ? Prisma.sql`(CASE WHEN ${cv} IS NULL THEN ${col} IS NOT NULL OR ${id} ${raw(ge)} ${cid}
        ELSE ${col} ${raw(gt)} ${cv} OR (${col} = ${cv} AND ${id} ${raw(ge)} ${cid}) END)`
    : Prisma.sql`(CASE WHEN ${cv} IS NULL THEN ${col} IS NULL AND ${id} ${raw(ge)} ${cid}
        ELSE ${col} IS NULL OR ${col} ${raw(gt)} ${cv} OR (${col} = ${cv} AND ${id} ${raw(ge)} ${cid}) END)`;
}

/** The statement for one page of user ids, in listing order. */
export function pageSql(f: ListingFilter, p: ListingPage): { sql: Prisma.Sql; reverse: boolean } {
  const s = source(f);
  const userColumn = p.column !== 'createdAt' && p.column !== 'id';
  const col = p.column === 'createdAt' ? s.createdAt : p.column === 'id' ? s.id : raw(`u."${p.column}"`);
  // A negative take reads backwards (reversed order) and the caller flips the rows back.
  const backwards = p.take < 0;
  const asc = (p.direction === 'asc') !== backwards;
  const dir = raw(asc ? 'ASC' : 'DESC');
  // NULLS LAST in the listing order is NULLS FIRST when reading it backwards.
  const nulls = NULLABLE.has(p.column) ? raw(backwards ? ' NULLS FIRST' : ' NULLS LAST') : Prisma.empty;
  const order = p.column === 'id' ? Prisma.sql`${s.id} ${dir}` : Prisma.sql`${col} ${dir}${nulls}, ${s.id} ${dir}`;
  const after = p.cursorId ? [keyset(col, s.id, p.column, p.cursorId, asc, backwards)] : [];
  return {
    sql: Prisma.sql`SELECT ${s.id} AS id ${fromWhere(f, s, userColumn, after)} ORDER BY ${order} LIMIT ${Math.abs(p.take)} OFFSET ${p.skip}`,
    reverse: backwards,
  };
}

/** The statement counting the listing's rows, up to `cap` when given (no order: any plan may stop early). */
export function countSql(f: ListingFilter, cap: number | null): Prisma.Sql {
  const s = source(f);
  const inner = Prisma.sql`SELECT 1 ${fromWhere(f, s, false)}`;
  return cap === null
    ? Prisma.sql`SELECT count(*)::int AS n FROM (${inner}) x`
    : Prisma.sql`SELECT count(*)::int AS n FROM (${inner} LIMIT ${cap}) x`;
}
