import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, envelope, parseEnvelope } from '../../widget/protocol/index';

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
