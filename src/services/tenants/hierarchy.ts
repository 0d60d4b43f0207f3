// The tenant hierarchy as single recursive statements: a sub-tree or an ancestor chain is one
// round trip whatever its depth (Prisma's nested reads would cost one query per level).
// Parents are fixed at creation and must already exist, so the graph cannot hold a cycle; the
// depth bound is a second guard so a corrupted row can never make a query run away.
import type { Tx } from '../../platform/db.ts';

/** Deeper than any real reseller chain; past it a tree is cut rather than walked forever. */
export const MAX_HIERARCHY_DEPTH = 64;

export interface DescendantRow {
  id: string;
  parentId: string;
  depth: number;
}

/** Every tenant below `rootId` (not the root itself), nearest levels first. */
export async function descendantsOf(db: Tx, rootId: string): Promise<DescendantRow[]> {
  return db.$queryRaw<DescendantRow[]>`
    WITH RECURSIVE d AS (
      SELECT id, "parentId", 1 AS depth FROM "Tenant" WHERE "parentId" = ${rootId}
      UNION ALL
      SELECT t.id, t."parentId", d.depth + 1 FROM "Tenant" t JOIN d ON t."parentId" = d.id
      WHERE d.depth < ${MAX_HIERARCHY_DEPTH}
    )
    SELECT id, "parentId", depth::int AS depth FROM d ORDER BY depth, id`;
}

/**
 * The ancestors of each given tenant, nearest parent first (root last). One statement for any
 * number of tenants, so a GraphQL list asking for `ancestors` costs one query (dataloader).
 */
export async function ancestorsOf(db: Tx, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db.$queryRaw<Array<{ start: string; id: string; depth: number }>>`
    WITH RECURSIVE a AS (
      SELECT t.id AS start, t."parentId" AS id, 1 AS depth FROM "Tenant" t
      WHERE t.id = ANY(${[...ids]}::text[]) AND t."parentId" IS NOT NULL
      UNION ALL
      SELECT a.start, t."parentId", a.depth + 1 FROM "Tenant" t JOIN a ON t.id = a.id
      WHERE t."parentId" IS NOT NULL AND a.depth < ${MAX_HIERARCHY_DEPTH}
    )
    SELECT start, id, depth::int AS depth FROM a ORDER BY start, depth`;
  for (const r of rows) out.get(r.start)?.push(r.id);
  return out;
}

/** Whether `id` is `rootId` itself or lies somewhere below it. */
export async function isWithin(db: Tx, rootId: string, id: string): Promise<boolean> {
  if (rootId === id) return true;
  const chain = (await ancestorsOf(db, [id])).get(id) ?? [];
  return chain.includes(rootId);
}
