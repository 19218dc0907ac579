import { resolve } from 'node:path';
import { z } from 'zod';
import type { DatabaseOptions } from './db/index';
import { normaliseOrigin } from './registry/origin';

/**
 * Every environment variable Tollgate reads, validated once at start-up. Nothing else in the
 * server reads `process.env`. `.env.example` and docs/configuration.md document the same list.
 */
const port = z.coerce
  .number({ error: 'an integer between 1 and 65535' })
  .int('an integer between 1 and 65535')
  .min(1, 'an integer between 1 and 65535')
  .max(65535, 'an integer between 1 and 65535');

const bytes = (min: number, max: number) =>
  z.coerce
    .number({ error: `an integer number of bytes between ${min} and ${max}` })
    .int(`an integer number of bytes between ${min} and ${max}`)
    .min(min, `an integer number of bytes between ${min} and ${max}`)
    .max(max, `an integer number of bytes between ${min} and ${max}`);

const int = (min: number, max: number, unit: string) =>
  z.coerce
    .number({ error: `an integer number of ${unit} between ${min} and ${max}` })
    .int(`an integer number of ${unit} between ${min} and ${max}`)
    .min(min, `an integer number of ${unit} between ${min} and ${max}`)
    .max(max, `an integer number of ${unit} between ${min} and ${max}`);

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'development, production or test' }).default('development'),
  PORT: port.default(8787),
  HOST: z.string().min(1, 'a host name or IP address to listen on').optional(),
  PUBLIC_URL: z
    .string()
    .transform((v, ctx) => {
      const origin = normaliseOrigin(v);
      if (!origin.ok) {
        ctx.addIssue({ code: 'custom', message: 'an http(s) origin such as https://id.example.com (no path)' });
        return z.NEVER;
      }
      return origin.value;
    })
    .optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// or postgresql:// connection URL')
    .optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier (letters, digits, _)')
    .default('public'),
  DATABASE_POOL_MAX: z.coerce.number({ error: 'an integer between 1 and 500' }).int('an integer between 1 and 500').min(1, 'an integer between 1 and 500').max(500, 'an integer between 1 and 500').default(10),
  DATA_DIR: z.string().min(1, 'a directory path').default('.tollgate'),
  MASTER_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, '32 random bytes in base64url (43 characters); generate one with `npx tollgate keygen`')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  BODY_LIMIT: bytes(1024, 10 * 1024 * 1024).default(64 * 1024),
  TRUST_PROXY: flag.default(false),
  RATE_LIMITS: flag.default(true),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'an smtp:// or smtps:// URL such as smtps://user:pass@smtp.example.com:465')
    .optional(),
  MAIL_FROM: z.string().min(3, 'a sender such as "Tollgate <no-reply@example.com>"').max(200, 'a sender of at most 200 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: int(60, 86_400, 'seconds').default(900),
  REFRESH_TOKEN_TTL_DAYS: int(1, 365, 'days').default(30),
  SESSION_IDLE_DAYS: int(1, 365, 'days').default(14),
  SESSION_MAX_DAYS: int(1, 3650, 'days').default(90),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ error: 'an integer number of milliseconds' }).int('an integer number of milliseconds').min(0, 'an integer number of milliseconds').max(120_000, 'at most 120000').default(10_000),
});

/** Variables whose values never appear in an error message. */
const SECRET_VARS = new Set(['DATABASE_URL', 'MASTER_KEY', 'METRICS_TOKEN', 'SMTP_URL']);

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  publicUrl: string;
  database: DatabaseOptions;
  dataDir: string;
  masterKey?: string;
  logLevel: Env['LOG_LEVEL'];
  bodyLimit: number;
  trustProxy: boolean;
  /** Per-IP and per-account limits; off only for benchmarks or behind a limiter of your own. */
  rateLimits: boolean;
  metricsToken?: string;
  shutdownTimeoutMs: number;
  /** Mail transport; without `smtpUrl`, mail goes to the dev mailbox and the log. */
  mail: { smtpUrl?: string; from: string };
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  session: { idleDays: number; maxDays: number };
}

/** Thrown for a bad environment; its message is one line, fit to print as it is. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and validates the environment.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError with a one-line message
 */
export function loadConfig(source: Record<string, string | undefined>): Config {
  // An empty variable counts as unset: `PORT= npm start` must not mean port 0.
  const input = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const got = SECRET_VARS.has(name) ? '' : ` (got ${JSON.stringify(String(input[name]))})`;
      return `${name} must be ${issue.message}${got}`;
    });
    throw new ConfigError(`invalid configuration: ${[...new Set(problems)].join('; ')}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production' && env.DATABASE_URL && !env.MASTER_KEY) {
    throw new ConfigError(
      'invalid configuration: MASTER_KEY must be set in production with DATABASE_URL (every instance needs the same key); generate one with `npx tollgate keygen`',
    );
  }
  if (env.NODE_ENV === 'production' && !env.PUBLIC_URL) {
    throw new ConfigError(
      'invalid configuration: PUBLIC_URL must be set in production (the origin users and apps reach, e.g. https://id.example.com; tokens carry it as their issuer)',
    );
  }
  if (env.NODE_ENV === 'production' && env.PUBLIC_URL && !isSecureOrigin(env.PUBLIC_URL)) {
    throw new ConfigError(
      'invalid configuration: PUBLIC_URL must be https in production (the session cookie is Secure; browsers drop it over plain http)',
    );
  }
  if (env.NODE_ENV === 'production' && !env.SMTP_URL) {
    throw new ConfigError(
      'invalid configuration: SMTP_URL must be set in production (verification and password-reset links go by email; without it they would only reach the log)',
    );
  }
  const dataDir = resolve(env.DATA_DIR);
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST ?? (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    database: env.DATABASE_URL
      ? { engine: 'postgres', url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, poolMax: env.DATABASE_POOL_MAX }
      : { engine: 'pglite', dataDir: resolve(dataDir, 'data') },
    dataDir,
    masterKey: env.MASTER_KEY,
    logLevel: env.LOG_LEVEL,
    bodyLimit: env.BODY_LIMIT,
    trustProxy: env.TRUST_PROXY,
    rateLimits: env.RATE_LIMITS,
    metricsToken: env.METRICS_TOKEN,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM ?? `Tollgate <no-reply@${new URL(env.PUBLIC_URL ?? 'http://localhost').hostname}>` },
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    session: { idleDays: env.SESSION_IDLE_DAYS, maxDays: env.SESSION_MAX_DAYS },
  };
}

/** The documented variables, for `.env.example` and the docs test. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as (keyof Env)[];

/** https, or http on loopback, where browsers keep Secure cookies (Chromium, Firefox). */
function isSecureOrigin(origin: string): boolean {
  const { protocol, hostname } = new URL(origin);
  return protocol === 'https:' || hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}
