// Domain failures as classes, one per GraphQL error type (pothos plugin-errors matches by
// class). Services throw them through `fail(code)`, which picks the class from the registry.
import { ERROR_CODES, type ErrorCode, type ErrorKind } from './codes.ts';

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message?: string) {
    super(message ?? ERROR_CODES[code].message);
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.name = ERROR_CODES[code].kind;
  }
}

export class ValidationError extends DomainError {}
export class InvalidCredentialsError extends DomainError {}
export class UnauthenticatedError extends DomainError {}
export class InvalidTokenError extends DomainError {}
export class ForbiddenError extends DomainError {}
export class NotFoundError extends DomainError {}
export class ConflictError extends DomainError {}
export class UserLockedError extends DomainError {}
/** A throttled call: retry after `retryAfter` seconds (REST sends it as Retry-After). */
export class RateLimitedError extends DomainError {
  readonly retryAfter: number;
  constructor(code: ErrorCode, message?: string, retryAfter = 1) {
    super(code, message);
    this.retryAfter = retryAfter;
  }
}
export class NotImplementedError extends DomainError {}
export class RequestError extends DomainError {}
export class InternalError extends DomainError {}

export const ERROR_CLASSES = {
  ValidationError,
  InvalidCredentialsError,
  UnauthenticatedError,
  InvalidTokenError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  UserLockedError,
  RateLimitedError,
  NotImplementedError,
  RequestError,
  InternalError,
} as const satisfies Record<ErrorKind, typeof DomainError>;

/** The error for `code`, as the class its registry entry names. */
export function domainError(code: ErrorCode, message?: string): DomainError {
  return new ERROR_CLASSES[ERROR_CODES[code].kind](code, message);
}

export function fail(code: ErrorCode, message?: string): never {
  throw domainError(code, message);
}

/** Throws rate_limited with the seconds until the caller may try again. */
export function failRateLimited(retryAfterSeconds: number): never {
  throw new RateLimitedError('rate_limited', undefined, Math.max(1, Math.ceil(retryAfterSeconds)));
}
