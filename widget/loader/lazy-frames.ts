// In the script-tag build, `mountFrame` is this stand-in: the frame code (protocol, handshake,
// port) loads from the Tollgate origin the first time a frame is mounted, so pages that only
// sign in never download it and `/widget.js` stays small. Same signature as core/frames.ts.
import type { mountFrame as realMountFrame, MountedFrame } from '../core/frames';
import { ProtocolError, type Counts } from '../protocol/index';
import { tollgateError } from '../core/errors';

type MountFrame = typeof realMountFrame;

/** Where `/assets/frames.js` (frames-entry.ts) leaves the real `mountFrame`. */
const FRAMES_KEY = Symbol.for('tollgate.frames');
const slot = () => window as unknown as Record<symbol, MountFrame | undefined>;
let loading: Promise<MountFrame> | undefined;

function load(server: string): Promise<MountFrame> {
  const loaded = slot()[FRAMES_KEY];
  if (loaded) return Promise.resolve(loaded);
  return (loading ??= new Promise<MountFrame>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = new URL('/assets/frames.js', server).href;
    const fail = () => {
      loading = undefined; // the next mount tries again
      script.remove();
      reject(tollgateError('NETWORK_ERROR', `${script.src} could not be loaded.`));
    };
    script.onerror = fail;
    script.onload = () => {
      const mount = slot()[FRAMES_KEY];
      if (mount) resolve(mount);
      else fail();
    };
    document.head.appendChild(script);
  }));
}

export const mountFrame: MountFrame = (element, kind, options) => {
  let frame: MountedFrame | undefined;
  let closed = false;
  const mounted = load(options.server).then((mount) => {
    if (closed) throw new ProtocolError('CLOSED', `The ${kind} frame was unmounted before it loaded.`);
    return (frame = mount(element, kind, options));
  });
  const ready = mounted.then((f) => f.ready);
  ready.catch(() => {});
  return {
    ready,
    request: (method, params) => mounted.then((f) => f.request(method, params)),
    emit: (name, data) => void mounted.then((f) => f.emit(name, data), () => {}),
    unmount() {
      closed = true;
      frame?.unmount();
    },
    stats: () => frame?.stats() ?? ({} as Counts),
  };
};
