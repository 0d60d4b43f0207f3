// CSV export of audit rows (RFC 4180), safe to open in a spreadsheet: a cell that starts with
// = + - @ (or a tab / carriage return) is prefixed with ' so it is text, never a formula (OWASP
// "CSV injection"); every cell is quoted when it holds a quote, comma or line break.
import type { AuditEventRow } from './audit.service.ts';

export const AUDIT_CSV_COLUMNS = [
  'createdAt', 'action', 'outcome', 'reason', 'severity', 'actorType', 'actorId', 'userId', 'tenantId',
  'targetType', 'targetId', 'ipAddress', 'userAgent', 'requestId', 'id',
] as const;
export type AuditCsvColumn = (typeof AUDIT_CSV_COLUMNS)[number];

export function csvCell(value: unknown): string {
  let s = value == null ? '' : value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as CSV with a header line; `headers` names the columns (defaults to the column keys). */
export function auditCsv(rows: AuditEventRow[], columns: readonly AuditCsvColumn[] = AUDIT_CSV_COLUMNS, headers?: readonly string[]): string {
  const lines = [(headers ?? columns).map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
