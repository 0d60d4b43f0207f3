// Prometheus metrics (GET /metrics). One prom-client Registry per Gatehouse instance — never the
// library's global default registry — so several instances in one process (the tests) do not
// collide or count each other's traffic. Services see only the `Metrics` interface below (no
// prom-client types), and `GATEHOUSE_METRICS=off` swaps in a no-op with the same shape.
//
// Label values are always from bounded sets (route templates, error codes, limit names, job
// kinds): a raw path or a client-chosen operation name would let anyone grow the series count.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type AuthFlow = 'login' | 'refresh' | 'mfa';

export interface PoolStats {
  /** Connections open (idle + in use). */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
}

/** What services and the app edge record; no prom-client type leaks out of this file. */
export interface Metrics {
  readonly enabled: boolean;
  /** One answered HTTP request. `route` is a template ("/identity/resources/users/v1/{id}"), never a raw path. */
  httpRequest(o: { method: string; route: string; operation: string; status: number; seconds: number }): void;
  /** A login / refresh / MFA outcome; `reason` is the error code of a failure (bounded by errors/codes.ts). */
  authOutcome(flow: AuthFlow, outcome: 'success' | 'failure' | 'mfa_required' | 'password_expired', reason?: string): void;
  /** Any security event by name (the log's `event` field). */
  securityEvent(event: string): void;
  /** A request refused by the named abuse limit. */
  rateLimitHit(limit: string): void;
  /** One user of a background job processed (kind: "bulk invite", "user migration"). */
  jobUserProcessed(kind: string): void;
}

export interface MetricsEndpoint extends Metrics {
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsSources {
  database?: { kind: 'postgres' | 'pglite'; pool(): PoolStats | null };
}

const noop = () => {};
export const disabledMetrics: Metrics = {
  enabled: false,
  httpRequest: noop,
  authOutcome: noop,
  securityEvent: noop,
  rateLimitHit: noop,
  jobUserProcessed: noop,
};

// Seconds; identity calls are dominated by argon2 (tens of ms) and the database.
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(sources: MetricsSources = {}): MetricsEndpoint {
  const registry = new Registry();
  // Process CPU/memory/handles, GC, and nodejs_eventloop_lag_* (p50/p90/p99 via monitorEventLoopDelay).
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests answered, by method, route template, GraphQL operation (root field) and status',
    labelNames: ['method', 'route', 'operation', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route template, GraphQL operation and status',
    labelNames: ['method', 'route', 'operation', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const auth = new Counter({
    name: 'gatehouse_auth_outcomes_total',
    help: 'Login, refresh and MFA outcomes; reason is the error code of a failure',
    labelNames: ['flow', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'gatehouse_security_events_total',
    help: 'Security events logged, by event name',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'gatehouse_rate_limit_hits_total',
    help: 'Requests refused by an abuse limit, by limit name',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  const jobUsers = new Counter({
    name: 'gatehouse_job_users_processed_total',
    help: 'Users processed by background jobs, by job kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const db = sources.database;
  if (db) {
    new Gauge({
      name: 'gatehouse_db_pool_connections',
      help: 'Database connections by state (PostgreSQL: the pg pool; PGlite: one in-process connection)',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const s = db.pool();
        if (!s) return;
        this.set({ state: 'total' }, s.total);
        this.set({ state: 'idle' }, s.idle);
        this.set({ state: 'in_use' }, s.total - s.idle);
        this.set({ state: 'waiting' }, s.waiting);
        this.set({ state: 'max' }, s.max);
      },
    });
    new Gauge({
      name: 'gatehouse_db_info',
      help: 'The database kind (1 for the one in use)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }).set({ kind: db.kind }, 1);
  }

  return {
    enabled: true,
    httpRequest({ method, route, operation, status, seconds }) {
      const labels = { method, route, operation, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    authOutcome(flow, outcome, reason) {
      auth.inc({ flow, outcome, reason: reason ?? '' });
    },
    securityEvent(event) {
      events.inc({ event });
    },
    rateLimitHit(limit) {
      rateLimited.inc({ limit });
    },
    jobUserProcessed(kind) {
      jobUsers.inc({ kind });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
