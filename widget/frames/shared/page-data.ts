// The page data the server renders into `<script type="application/json" id="tg-page">`.
// It is an edge like any other: read once, checked, then trusted as typed.

export type LoginView = 'signin' | 'signup' | 'forgot' | 'reset' | 'verify';

export interface LoginPage {
  page: 'login';
  csrfToken: string;
  view: LoginView;
  /** The reset or verification token, from the emailed link. */
  token?: string;
  /** A relative URL to go to after success. Checked again with `safeReturnTo` before use. */
  returnTo: string;
  /** Set when the user is signing in to an app: "to continue to App B". */
  app?: { name: string };
  email?: string;
  error?: { code: string; message: string };
}

export interface AuthorizePage {
  page: 'authorize';
  csrfToken: string;
  transaction: string;
  app: { id: string; name: string };
  user: { email: string; name: string };
  switchAccountUrl: string;
}

export interface CallbackPage {
  page: 'callback';
  targetOrigin: string;
  data: object;
}

export interface AccountPage {
  page: 'account';
  csrfToken: string;
}

export type PageData = LoginPage | AuthorizePage | CallbackPage | AccountPage;

const VIEWS: readonly string[] = ['signin', 'signup', 'forgot', 'reset', 'verify'];

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const optional = (value: unknown, check: (v: unknown) => boolean) => value === undefined || check(value);

function isValid(data: Fields): boolean {
  switch (data.page) {
    case 'login':
      return (
        isString(data.csrfToken) &&
        VIEWS.includes(data.view as string) &&
        isString(data.returnTo) &&
        optional(data.token, isString) &&
        optional(data.email, isString) &&
        optional(data.app, (app) => isObject(app) && isString(app.name)) &&
        optional(data.error, (e) => isObject(e) && isString(e.code) && isString(e.message))
      );
    case 'authorize':
      return (
        isString(data.csrfToken) &&
        isString(data.transaction) &&
        isString(data.switchAccountUrl) &&
        isObject(data.app) && isString(data.app.id) && isString(data.app.name) &&
        isObject(data.user) && isString(data.user.email) && isString(data.user.name)
      );
    case 'callback':
      return isString(data.targetOrigin) && isObject(data.data);
    case 'account':
      return isString(data.csrfToken);
    default:
      return false;
  }
}

/**
 * Reads and checks the page data. Returns `undefined` when it is missing, is not JSON, or is
 * not the page this entry expects; the entry then shows a "reload" message instead of guessing.
 *
 * @example
 * const data = readPageData(['authorize', 'callback']);
 */
export function readPageData<K extends PageData['page']>(expected: readonly K[]): Extract<PageData, { page: K }> | undefined {
  const text = document.getElementById('tg-page')?.textContent;
  if (!text) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(data) || !expected.includes(data.page as K) || !isValid(data)) return undefined;
  return data as unknown as Extract<PageData, { page: K }>;
}
