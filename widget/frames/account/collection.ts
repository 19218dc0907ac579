import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { describeError, type Api } from '../shared/api';

/**
 * A list the user can remove items from (sessions, apps): loads `GET path` once, removes with
 * `DELETE path/{id}`. `status` announces what happened; `error` what failed.
 */
export function useCollection<T extends { id: string }>(api: Api, path: string, key: string) {
  const items = useSignal<T[] | null>(null);
  const error = useSignal<string | null>(null);
  const status = useSignal<string | null>(null);
  const removing = useSignal<string | null>(null);

  useEffect(() => {
    void api.get<Record<string, T[] | undefined>>(path).then((result) => {
      if (result.ok) items.value = result.data[key] ?? [];
      else error.value = describeError(result.error);
    });
  }, []);

  /** Resolves to whether the item is gone. */
  async function remove(id: string, done: string): Promise<boolean> {
    removing.value = id;
    error.value = status.value = null;
    const result = await api.send('DELETE', `${path}/${encodeURIComponent(id)}`);
    removing.value = null;
    if (!result.ok) {
      error.value = describeError(result.error);
      return false;
    }
    items.value = (items.value ?? []).filter((item) => item.id !== id);
    status.value = done;
    return true;
  }

  return { items, error, status, removing, remove };
}
