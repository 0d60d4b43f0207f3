// The in-process task queue: tasks run after the caller's turn, bounded in number, in order; a
// failure is logged and never reaches the caller; drain() waits for everything, tasks that queue
// tasks included.
import { describe, expect, it } from 'vitest';
import { createInProcessTaskQueue } from '../../src/platform/task-queue.ts';
import type { Logger } from '../../src/platform/logger.ts';

function recordingLogger() {
  const errors: Array<Record<string, unknown>> = [];
  const warnings: Array<Record<string, unknown>> = [];
  const logger = { error: (o: Record<string, unknown>) => errors.push(o), warn: (o: Record<string, unknown>) => warnings.push(o) } as unknown as Logger;
  return { logger, errors, warnings };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('in-process task queue', () => {
  it('runs nothing before the caller’s turn ends, then every task, and drain waits for them', async () => {
    const { logger } = recordingLogger();
    const q = createInProcessTaskQueue(logger);
    const seen: string[] = [];
    const enqueue = q.define<{ n: number }>('record', async ({ n }) => {
      await tick();
      seen.push(`task ${n}`);
    });
    enqueue({ n: 1 });
    enqueue({ n: 2 });
    seen.push('caller');
    await q.drain();
    expect(seen).toEqual(['caller', 'task 1', 'task 2']);
    await q.drain(); // idle: resolves at once
  });

  it('copies the payload as JSON when queued', async () => {
    const q = createInProcessTaskQueue(recordingLogger().logger);
    const got: unknown[] = [];
    const enqueue = q.define<{ list: number[] }>('copy', async (p) => void got.push(p));
    const payload = { list: [1] };
    enqueue(payload);
    payload.list.push(2);
    await q.drain();
    expect(got).toEqual([{ list: [1] }]);
  });

  it('logs a failure (thrown or rejected) and goes on; the caller never sees it', async () => {
    const { logger, errors } = recordingLogger();
    const q = createInProcessTaskQueue(logger);
    const ran: number[] = [];
    const bad = q.define<null>('bad', async () => {
      throw new Error('smtp down');
    });
    const good = q.define<number>('good', async (n) => void ran.push(n));
    expect(() => bad(null)).not.toThrow();
    good(1);
    await q.drain();
    expect(ran).toEqual([1]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ task: 'bad' });
  });

  it('runs at most `concurrency` tasks at once, and drain covers tasks queued by tasks', async () => {
    const q = createInProcessTaskQueue(recordingLogger().logger, { concurrency: 2 });
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const child = q.define<number>('child', async (n) => void done.push(n));
    const parent = q.define<number>('parent', async (n) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      await tick();
      running--;
      child(n * 10);
      done.push(n);
    });
    for (let i = 1; i <= 5; i++) parent(i);
    await q.drain();
    expect(peak).toBe(2);
    expect(done.filter((n) => n < 10).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(done.filter((n) => n >= 10).sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50]);
  });

  it('drops (and logs) tasks beyond the backlog', async () => {
    const { logger, warnings } = recordingLogger();
    const q = createInProcessTaskQueue(logger, { maxBacklog: 2 });
    let ran = 0;
    const enqueue = q.define<null>('flood', async () => void ran++);
    for (let i = 0; i < 5; i++) enqueue(null);
    await q.drain();
    expect(ran).toBe(2);
    expect(warnings).toHaveLength(3);
  });
});
