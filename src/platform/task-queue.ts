// Work that runs after the answer. A request whose visible work depends on a secret fact (is this
// address registered?) hands that work to this queue and answers at once, so status, body and
// timing are the same either way: the lookup, the token write, the mail composition and the send
// all happen in the task (password reset, magic link and login code requests, sign-up mail).
//
// Tasks are named and take a JSON payload, never a closure: a fleet-wide queue (pg-boss, BullMQ)
// can replace this in-process one behind the same interface, with every instance defining the
// same kinds at start-up and any instance running a payload. What a task needs that is secret (a
// token, a code) is created inside it, so a payload carries nothing worth stealing from the queue.
//
// A task's failure is logged and never reaches a caller: the answer has been sent already, and it
// must not depend on what the task found. drain() waits until nothing is queued or running; the
// app drains at shutdown before closing the database, and tests drain to read mail
// deterministically instead of sleeping.
import type { Logger } from './logger.ts';

/** What a task payload may hold: JSON, so a shared queue can carry it. */
export type TaskPayload = string | number | boolean | null | TaskPayload[] | { [key: string]: TaskPayload | undefined };

export interface TaskQueue {
  /**
   * Declares a kind of task (its name must be unique across the app) and returns the function
   * that enqueues one. Enqueuing never throws and never waits for the task.
   */
  define<P extends TaskPayload>(kind: string, handler: (payload: P) => Promise<void>): (payload: P) => void;
  /** Resolves once nothing is queued or running (tasks enqueued by tasks included). */
  drain(): Promise<void>;
}

export interface InProcessTaskQueueOptions {
  /** Tasks running at once; the rest wait in order. */
  concurrency?: number;
  /** Tasks allowed to wait; beyond it new ones are dropped (logged): memory stays bounded under a flood. */
  maxBacklog?: number;
}

export function createInProcessTaskQueue(logger: Logger, o: InProcessTaskQueueOptions = {}): TaskQueue {
  const concurrency = o.concurrency ?? 4;
  const maxBacklog = o.maxBacklog ?? 10_000;
  const waiting: Array<{ kind: string; run: () => Promise<void> }> = [];
  let running = 0;
  let idle: Array<() => void> = [];

  const settle = () => {
    if (running > 0 || waiting.length > 0) return;
    const resolve = idle;
    idle = [];
    for (const r of resolve) r();
  };

  const pump = () => {
    while (running < concurrency && waiting.length > 0) {
      const task = waiting.shift()!;
      running++;
      // A task that throws synchronously is caught like one that rejects.
      Promise.resolve()
        .then(task.run)
        .catch((error: unknown) => logger.error({ err: error, task: task.kind }, 'background task failed'))
        .finally(() => {
          running--;
          pump();
          settle();
        });
    }
  };

  return {
    define<P extends TaskPayload>(kind: string, handler: (payload: P) => Promise<void>) {
      return (payload: P) => {
        if (waiting.length >= maxBacklog) {
          logger.warn({ task: kind, backlog: waiting.length }, 'background task dropped: backlog full');
          return;
        }
        // The payload is copied as JSON now: what runs is what a shared queue would have stored,
        // and a caller mutating its object afterwards changes nothing.
        const copy = JSON.parse(JSON.stringify(payload)) as P;
        waiting.push({ kind, run: () => handler(copy) });
        // Started after the current turn: the request finishes building its answer first.
        setImmediate(pump);
      };
    },
    drain() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idle.push(resolve);
        // Tasks queued but not yet started (their setImmediate is pending) start now.
        pump();
      });
    },
  };
}
