import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FRAME_KINDS,
  PROTOCOL_VERSION,
  createPortEndpoint,
  envelope,
  isProtocolError,
  parseEnvelope,
  readMessage,
  type MessageType,
  type PortEndpoint,
  type PortEndpointOptions,
  type PortLike,
} from '../../widget/protocol/index';

const valid = { tg: 1, id: 'abc123', type: 'ready', payload: { nonce: 'n' } };

describe('protocol envelope', () => {
  it('accepts a valid envelope and what envelope() builds', () => {
    expect(parseEnvelope(valid)).toEqual(valid);
    const built = envelope('hello', { appId: 'app_x' });
    expect(parseEnvelope(built)).toEqual(built);
    expect(built.tg).toBe(PROTOCOL_VERSION);
  });

  it.each([
    ['another version', { ...valid, tg: 2 }],
    ['a string version', { ...valid, tg: '1' }],
    ['no id', { ...valid, id: undefined }],
    ['a long id', { ...valid, id: 'x'.repeat(65) }],
    ['__proto__ as type', { ...valid, type: '__proto__' }],
    ['constructor as type', { ...valid, type: 'constructor' }],
    ['an upper-case type', { ...valid, type: 'Ready' }],
    ['an array payload', { ...valid, payload: [] }],
    ['a null payload', { ...valid, payload: null }],
    ['an array', [valid]],
    ['a string', JSON.stringify(valid)],
    ['null', null],
  ])('ignores %s', (_, data) => {
    expect(parseEnvelope(data)).toBeUndefined();
  });

  it('never throws on a hostile object', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('boom'); } });
    const getter = Object.defineProperty({ ...valid }, 'type', { get: () => { throw new Error('boom'); } });
    expect(parseEnvelope(hostile)).toBeUndefined();
    expect(parseEnvelope(getter)).toBeUndefined();
  });

  it('never throws, and accepts only what fits the envelope', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ tg: fc.constantFrom(1, 2, '1'), id: fc.string(), type: fc.string(), payload: fc.anything() })), (data) => {
        const result = parseEnvelope(data);
        if (result === undefined) return;
        expect(result.tg).toBe(1);
        expect(result.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
        expect(result.type).toMatch(/^[a-z][a-z0-9_.:-]{0,63}$/);
        expect(typeof result.payload === 'object' && result.payload !== null && !Array.isArray(result.payload)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Message types: each payload validated on receipt; anything else ignored, never thrown.

const NONCE = 'nonce0123456789abcdef';
const REF = /^[A-Za-z0-9_-]{1,64}$/;
const NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable'];
const isPlain = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string';

/** What each type accepts, written again independently of the validators. */
const oracle: Record<MessageType, (p: any) => boolean> = {
  ready: (p) => str(p.nonce) && /^[A-Za-z0-9_-]{16,64}$/.test(p.nonce) && (FRAME_KINDS as readonly unknown[]).includes(p.frame),
  hello: (p) => str(p.nonce) && /^[A-Za-z0-9_-]{16,64}$/.test(p.nonce) && str(p.appId) && /^app_[a-z0-9_]{4,60}$/.test(p.appId),
  request: (p) => str(p.method) && NAME.test(p.method) && !PROTO_NAMES.includes(p.method) && (p.params === undefined || isPlain(p.params)),
  response: (p) =>
    str(p.re) && REF.test(p.re) &&
    (p.ok === true || (p.ok === false && isPlain(p.error) && str(p.error.code) && /^[A-Z][A-Z0-9_]{0,63}$/.test(p.error.code) && str(p.error.message) && p.error.message.length <= 1000)),
  event: (p) => str(p.name) && NAME.test(p.name) && !PROTO_NAMES.includes(p.name),
};

/** Mostly valid values, often anything at all. */
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 4 }, fc.anything(), fc.string());
const name = maybe(fc.oneof(fc.constantFrom('getAccessToken', 'resize', 'a.b:c-d_e', ...PROTO_NAMES), fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,70}$/)));
const payloads: Record<MessageType, fc.Arbitrary<Record<string, unknown>>> = {
  ready: fc.record({ nonce: maybe(fc.stringMatching(/^[A-Za-z0-9_-]{10,70}$/)), frame: maybe(fc.constantFrom(...FRAME_KINDS, 'wallet')) }, { requiredKeys: [] }),
  hello: fc.record({ nonce: maybe(fc.constant(NONCE)), appId: maybe(fc.stringMatching(/^app_[a-z0-9_]{2,62}$/)) }, { requiredKeys: [] }),
  request: fc.record({ method: name, params: fc.oneof(fc.constant(undefined), fc.object(), fc.anything()) }, { requiredKeys: [] }),
  response: fc.record(
    {
      re: maybe(fc.stringMatching(/^[A-Za-z0-9_-]{0,70}$/)),
      ok: fc.oneof(fc.boolean(), fc.anything()),
      result: fc.anything(),
      error: maybe(fc.record({ code: maybe(fc.stringMatching(/^[A-Z][A-Z_]{0,70}$/)), message: maybe(fc.string({ maxLength: 1100 })) }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  ),
  event: fc.record({ name, data: fc.anything() }, { requiredKeys: [] }),
};
const TYPES = Object.keys(payloads) as MessageType[];

describe('message types', () => {
  it.each([
    ['ready', { nonce: NONCE, frame: 'balance' }],
    ['hello', { nonce: NONCE, appId: 'app_abcdefgh' }],
    ['request', { method: 'getAccessToken' }],
    ['request', { method: 'refresh', params: { force: true } }],
    ['response', { re: 'abc', ok: true, result: { accessToken: null } }],
    ['response', { re: 'abc', ok: false, error: { code: 'TIMEOUT', message: 'late' } }],
    ['event', { name: 'resize', data: { height: 120 } }],
  ] as const)('accepts a valid %s', (type, payload) => {
    const read = readMessage({ tg: 1, id: 'm1', type, payload }, [type]);
    expect(read).toEqual({ ok: true, message: { tg: 1, id: 'm1', type, payload } });
  });

  it('keeps only the fields it checked (a newer peer may add some)', () => {
    const read = readMessage({ tg: 1, id: 'm1', type: 'ready', payload: { nonce: NONCE, frame: 'login', extra: 1 } }, ['ready']);
    expect(read.ok && read.message.payload).toEqual({ nonce: NONCE, frame: 'login' });
  });

  it('says why it ignored a message', () => {
    expect(readMessage({ tg: 2, id: 'm1', type: 'ready', payload: {} }, ['ready'])).toEqual({ ok: false, reason: 'version' });
    expect(readMessage('hello', ['ready'])).toEqual({ ok: false, reason: 'invalid' });
    expect(readMessage({ tg: 1, id: 'm1', type: 'hello', payload: { nonce: NONCE, appId: 'app_abcdefgh' } }, ['ready'])).toEqual({ ok: false, reason: 'type' });
    expect(readMessage({ tg: 1, id: 'm1', type: 'ready', payload: { nonce: 'short', frame: 'login' } }, ['ready'])).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each(TYPES)('%s: arbitrary messages never throw and are accepted only when valid', (type) => {
    let accepted = 0;
    const message = fc.record({ tg: maybe(fc.constant(1)), id: maybe(fc.constant('m1')), type: fc.oneof({ arbitrary: fc.constant(type), weight: 4 }, fc.constantFrom(...TYPES, 'other')), payload: maybe(payloads[type]) });
    fc.assert(
      fc.property(fc.oneof({ arbitrary: message, weight: 4 }, fc.anything()), (data) => {
        const read = readMessage(data, [type]);
        const d = data as any;
        const shouldAccept = isPlain(d) && d.tg === 1 && str(d.id) && REF.test(d.id) && d.type === type && isPlain(d.payload) && oracle[type](d.payload);
        expect(read.ok).toBe(shouldAccept);
        if (read.ok) accepted++;
      }),
      { numRuns: 3000 },
    );
    // The generator reaches the valid cases too, not only the garbage.
    expect(accepted).toBeGreaterThan(30);
  });

  it('never throws on hostile payloads', () => {
    const boom = () => {
      throw new Error('boom');
    };
    const trap = new Proxy({}, { get: boom, has: boom, ownKeys: boom });
    for (const type of TYPES) {
      expect(readMessage({ tg: 1, id: 'm1', type, payload: trap }, [type])).toEqual({ ok: false, reason: 'invalid' });
      const getter = Object.defineProperty({}, type === 'request' ? 'method' : 'nonce', { get: boom, enumerable: true });
      expect(readMessage({ tg: 1, id: 'm1', type, payload: getter }, [type]).ok).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The port endpoint: requests, responses, events.

/** A port that records what is posted and lets the test deliver anything to the endpoint. */
function fakePort() {
  let listener: ((event: { data: unknown }) => void) | undefined;
  const posted: any[] = [];
  const port: PortLike = {
    postMessage: (message) => void posted.push(message),
    addEventListener: (_, l) => void (listener = l),
    removeEventListener: () => void (listener = undefined),
    start: () => {},
    close: () => {},
  };
  return { port, posted, deliver: (data: unknown) => listener?.({ data }) };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const request = (id: string, method: string, params?: object) => ({ tg: 1, id, type: 'request', payload: params ? { method, params } : { method } });

describe('port endpoint', () => {
  let open: PortEndpoint[] = [];
  afterEach(() => {
    for (const endpoint of open) endpoint.close();
    open = [];
  });
  const pair = (a: PortEndpointOptions = {}, b: PortEndpointOptions = {}) => {
    const channel = new MessageChannel();
    const ends = [createPortEndpoint(channel.port1, a), createPortEndpoint(channel.port2, b)] as const;
    open.push(...ends);
    return ends;
  };

  it('round-trips a request, an error with its code, and events both ways', async () => {
    const events: unknown[] = [];
    const [host, frame] = pair(
      { handlers: { getAccessToken: () => ({ accessToken: 'a.b.c' }) }, onEvent: (name, data) => events.push([name, data]) },
      { handlers: { ping: (params) => ({ pong: params?.n }), fail: () => Promise.reject(Object.assign(new Error('No user.'), { code: 'NOT_SIGNED_IN' })) } },
    );
    expect(await frame.request('getAccessToken')).toEqual({ accessToken: 'a.b.c' });
    expect(await host.request('ping', { n: 7 })).toEqual({ pong: 7 });
    const failed = await host.request('fail').catch((e) => e);
    expect(isProtocolError(failed)).toBe(true);
    expect(failed).toMatchObject({ code: 'NOT_SIGNED_IN', message: 'No user.' });
    const unknown = await host.request('nothingHere').catch((e) => e);
    expect(unknown).toMatchObject({ code: 'UNKNOWN_METHOD' });
    expect(frame.counters.snapshot()['unknown-method']).toBe(1);
    frame.emit('resize', { height: 120 });
    await vi.waitFor(() => expect(events).toEqual([['resize', { height: 120 }]]));
  });

  it('rejects with TIMEOUT when no answer comes, and with CLOSED when closed first', async () => {
    const { port } = fakePort();
    const endpoint = createPortEndpoint(port, { timeoutMs: 30 });
    const late = await endpoint.request('getAccessToken').catch((e) => e);
    expect(isProtocolError(late) && late.code).toBe('TIMEOUT');
    const pending = endpoint.request('getAccessToken');
    endpoint.close();
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(endpoint.request('getAccessToken')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('refuses developer misuse with a TypeError', async () => {
    const { port } = fakePort();
    const endpoint = createPortEndpoint(port);
    await expect(endpoint.request('__proto__')).rejects.toBeInstanceOf(TypeError);
    await expect(endpoint.request('ok', [] as never)).rejects.toBeInstanceOf(TypeError);
    expect(() => endpoint.emit('constructor')).toThrow(TypeError);
    expect(() => createPortEndpoint(port, { handlers: JSON.parse('{"__proto__": 1}') })).toThrow(TypeError);
    expect(() => createPortEndpoint(port, { handlers: { constructor: () => 1 } })).toThrow(TypeError);
  });

  it('keeps handlers in a fixed null-prototype table: Object.prototype names reach nothing', async () => {
    const { port, posted, deliver } = fakePort();
    const endpoint = createPortEndpoint(port, { handlers: { ping: () => 'pong' } });
    for (const [i, method] of PROTO_NAMES.entries()) deliver(request(`p${i}`, method));
    deliver({ tg: 1, id: 'x1', type: 'request', payload: JSON.parse('{"method":"ping","__proto__":{"polluted":true}}') });
    await flush();
    expect(({} as any).polluted).toBeUndefined();
    expect(endpoint.counters.snapshot().invalid).toBe(PROTO_NAMES.length);
    expect(posted).toEqual([{ tg: 1, id: expect.any(String), type: 'response', payload: { re: 'x1', ok: true, result: 'pong' } }]);
  });

  it('processes a repeated request id once', async () => {
    const { port, posted, deliver } = fakePort();
    let calls = 0;
    const endpoint = createPortEndpoint(port, { handlers: { charge: () => ++calls } });
    deliver(request('same-id', 'charge'));
    deliver(request('same-id', 'charge'));
    await flush();
    deliver(request('same-id', 'charge'));
    await flush();
    expect(calls).toBe(1);
    expect(posted).toHaveLength(1);
    expect(endpoint.counters.snapshot()).toMatchObject({ accepted: 1, duplicate: 2 });
  });

  it('ignores and counts a response to no request', async () => {
    const { port, deliver } = fakePort();
    const endpoint = createPortEndpoint(port);
    deliver({ tg: 1, id: 'r1', type: 'response', payload: { re: 'never-sent', ok: true, result: 1 } });
    expect(endpoint.counters.snapshot().unexpected).toBe(1);
  });

  it('arbitrary data never throws, and only valid requests reach a handler', async () => {
    const { port, deliver } = fakePort();
    const seen: unknown[] = [];
    const endpoint = createPortEndpoint(port, { handlers: { getAccessToken: (params) => void seen.push(params) }, onEvent: () => {} });
    const arbitrary = fc.oneof(
      fc.anything(),
      fc.record({ tg: fc.constantFrom(1, 2), id: fc.string(), type: fc.constantFrom('request', 'response', 'event', 'ready'), payload: fc.oneof(payloads.request, payloads.event, payloads.response, fc.anything()) }),
    );
    let valid = 0;
    fc.assert(
      fc.property(arbitrary, (data) => {
        const d = data as any;
        if (isPlain(d) && d.tg === 1 && d.type === 'request' && str(d.id) && REF.test(d.id) && isPlain(d.payload) && oracle.request(d.payload) && d.payload.method === 'getAccessToken') valid++;
        expect(() => deliver(data)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
    await flush();
    // Repeated ids are processed once, so at most one call per valid request.
    expect(seen.length).toBeLessThanOrEqual(valid);
    const counts = endpoint.counters.snapshot();
    expect(counts.accepted + counts.invalid + counts.version + counts.type + counts.duplicate + counts['unknown-method'] + counts.unexpected).toBe(3000);
  });
});

describe('protocol errors', () => {
  it('carry the userMessage every TollgateError has', async () => {
    const { ProtocolError, isProtocolError } = await import('../../widget/protocol/errors');
    const error = new ProtocolError('TIMEOUT', 'no answer within 10000 ms');
    expect(isProtocolError(error)).toBe(true);
    expect(error.userMessage).toMatch(/taking too long/);
    expect(new ProtocolError('CLOSED', 'x').userMessage).toMatch(/Reload/);
  });
});

