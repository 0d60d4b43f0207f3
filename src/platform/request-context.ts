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
  /** The User-Agent header, bounded and stripped of control characters (audit log), or null. */
  userAgent?: string | null;
  /** Set by the GraphQL layer once the bearer is verified: who is calling (audit log). */
  actor?: { type: 'user' | 'vendor' | 'api_token' | 'anonymous'; id: string | null; tenantId: string | null };
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

/** A User-Agent fit to store: control characters dropped, at most 512 characters; null when empty. */
export function saneUserAgent(header: string | null): string | null {
  // eslint-disable-next-line no-control-regex
  const v = header?.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 512);
  return v ? v : null;
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the request being served, or undefined outside one (start-up, timers). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
