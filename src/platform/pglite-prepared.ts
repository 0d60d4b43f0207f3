// Named prepared statements for Prisma on PGlite. PGlite's `query()` sends every statement as an
// unnamed one: Parse, Describe, Bind, Describe, Execute and Sync, each a separate trip into the
// wasm engine, and PostgreSQL parses, analyses and plans the text again every time. Gatehouse's
// hot statements (the refresh read with the user and authorization subqueries, the rotation
// compare-and-set, the API-token exchange) are large: re-planning them was most of the CPU a
// refresh costs. Here each distinct SQL text is parsed ONCE into a named statement (PostgreSQL
// then switches to a cached generic plan where that is no worse than a custom one) and every
// execution is a single Bind + Execute + Sync trip. Results are decoded with PGlite's own
// parseResults and the adapter's parsers (merged once, not per query), so Prisma sees exactly
// the rows and errors it saw before. Only the PGlite path uses this; PostgreSQL goes through pg.
import { parse, protocol, type PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';

type Parsers = NonNullable<QueryOptions['parsers']>;
type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

interface Prepared {
  name: string;
  paramTypes: number[];
  /** The statement's RowDescription (null for statements returning no rows): Execute alone sends none. */
  description: BackendMessage | null;
}

/** Distinct statements kept prepared; the least recently used is closed beyond this. */
const MAX_PREPARED = 256;

const { serialize } = protocol;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The subset of PGlite that pglite-prisma-adapter calls (query, exec, transaction; and query,
 * exec, rollback on a transaction), with `query` going through named prepared statements.
 */
export function withPreparedStatements(client: PGlite): PGlite {
  const cache = new Map<string, Prepared>();
  let counter = 0;
  const merged = new WeakMap<object, Parsers>();
  const parsersFor = (extra: Parsers | undefined): Parsers => {
    if (!extra) return client.parsers;
    let m = merged.get(extra);
    if (!m) merged.set(extra, (m = { ...client.parsers, ...extra }));
    return m;
  };

  /** Runs inside PGlite's query mutex (and, outside a transaction, its transaction mutex). */
  async function run<T>(sql: string, params: unknown[], options: QueryOptions | undefined, inTransaction: boolean): Promise<Results<T>> {
    let p = cache.get(sql);
    const pre: Uint8Array[] = [];
    if (p) {
      // Most recently used last, so eviction takes the coldest.
      cache.delete(sql);
      cache.set(sql, p);
    } else {
      if (cache.size >= MAX_PREPARED) {
        const [coldSql, cold] = cache.entries().next().value as [string, Prepared];
        cache.delete(coldSql);
        pre.push(serialize.close({ type: 'S', name: cold.name }));
      }
      const name = `gh_${++counter}`;
      const described = await client.execProtocolStream(
        concat([...pre, serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()]),
        { syncToFs: false },
      );
      p = {
        name,
        paramTypes: parse.parseDescribeStatementResults(described),
        description: described.find((m) => m.name === 'rowDescription') ?? null,
      };
      cache.set(sql, p);
    }
    const prepared = p;
    // Serialised exactly as PGlite's own query() does: by the parameter's type, else toString().
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const serializer = client.serializers[prepared.paramTypes[i]!];
      return serializer ? serializer(param) : (param as { toString(): string }).toString();
    });
    const messages = await client.execProtocolStream(
      concat([serialize.bind({ statement: prepared.name, values }), serialize.execute({}), serialize.sync()]),
      { syncToFs: false },
    );
    if (!inTransaction) await client.syncToFs();
    const all = prepared.description ? [prepared.description, ...messages] : messages;
    return parse.parseResults(all, parsersFor(options?.parsers) as Parameters<typeof parse.parseResults>[1], { rowMode: options?.rowMode })[0] as Results<T>;
  }

  /** Options this path does not implement (blobs, custom serializers, explicit parameter types) take PGlite's own path. */
  const plain = (options?: QueryOptions) => !options || (!options.blob && !options.serializers && !options.paramTypes);

  const wrapTransaction = (tx: Transaction): Transaction => ({
    ...tx,
    query: async <T>(sql: string, params: unknown[] = [], options?: QueryOptions) => {
      if (tx.closed) throw new Error('Transaction is closed');
      return plain(options) ? client._runExclusiveQuery(() => run<T>(sql, params, options, true)) : tx.query<T>(sql, params, options);
    },
    exec: (sql, options) => tx.exec(sql, options),
    rollback: () => tx.rollback(),
    get closed() {
      return tx.closed;
    },
  });

  const facade = {
    query: <T>(sql: string, params: unknown[] = [], options?: QueryOptions) =>
      plain(options)
        ? client._runExclusiveTransaction(() => client._runExclusiveQuery(() => run<T>(sql, params, options, false)))
        : client.query<T>(sql, params, options),
    exec: (sql: string, options?: QueryOptions) => client.exec(sql, options),
    transaction: <T>(callback: (tx: Transaction) => Promise<T>) => client.transaction((tx) => callback(wrapTransaction(tx))),
  };
  return facade as unknown as PGlite;
}
