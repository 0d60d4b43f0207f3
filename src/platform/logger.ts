import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    // Never log credentials, even by accident.
    redact: {
      paths: ['password', '*.password', 'secret', '*.secret', 'refreshToken', '*.refreshToken', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}
