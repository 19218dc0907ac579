import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DatabaseHandle } from '../db/index';
import { defineErrors } from './errors';

export const rateLimitErrors = defineErrors({
  RATE_LIMITED: { status: 429, message: 'Too many attempts. Try again later.' },
});

export interface LimitRule {
  points: number;
  /** Window in seconds. */
  duration: number;
}

/**
 * Named limits (rate-limiter-flexible), kept in PostgreSQL so they hold across instances; in
 * memory on the embedded database, which is one process anyway.
 */
export function createRateLimits<N extends string>(database: DatabaseHandle, rules: Record<N, LimitRule>, { enabled = true } = {}) {
  const limiters = new Map<string, RateLimiterAbstract>();
  for (const [name, rule] of Object.entries(rules) as [N, LimitRule][]) {
    const common = { keyPrefix: `tg:${name}`, points: rule.points, duration: rule.duration };
    limiters.set(
      name,
      database.pool
        ? new RateLimiterPostgres({ ...common, storeClient: database.pool, tableName: 'rate_limits', schemaName: database.schema, tableCreated: true, clearExpiredByTimeout: false })
        : new RateLimiterMemory(common),
    );
  }
  return {
    /** Counts one attempt for each key; throws 429 with Retry-After when any is over its limit. */
    async consume(name: N, ...keys: string[]): Promise<void> {
      if (!enabled) return;
      const limiter = limiters.get(name)!;
      for (const key of keys) {
        try {
          await limiter.consume(storeKey(key));
        } catch (result) {
          if (!(result instanceof RateLimiterRes)) throw result;
          const seconds = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
          throw rateLimitErrors.RATE_LIMITED(`Too many attempts. Try again in ${seconds} seconds.`, { retryAfter: seconds }, { 'Retry-After': String(seconds) });
        }
      }
    },
    /** Forgets a key's attempts (a successful sign-in clears the per-account counter). */
    async reset(name: N, key: string): Promise<void> {
      if (!enabled) return;
      await limiters.get(name)!.delete(storeKey(key));
    },
  };
}

export type RateLimits<N extends string> = ReturnType<typeof createRateLimits<N>>;

/** The store's key column holds 255 characters: a longer key is hashed whole, never cut (cutting could drop its IP part). */
function storeKey(key: string): string {
  return key.length <= 200 ? key : `h:${createHash('sha256').update(key).digest('base64url')}`;
}
