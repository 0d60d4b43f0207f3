// What is known about the request being served, for logs and metrics anywhere below the app edge
// (services, yoga plugins, the task queue) without threading it through every signature.
// AsyncLocalStorage follows the request across awaits; work queued during a request (the task
// queue) keeps the request id it was queued under, which is what a log reader wants.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
  /** The client address resolved at the edge (GATEHOUSE_TRUST_PROXY), or null in-process. */
  clientIp: string | null;
  /** Frontegg's `frontegg-trace-id` header, when the caller sent a sane one. */
  traceId: string | null;
  /** Set by the GraphQL layer: the operation's root field, bounded by the schema (metrics label). */
  operation?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

// Request ids end up in log lines and response headers: printable token characters only, bounded,
// so a client cannot inject a newline, a huge value or a lookalike of another field.
const SANE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's id when it is sane, else a fresh one. */
export function requestIdFrom(header: string | null): string {
  return header && SANE_ID.test(header) ? header : randomUUID();
}

/** A header value fit for a log line (same rule as request ids), else null. */
export function saneHeaderValue(header: string | null): string | null {
  return header && SANE_ID.test(header) ? header : null;
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the request being served, or undefined outside one (start-up, timers). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
