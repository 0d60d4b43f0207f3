// A task queue that runs nothing until drain(): a test can look at what a request did by itself
// (its statements, its writes, its mail) before the work it queued runs.
import type { TaskPayload, TaskQueue } from '../../src/platform/task-queue.ts';

export interface HeldTaskQueue extends TaskQueue {
  /** Kinds of the tasks queued and not yet run, in order. */
  held(): string[];
}

export function createHeldTaskQueue(): HeldTaskQueue {
  const queued: Array<{ kind: string; run: () => Promise<void> }> = [];
  return {
    define<P extends TaskPayload>(kind: string, handler: (payload: P) => Promise<void>) {
      return (payload: P) => {
        const copy = JSON.parse(JSON.stringify(payload)) as P;
        queued.push({ kind, run: () => handler(copy) });
      };
    },
    async drain() {
      // Failures are swallowed as the real queue logs them; tasks queued by tasks run too.
      while (queued.length) await queued.shift()!.run().catch(() => {});
    },
    held: () => queued.map((q) => q.kind),
  };
}
