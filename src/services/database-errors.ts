// The database's refusals that no service anticipated, as the client errors they are. Services
// catch what they expect (a unique email → user_already_exists) right where they write; what is
// left reaches the transport's error mask, which asks here before answering internal_error.
// A foreign key to a tenant that does not exist, a second row where one is allowed, a value the
// column cannot hold: each is the caller's input, so each is a 4xx — never a 500, and never a
// message that shows SQL.
import { domainError, type DomainError } from '../errors/domain-errors.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { Prisma } from '../platform/db.ts';

/** The column a foreign key constraint (`Model_column_fkey`) checks → the lookup that failed. */
const REFERENCES: ReadonlyArray<[RegExp, ErrorCode]> = [
  [/_(parent)?tenantId_fkey$/i, 'tenant_not_found'],
  [/_(user|actor|creator|invitee)Id_fkey$/i, 'user_not_found'],
  [/_roleId_fkey$/i, 'role_not_found'],
  [/_permissionId_fkey$/i, 'permission_not_found'],
  [/_categoryId_fkey$/i, 'permission_category_not_found'],
  [/_groupId_fkey$/i, 'group_not_found'],
  [/_applicationId_fkey$/i, 'application_not_found'],
];

/** Prisma's codes for a value the column or query cannot take. */
const INVALID_VALUE = new Set(['P2000', 'P2005', 'P2006', 'P2007', 'P2009', 'P2011', 'P2012', 'P2019', 'P2020', 'P2023', 'P2033']);

interface AdapterCause {
  kind?: string;
  code?: string;
  originalCode?: string;
  originalMessage?: string;
  constraint?: { index?: string; fields?: string[] };
}

function adapterCause(e: Prisma.PrismaClientKnownRequestError): AdapterCause {
  const meta = e.meta as { driverAdapterError?: { cause?: AdapterCause } } | undefined;
  return meta?.driverAdapterError?.cause ?? {};
}

function foreignKeyError(e: Prisma.PrismaClientKnownRequestError, cause: AdapterCause): DomainError {
  const message = cause.originalMessage ?? e.message;
  // PostgreSQL: "update or delete on table … violates foreign key constraint" — the row is still referenced.
  if (/update or delete on table/i.test(message)) return domainError('resource_in_use');
  const constraint = cause.constraint?.index ?? String((e.meta as { field_name?: unknown } | undefined)?.field_name ?? '');
  const code = REFERENCES.find(([pattern]) => pattern.test(constraint))?.[1] ?? 'reference_not_found';
  return domainError(code);
}

/** The client error a database failure stands for, or null when it is a server fault. */
export function domainErrorFromDatabase(error: unknown): DomainError | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return null;
  const cause = adapterCause(error);
  const sqlState = cause.originalCode ?? cause.code ?? '';
  if (error.code === 'P2003' || sqlState === '23503') return foreignKeyError(error, cause);
  if (error.code === 'P2025' || error.code === 'P2001' || error.code === 'P2015' || error.code === 'P2018') return domainError('resource_not_found');
  if (error.code === 'P2002' || sqlState === '23505') return domainError('resource_already_exists');
  if (INVALID_VALUE.has(error.code)) return domainError('validation_failed', 'A value is not valid for this field');
  // SQLSTATE class 22 is "data exception" (22021 NUL byte, 22P02 bad text representation, 22003
  // out of range, 22001 too long, 22P05 untranslatable jsonb character); 23502 is a missing value.
  if (/^22/.test(sqlState) || sqlState === '23502') return domainError('validation_failed', 'A value is not valid for this field');
  return null;
}
