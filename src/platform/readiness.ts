// Readiness (GET /health/ready): may this instance take traffic? Each dependency is a named check;
// bootstrap composes the list (database, migrations, and Redis when configured), so a new
// dependency plugs in without touching the app. Checks run in parallel, each bounded by a timeout,
// so a hung dependency answers 503 quickly instead of hanging the orchestrator's probe.

/** What a check answers: true/'up' is ready; 'not_configured' is ready (nothing to depend on); anything else is not. */
export type ReadinessValue = boolean | 'up' | 'down' | 'not_configured' | { status: string; ok: boolean; detail?: Record<string, unknown> };

export interface ReadinessCheck {
  name: string;
  check(): Promise<ReadinessValue> | ReadinessValue;
}

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, string>;
  /** Extra facts some checks give (migrations pending). */
  details?: Record<string, Record<string, unknown>>;
}

const TIMEOUT_MS = 2_000;

function normalise(v: ReadinessValue): { status: string; ok: boolean; detail?: Record<string, unknown> } {
  if (v === true) return { status: 'up', ok: true };
  if (v === false) return { status: 'down', ok: false };
  if (typeof v === 'string') return { status: v, ok: v === 'up' || v === 'not_configured' };
  return v;
}

export async function runReadiness(checks: readonly ReadinessCheck[], timeoutMs = TIMEOUT_MS): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<ReadinessValue>((resolve) => {
        timer = setTimeout(() => resolve({ status: 'timeout', ok: false }), timeoutMs);
      });
      try {
        return { name: c.name, ...normalise(await Promise.race([Promise.resolve().then(() => c.check()), timeout])) };
      } catch {
        return { name: c.name, status: 'down', ok: false };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report: ReadinessReport = {
    status: results.every((r) => r.ok) ? 'ok' : 'unavailable',
    checks: Object.fromEntries(results.map((r) => [r.name, r.status])),
  };
  const details = results.filter((r) => 'detail' in r && r.detail);
  if (details.length) report.details = Object.fromEntries(details.map((r) => [r.name, (r as { detail: Record<string, unknown> }).detail]));
  return report;
}
