// `/assets/frames.js`: the frame code of the script-tag build, loaded on the first mount by
// lazy-frames.ts. It only hands `mountFrame` over (under a registered symbol, no global name).
import { mountFrame } from '../core/frames';

(window as unknown as Record<symbol, typeof mountFrame>)[Symbol.for('tollgate.frames')] = mountFrame;
