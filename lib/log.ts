import pino from 'pino';

/**
 * One logger for the server. Secrets, tokens and images must never reach it: the redaction list
 * is a safety net, not a licence to log request parameters.
 */
const g = globalThis as unknown as { __cloudauthLogger?: pino.Logger };

export const log: pino.Logger =
  g.__cloudauthLogger ??
  (g.__cloudauthLogger = pino({
    level: process.env.LOG_LEVEL ?? 'info',
    base: undefined,
    redact: {
      paths: ['secret', '*.secret', 'token', '*.token', 'Signature', '*.Signature', 'Binding', '*.Binding', 'password', '*.password'],
      censor: '[redacted]',
    },
  }));
