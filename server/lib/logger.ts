import { pino, type Logger } from 'pino';

/** JSON logs on stdout. Secrets never reach a log line: known fields are redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tollgate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          ...['password', 'secret', 'token', 'authorization', 'cookie', 'masterKey'].flatMap((key) => [key, `*.${key}`]),
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
