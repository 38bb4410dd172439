import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * JSON logs go to stderr for the CLI (stdout carries the report), to stdout for the server.
 * Level from SGCI_LOG_LEVEL; silent by default on the CLI so reports stay clean.
 */
export function createLogger(options: { level?: string; destination?: 1 | 2 } = {}): Logger {
  const level = options.level ?? process.env.SGCI_LOG_LEVEL ?? 'silent';
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

export const silentLogger: Logger = pino({ level: 'silent' });
