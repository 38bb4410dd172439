import { createRequire } from 'node:module';
import type { pino as Pino } from 'pino';

/**
 * What sgci logs through: pino's call shape (an object, then a message), so a pino logger is one. The
 * CLI is silent unless SGCI_LOG_LEVEL asks for logs, and a silent run should not pay for loading pino.
 */
export interface Logger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * JSON logs go to stderr for the CLI (stdout carries the report), to stdout for the server.
 * Level from SGCI_LOG_LEVEL; silent by default on the CLI so reports stay clean.
 */
export function createLogger(options: { level?: string; destination?: 1 | 2 } = {}): Logger {
  const level = options.level ?? process.env.SGCI_LOG_LEVEL ?? 'silent';
  if (level === 'silent') return silentLogger;
  // pino is CommonJS: required on demand, synchronously, only when something will be logged.
  const { pino } = createRequire(import.meta.url)('pino') as { pino: typeof Pino };
  return pino(
    {
      level,
      base: { name: 'sgci' },
      redact: {
        paths: ['*.password', '*.token', '*.authorization', '*.secret', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd: options.destination ?? 2, sync: true }),
  );
}
