/**
 * A bounded map of loaded values, each trusted for `ttlMs`: for hot bearer-token routes that
 * may answer from a few seconds ago rather than query on every request. When full, the oldest
 * entry goes.
 */
export function createTtlCache<K, V>(load: (key: K) => Promise<V>, { ttlMs = 5_000, max = 10_000 } = {}) {
  const entries = new Map<K, { at: number; value: V }>();
  return {
    async get(key: K): Promise<V> {
      const hit = entries.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      const value = await load(key);
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, { at: Date.now(), value });
      return value;
    },
    /** Drops keys this instance knows to be stale (a session it just ended). */
    forget(keys: K[]) {
      for (const key of keys) entries.delete(key);
    },
  };
}
