import { createContext, createElement, useContext, useMemo, type ReactNode } from 'react';
import { createTollgate, type Tollgate, type TollgateOptions } from '../core/index';

export type { Tollgate, TollgateOptions } from '../core/index';

const TollgateContext = createContext<Tollgate | null>(null);

export interface TollgateProviderProps extends TollgateOptions {
  children?: ReactNode;
}

/**
 * Makes one Tollgate client available to the tree. Safe to import on the server: nothing
 * touches `window` until a component renders in the browser.
 *
 * @example
 * <TollgateProvider appId="app_…" server="https://id.example.com"><App /></TollgateProvider>
 */
export function TollgateProvider({ appId, server, children }: TollgateProviderProps) {
  const client = useMemo(() => createTollgate({ appId, server }), [appId, server]);
  return createElement(TollgateContext.Provider, { value: client }, children);
}

/** The client of the nearest `<TollgateProvider>`. */
export function useTollgate(): Tollgate {
  const client = useContext(TollgateContext);
  if (!client) throw new TypeError('useTollgate: wrap your app in <TollgateProvider appId server>.');
  return client;
}
