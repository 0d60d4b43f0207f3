// Frontegg's error body, from the one error-code table: {"errors": ["message"], "errorCode": "…"}.
import { ERROR_CODES, type ErrorCode } from '../errors/codes.ts';

export function errorResponse(code: ErrorCode, message?: string, headers?: HeadersInit): Response {
  const { status, message: fallback } = ERROR_CODES[code];
  return Response.json({ errors: [message ?? fallback], errorCode: code }, { status, headers });
}
