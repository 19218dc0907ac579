import { createContext, createElement, useContext, useEffect, useMemo, useRef, useState, type ButtonHTMLAttributes, type CSSProperties, type ReactNode } from 'react';
import { createTollgate, isTollgateError, type FrameKind, type LoginOptions, type Tollgate, type TollgateOptions, type TollgateUser } from '../core/index';

export type { Tollgate, TollgateOptions, TollgateUser, TollgateError, LoginOptions } from '../core/index';

const TollgateContext = createContext<Tollgate | null>(null);

export interface TollgateProviderProps extends TollgateOptions {
  /** A redirect sign-in could not be finished (the provider finishes it when the page loads). */
  onError?(error: unknown): void;
  children?: ReactNode;
}

/**
 * Makes one Tollgate client available to the tree, and finishes a redirect sign-in when the
 * page is its answer. Safe to import and render on the server: nothing touches `window` until
 * an effect runs in the browser.
 *
 * @example
 * <TollgateProvider appId="app_…" server="https://id.example.com"><App /></TollgateProvider>
 */
export function TollgateProvider({ appId, server, cacheLocation, redirectUri, onError, children }: TollgateProviderProps) {
  const client = useMemo(() => createTollgate({ appId, server, cacheLocation, redirectUri }), [appId, server, cacheLocation, redirectUri]);
  const report = useLatest(onError);
  useEffect(() => {
    if (client.auth.isRedirectCallback()) client.auth.handleRedirectCallback().catch((error) => report.current?.(error));
  }, [client]);
  return createElement(TollgateContext.Provider, { value: client }, children);
}

/** The client of the nearest `<TollgateProvider>`. */
export function useTollgate(): Tollgate {
  const client = useContext(TollgateContext);
  if (!client) throw new TypeError('useTollgate: wrap your app in <TollgateProvider appId server>.');
  return client;
}

export interface UserState {
  /** False until the first answer (and always during server rendering). */
  isLoaded: boolean;
  isSignedIn: boolean;
  user: TollgateUser | null;
  /** Why the user could not be read (the network, the server), if it could not. */
  error?: unknown;
}

/**
 * The signed-in user; re-renders on sign-in and sign-out, in this tab or another.
 *
 * @example
 * const { isLoaded, user } = useUser();
 * return isLoaded ? <p>{user ? user.email : 'Signed out'}</p> : null;
 */
export function useUser(): UserState {
  const client = useTollgate();
  const [state, setState] = useState<UserState>({ isLoaded: false, isSignedIn: false, user: null });
  useEffect(() => {
    let live = true;
    const load = () =>
      client.auth.getUser().then(
        (user) => live && setState({ isLoaded: true, isSignedIn: user !== null, user }),
        (error) => live && setState({ isLoaded: true, isSignedIn: client.auth.isAuthenticated(), user: null, error }),
      );
    void load();
    const off = client.auth.onChange(load);
    return () => {
      live = false;
      off();
    };
  }, [client]);
  return state;
}

export interface SignInButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'onError'>, LoginOptions {
  /** Sign-in failed. POPUP_CLOSED and LOGIN_CANCELLED (the person changed their mind) are not reported. */
  onError?(error: unknown): void;
}

/** A button that signs in with the popup (opened inside the click, so browsers allow it). */
export function SignInButton({ mode, fallback, onError, children = 'Sign in', ...props }: SignInButtonProps) {
  const client = useTollgate();
  return createElement(
    'button',
    {
      type: 'button',
      ...props,
      onClick: () =>
        void client.auth.login({ mode, fallback }).catch((error) => {
          if (!isTollgateError(error) || (error.code !== 'POPUP_CLOSED' && error.code !== 'LOGIN_CANCELLED')) onError?.(error);
        }),
    },
    children,
  );
}

export interface FrameProps {
  className?: string;
  style?: CSSProperties;
  /** The frame's events, as it names them (`purchase`, `balance`, …). */
  onEvent?(name: string, data: unknown): void;
  onError?(error: unknown): void;
}

function frame(kind: FrameKind) {
  return function TollgateFrame({ className, style, onEvent, onError }: FrameProps) {
    const client = useTollgate();
    const element = useRef<HTMLDivElement>(null);
    const handlers = useLatest({ onEvent, onError });
    useEffect(() => {
      // After our own unmount (StrictMode mounts twice in development) a CLOSED is expected, not an error.
      let live = true;
      const report = (error: unknown) => {
        if (live) handlers.current.onError?.(error);
      };
      const mounted = client.mount(element.current!, kind, {
        onEvent: (name, data) => handlers.current.onEvent?.(name, data),
        onError: report,
      });
      mounted.ready.catch(report);
      return () => {
        live = false;
        mounted.unmount();
      };
    }, [client]);
    return createElement('div', { ref: element, className, style });
  };
}

/** The credit purchase frame (the checkout itself opens in a popup). */
export const CreditPurchase = frame('purchase');
/** The subscription frame: plan, renewal, cancel. */
export const SubscriptionManager = frame('subscription');
/** The live credit balance frame. */
export const CreditBalance = frame('balance');

function useLatest<T>(value: T) {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
