// Timing primitives for the bench: time-boxed loops (throughput at a fixed number of requests in
// flight) and percentile helpers. Nothing here asserts; it only measures.
import { performance } from 'node:perf_hooks';

export interface Sample {
  /** Operations completed in the timed window (warm-up excluded). */
  ops: number;
  /** Wall time from the first start to the last completion, in seconds. */
  seconds: number;
  /** ops ÷ seconds. */
  rate: number;
  /** Per-operation latencies in ms, unsorted. */
  latencies: number[];
}

export interface LoopOptions {
  durationMs: number;
  warmupMs: number;
  /** Operations kept in flight at once (each worker runs one chain of awaits). */
  concurrency: number;
}

/**
 * Runs `op` from `concurrency` workers until `durationMs` has passed, after a warm-up of the same
 * shape whose results are discarded (JIT, the yoga/graphql parse caches, Prisma's query plans
 * and PGlite's buffer cache all warm on the first calls and would otherwise skew short runs).
 *
 * Workers stop *starting* operations at the deadline and the clock stops when the last one
 * finishes, so the rate counts every operation against the time it actually took — no
 * half-finished work is dropped or credited.
 */
export async function timeLoop(op: (worker: number) => Promise<void>, o: LoopOptions): Promise<Sample> {
  if (o.warmupMs > 0) await runWorkers(op, o.concurrency, o.warmupMs);
  return runWorkers(op, o.concurrency, o.durationMs);
}

export interface Loop {
  op: (worker: number) => Promise<void>;
  concurrency: number;
}

/**
 * Throughput of two loops whose RATIO is what matters, measured in alternating slices A B B A
 * (each side gets `durationMs` in total). Other load on the machine (a test run, CPU steal on a
 * shared VM) comes and goes over seconds; measuring A then B would charge it all to one side,
 * while ABBA spreads it evenly and cancels linear drift. Two slices per side keeps the end-of-
 * slice tail (in-flight operations draining at lower concurrency) a small part of each slice.
 */
export async function timeInterleaved(a: Loop, b: Loop, o: Omit<LoopOptions, 'concurrency'>): Promise<{ a: Sample; b: Sample }> {
  if (o.warmupMs > 0) {
    await runWorkers(a.op, a.concurrency, o.warmupMs);
    await runWorkers(b.op, b.concurrency, o.warmupMs);
  }
  const slice = o.durationMs / 2;
  const parts: { a: Sample[]; b: Sample[] } = { a: [], b: [] };
  for (const side of ['a', 'b', 'b', 'a'] as const) {
    const l = side === 'a' ? a : b;
    parts[side].push(await runWorkers(l.op, l.concurrency, slice));
  }
  return { a: merge(parts.a), b: merge(parts.b) };
}

function merge(samples: Sample[]): Sample {
  const ops = samples.reduce((n, s) => n + s.ops, 0);
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  return { ops, seconds, rate: ops / seconds, latencies: samples.flatMap((s) => s.latencies) };
}

async function runWorkers(op: (worker: number) => Promise<void>, concurrency: number, durationMs: number): Promise<Sample> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (w: number) => {
    while (performance.now() < deadline) {
      const t = performance.now();
      await op(w);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const seconds = (performance.now() - start) / 1000;
  return { ops: latencies.length, seconds, rate: latencies.length / seconds, latencies };
}

/**
 * Sequential latency of two operations measured *interleaved* (A, B, B, A, A, B, …) so that
 * both see the same machine state — GC pressure, a noisy neighbour, a growing sessions table —
 * and their ratio is not biased by whichever happened to run first or last.
 */
export async function timePair(
  a: () => Promise<void>,
  b: () => Promise<void>,
  o: Omit<LoopOptions, 'concurrency'>,
): Promise<{ a: Sample; b: Sample }> {
  const run = async (durationMs: number) => {
    const la: number[] = [];
    const lb: number[] = [];
    const timeOne = async (fn: () => Promise<void>, into: number[]) => {
      const t = performance.now();
      await fn();
      into.push(performance.now() - t);
    };
    const start = performance.now();
    const deadline = start + durationMs;
    for (let i = 0; performance.now() < deadline; i++) {
      if (i % 2 === 0) {
        await timeOne(a, la);
        await timeOne(b, lb);
      } else {
        await timeOne(b, lb);
        await timeOne(a, la);
      }
    }
    const seconds = (performance.now() - start) / 1000;
    const sample = (l: number[]): Sample => ({ ops: l.length, seconds, rate: l.length / seconds, latencies: l });
    return { a: sample(la), b: sample(lb) };
  };
  if (o.warmupMs > 0) await run(o.warmupMs);
  return run(o.durationMs);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Fixed-width plain-text table (first column left-aligned, the rest right-aligned). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
