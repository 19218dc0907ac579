// Where the tokens of one app live: memory, and by default localStorage under `tollgate:<appId>`
// so a reload keeps the user signed in and every tab of the app shares one refresh token.
import type { TokenSet } from './oauth';

export type CacheLocation = 'localstorage' | 'memory';

export interface TokenStore {
  /** Always read from storage when there is one: another tab may have written since. */
  get(): TokenSet | null;
  set(tokens: TokenSet | null): void;
}

/**
 * @param onExternalChange runs when another tab wrote the tokens (the `storage` event).
 */
export function createTokenStore(key: string, location: CacheLocation, onExternalChange: () => void): TokenStore {
  let memory: TokenSet | null = null;
  let storage: Storage | undefined;
  if (location === 'localstorage' && typeof window !== 'undefined') {
    try {
      // Storage can be disabled, or throw on write (quota, some private modes): then memory only.
      window.localStorage.setItem(key + ':probe', '1');
      window.localStorage.removeItem(key + ':probe');
      storage = window.localStorage;
      window.addEventListener('storage', (event) => {
        if (event.key === key || event.key === null) onExternalChange();
      });
    } catch {
      storage = undefined;
    }
  }
  return {
    get() {
      if (!storage) return memory;
      try {
        return parse(storage.getItem(key));
      } catch {
        return memory;
      }
    },
    set(tokens) {
      memory = tokens;
      try {
        if (tokens) storage?.setItem(key, JSON.stringify(tokens));
        else storage?.removeItem(key);
      } catch {
        storage = undefined;
      }
    },
  };
}

function parse(text: string | null): TokenSet | null {
  if (!text) return null;
  const value = JSON.parse(text);
  const ok = value && typeof value.accessToken === 'string' && typeof value.refreshToken === 'string' && typeof value.refreshAt === 'number';
  return ok ? value : null;
}
