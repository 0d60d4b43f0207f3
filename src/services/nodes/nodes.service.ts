// Relay `node(id:)` support. The REST layer maps every `id` as the raw database id (Frontegg's
// shapes), so Node ids stay raw and carry no type: the type of an id is discovered here, in ONE
// statement over every node table, and the row is then read through the type's own scoped
// service method. Ids are UUIDs by default, but tenant and permission-category ids can be chosen
// by callers, so two tables may hold the same id: NODE_KINDS order is the precedence, and only the
// first kind that holds an id is used (no fall-through, so the answer for an id never depends on
// what the caller may see of the kinds behind it).
import type { Deps } from '../deps.ts';

/** Node kinds and their tables, in precedence order. */
export const NODE_KINDS = [
  ['User', 'User'],
  ['Tenant', 'Tenant'],
  ['Role', 'Role'],
  ['Group', 'Group'],
  ['Permission', 'Permission'],
  ['PermissionCategory', 'PermissionCategory'],
  ['Application', 'Application'],
  ['Session', 'Session'],
  ['ApiToken', 'ApiToken'],
  ['ApiResource', 'ApiResource'],
] as const;
export type NodeKind = (typeof NODE_KINDS)[number][0];

/** Longer lists are refused by the transport; this bounds one statement's parameter. */
export const MAX_NODE_IDS = 100;

// Built once from constants (table names never come from input); the ids are one text[] parameter.
const DISCOVER_SQL = `SELECT id, min(p)::int AS p FROM (${NODE_KINDS.map(
  ([, table], p) => `SELECT id, ${p} AS p FROM "${table}" WHERE id = ANY($1::text[])`,
).join(' UNION ALL ')}) found GROUP BY id`;

export function createNodesService({ db }: Pick<Deps, 'db'>) {
  return {
    /** The kind of each known id (unknown ids are absent), in one statement whatever the count. */
    async kindsOf(ids: readonly string[]): Promise<Map<string, NodeKind>> {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return new Map();
      const rows = await db.$queryRawUnsafe<Array<{ id: string; p: number }>>(DISCOVER_SQL, unique);
      return new Map(rows.map((r) => [r.id, NODE_KINDS[r.p]![0]]));
    },
  };
}

export type NodesService = ReturnType<typeof createNodesService>;
