// One refresh at a time across the tabs of an origin. Client locks alone deadlock (supabase-js
// #936), so waiting for the lock has a timeout; after it, or where Web Locks are missing, the
// refresh runs unlocked and the server's 10 s grace window gives both tabs the same successor.

const WAIT_MS = 10_000;

/**
 * Runs `fn` holding the Web Lock `name`, or without it after `waitMs`.
 *
 * @example
 * await withLock('tollgate:app_x:refresh', () => refresh());
 */
export async function withLock<T>(name: string, fn: () => Promise<T>, waitMs = WAIT_MS): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return fn();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), waitMs);
  try {
    return await locks.request(name, { signal: controller.signal }, () => {
      clearTimeout(timer);
      return fn();
    });
  } catch (error) {
    // The abort only ever fires while still waiting: the lock was never granted.
    if (controller.signal.aborted && (error as Error).name === 'AbortError') return fn();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
