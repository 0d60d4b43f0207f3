// pino, one JSON line per entry. Every line written while a request is served carries its
// request id (and Frontegg's trace id when sent), from the request context, so one grep follows a
// request through services and queued work.
import { pino, type DestinationStream, type Logger } from 'pino';
import { currentRequest } from './request-context.ts';

export type { Logger };

// Secrets never reach a log line on purpose (security events log ids and reasons only); these
// paths are the safety net for an object logged by accident. pino's `*` matches one level.
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'mfaToken',
  'resetPasswordToken',
  'invitationToken',
  'recaptchaToken',
  'code',
  'otc',
  'recoveryCode',
  'passwordHash',
  'hash',
  'authorization',
  'cookie',
];
// Nested, except `code`: a serialised error's `err.code` (ECONNREFUSED, P2002) is no secret.
const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.filter((k) => k !== 'code').map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    mixin() {
      const r = currentRequest();
      if (!r) return {};
      return r.traceId ? { requestId: r.requestId, traceId: r.traceId } : { requestId: r.requestId };
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
