import { APP_ID, FRAME_KINDS, NONCE, type FrameKind } from '../../protocol/index';

/** What `/embed/<frame>` renders into `#tg-page`; the server has checked every field. */
export interface EmbedPage {
  page: 'embed';
  frame: FrameKind;
  appId: string;
  /** The host page's origin, registered for the app: the only target of `ready`. */
  origin: string;
  nonce: string;
  app: { name: string };
}

/** `scheme://host[:port]` exactly; never `'*'` or `'null'`. */
function isExactOrigin(value: unknown): value is string {
  try {
    const url = new URL(String(value));
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** The page data, checked again here (it decides where `ready` goes), or `undefined`. */
export function readEmbedPage(): EmbedPage | undefined {
  try {
    const data = JSON.parse(document.getElementById('tg-page')?.textContent ?? '') as Record<string, unknown>;
    const app = data.app as Record<string, unknown> | undefined;
    const valid =
      data.page === 'embed' &&
      (FRAME_KINDS as readonly unknown[]).includes(data.frame) &&
      typeof data.appId === 'string' && APP_ID.test(data.appId) &&
      typeof data.nonce === 'string' && NONCE.test(data.nonce) &&
      isExactOrigin(data.origin) &&
      typeof app?.name === 'string';
    return valid ? (data as unknown as EmbedPage) : undefined;
  } catch {
    return undefined;
  }
}
