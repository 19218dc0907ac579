import { Hono } from 'hono';
import { z } from '@hono/zod-openapi';
import { renderErrorPage } from '../identity/pages';
import { normaliseOrigin } from '../registry/origin';
import type { Registry } from '../registry/service';
import { createEmbed } from './service';
import { renderFramePage } from './page';

const FRAMES = { login: 'Sign in', purchase: 'Buy credits', subscription: 'Subscription', balance: 'Credit balance' } as const;
type Frame = keyof typeof FRAMES;

/** The frame URL's query, as `mountFrame` builds it. Each parameter exactly once. */
const FrameQuery = z.object({
  appId: z.string().regex(/^app_[a-z0-9_]{4,60}$/),
  origin: z.string().min(1).max(2048),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  v: z.literal('1'),
});

/**
 * `GET /embed/{login|purchase|subscription|balance}?appId&origin&nonce&v`: the frames the
 * widget mounts. The frame posts its `ready` to `origin` only because this route has checked
 * that the app registered it; anything else gets a script-free page that cannot be framed.
 */
export function embedRoutes({ registry }: { registry: Pick<Registry, 'getApp'> }) {
  const embed = createEmbed({ registry });
  const router = new Hono();

  router.get('/embed/:frame', async (c) => {
    const frame = c.req.param('frame');
    if (!Object.hasOwn(FRAMES, frame)) {
      return renderErrorPage(c, { status: 404, title: 'No such frame', message: `Tollgate has no "${frame.slice(0, 40)}" frame. Frames: ${Object.keys(FRAMES).join(', ')}.` });
    }
    const all = c.req.queries();
    const single = Object.fromEntries(Object.entries(all).map(([key, values]) => [key, values.length === 1 ? values[0] : undefined]));
    const query = FrameQuery.safeParse(single);
    const origin = query.success ? normaliseOrigin(query.data.origin) : undefined;
    if (!query.success || !origin?.ok) {
      return renderErrorPage(c, {
        status: 400,
        title: 'This frame link is not valid',
        message: 'A frame URL needs appId, origin (scheme://host[:port]), nonce (16 to 64 characters) and v=1, each once. Mount frames with the Tollgate widget.',
      });
    }
    const { appId, nonce } = query.data;
    const access = await embed.frameAccess(appId, origin.value);
    if (!access.ok) {
      const message =
        access.reason === 'APP_NOT_FOUND'
          ? `No app has the id "${appId}".`
          : `${origin.value} is not registered for this app, so its frames cannot be shown there. Register it with \`tollgate apps add-origin ${appId} ${origin.value}\`.`;
      return renderErrorPage(c, { status: 403, title: 'This frame cannot be shown here', message });
    }
    return renderFramePage(c, {
      title: FRAMES[frame as Frame],
      frameAncestors: access.frameAncestors,
      data: { page: 'embed', frame, appId, origin: origin.value, nonce, app: { name: access.appName } },
    });
  });
  return router;
}
