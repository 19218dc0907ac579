import { isAppError } from '../http/errors';
import type { Registry } from '../registry/service';

/** Whether the app may show a frame on `origin`, and every origin that may frame it. */
export type FrameAccess = { ok: true; appName: string; frameAncestors: string[] } | { ok: false; reason: 'APP_NOT_FOUND' | 'ORIGIN_NOT_REGISTERED' };

/**
 * A CSP host-source can name `scheme://host[:port]` with a DNS name or IPv4 address only;
 * an IPv6 literal (`http://[::1]:3000`) cannot be expressed and is left out (fails closed).
 */
const CSP_SOURCE = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/;

/**
 * The rules of `/embed/*`: a frame is served only for an origin the app registered, and only
 * the app's registered origins may frame it (one allow-list per app: DESIGN, Identity).
 */
export function createEmbed({ registry }: { registry: Pick<Registry, 'getApp'> }) {
  return {
    /** `origin` is already normalised. */
    async frameAccess(appId: string, origin: string): Promise<FrameAccess> {
      const app = await registry.getApp(appId).catch((error: unknown) => {
        if (isAppError(error) && error.code === 'APP_NOT_FOUND') return undefined;
        throw error;
      });
      if (!app) return { ok: false, reason: 'APP_NOT_FOUND' };
      const frameAncestors = app.origins.filter((o) => CSP_SOURCE.test(o));
      if (!frameAncestors.includes(origin)) return { ok: false, reason: 'ORIGIN_NOT_REGISTERED' };
      return { ok: true, appName: app.name, frameAncestors };
    },
  };
}

export type Embed = ReturnType<typeof createEmbed>;
