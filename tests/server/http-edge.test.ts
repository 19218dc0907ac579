import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, testApp, type TestApp } from '../helpers/app';

let t: TestApp;
let registeredOrigin: string;

beforeAll(async () => {
  t = await testApp({
    assets: new Map([['/widget.js', { body: 'window.x=1', type: 'text/javascript; charset=utf-8', etag: '"abc"' }]]),
  });
  // Test-only routes, to reach the JSON edge and the error handler.
  t.app.post('/v1/echo', async (c) => c.json(await c.req.json()));
  t.app.get('/v1/boom', () => {
    throw new Error('database password is hunter2');
  });
  const { app } = await t.app.services.registry.createApp({ name: 'CORS app', origins: ['https://app-a.example'] });
  registeredOrigin = app.origins[0]!;
});
afterAll(() => t.close());

const expectErrorShape = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = await json(res);
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String), requestId: res.headers.get('x-request-id') }) });
  return body;
};

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await json(await t.app.request('/healthz'))).toEqual({ status: 'ok' });
    expect((await t.app.request('/readyz')).status).toBe(200);
  });

  it('exposes request counts by route pattern and status', async () => {
    await t.app.request('/healthz');
    await t.app.request('/no/such/route/123');
    const text = await (await t.app.request('/metrics')).text();
    expect(text).toMatch(/tollgate_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toMatch(/tollgate_http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
    expect(text).toContain('tollgate_http_request_duration_seconds_bucket');
    expect(text).not.toContain('/no/such/route/123');
  });

  it('protects /metrics with METRICS_TOKEN when set', async () => {
    const guarded = await testApp({ env: { METRICS_TOKEN: 'm'.repeat(20) } });
    try {
      await expectErrorShape(await guarded.app.request('/metrics'), 401, 'UNAUTHORIZED');
      const ok = await guarded.app.request('/metrics', { headers: { authorization: `Bearer ${'m'.repeat(20)}` } });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});

describe('the JSON error shape', () => {
  it('404 for an unknown route', async () => {
    await expectErrorShape(await t.app.request('/nope'), 404, 'NOT_FOUND');
  });

  it('405 with Allow for a known route and the wrong method', async () => {
    const res = await t.app.request('/healthz', { method: 'DELETE' });
    await expectErrorShape(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toContain('GET');
  });

  it('415 for a body that is not JSON', async () => {
    await expectErrorShape(
      await t.app.request('/v1/echo', { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectErrorShape(await t.app.request('/v1/echo', { method: 'POST', body: '{}' , headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each(['{', '{"a":', 'nul', '\u0000', '{"a":1}}'])('400 for malformed JSON %j', async (body) => {
    await expectErrorShape(
      await t.app.request('/v1/echo', { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
      400,
      'INVALID_JSON',
    );
  });

  it('413 for a body over the limit, by Content-Length or streamed', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(70 * 1024) });
    await expectErrorShape(
      await t.app.request('/v1/echo', { method: 'POST', body: big, headers: { 'content-type': 'application/json', 'content-length': String(big.length) } }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    await expectErrorShape(
      await t.app.request('/v1/echo', { method: 'POST', body: stream, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, duplex: 'half' } as RequestInit),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('accepts a body within the limit', async () => {
    const res = await t.app.request('/v1/echo', { method: 'POST', body: '{"a":[1,2]}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ a: [1, 2] });
  });

  it('500 without a stack or the error text', async () => {
    const res = await t.app.request('/v1/boom');
    const body = await expectErrorShape(res, 500, 'INTERNAL');
    expect(JSON.stringify(body)).not.toMatch(/hunter2|at |Error:/);
  });
});

describe('request ids', () => {
  it('gives each response an X-Request-Id', async () => {
    const a = (await t.app.request('/healthz')).headers.get('x-request-id');
    const b = (await t.app.request('/healthz')).headers.get('x-request-id');
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });
  it('keeps a well-formed incoming id and replaces a hostile one', async () => {
    expect((await t.app.request('/healthz', { headers: { 'x-request-id': 'trace-1234abcd' } })).headers.get('x-request-id')).toBe('trace-1234abcd');
    for (const value of ['x"}{"admin":true', 'a'.repeat(300), 'short']) {
      const replaced = (await t.app.request('/healthz', { headers: { 'x-request-id': value } })).headers.get('x-request-id');
      expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('security headers', () => {
  it('are on every response, with no Cross-Origin-Opener-Policy', async () => {
    for (const res of [await t.app.request('/healthz'), await t.app.request('/nope')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBeNull();
    }
  });
  it('serve /widget.js cross-origin, cacheable, with an ETag', async () => {
    const res = await t.app.request('/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await t.app.request('/widget.js', { headers: { 'if-none-match': '"abc"' } })).status).toBe(304);
  });
});

describe('CORS from the registry', () => {
  it('allows exactly a registered origin, never *', async () => {
    const res = await t.app.request('/v1/echo', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', origin: 'https://APP-A.example:443' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe(registeredOrigin);
    expect(res.headers.get('vary')).toContain('Origin');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it.each(['https://evil.example', 'null', 'https://app-a.example.evil.example', 'http://app-a.example', 'https://app-a.example/path'])(
    'gives %s no CORS headers',
    async (origin) => {
      const res = await t.app.request('/v1/echo', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', origin } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    },
  );

  it('answers a preflight from a registered origin and refuses others', async () => {
    const ok = await t.app.request('/v1/echo', {
      method: 'OPTIONS',
      headers: { origin: registeredOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(registeredOrigin);
    expect(ok.headers.get('access-control-allow-headers')).toContain('Authorization');
    const refused = await t.app.request('/v1/echo', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    await expectErrorShape(refused, 403, 'ORIGIN_NOT_ALLOWED');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('follows registry changes', async () => {
    const { app } = await t.app.services.registry.createApp({ name: 'Later', origins: [] });
    const ask = () => t.app.request('/v1/echo', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', origin: 'https://later.example' } });
    expect((await ask()).headers.get('access-control-allow-origin')).toBeNull();
    await t.app.services.registry.addOrigin(app.id, 'https://later.example');
    expect((await ask()).headers.get('access-control-allow-origin')).toBe('https://later.example');
    await t.app.services.registry.removeOrigin(app.id, 'https://later.example');
    expect((await ask()).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('OpenAPI', () => {
  it('publishes a 3.1 document generated from the route schemas', async () => {
    const doc = await json(await t.app.request('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/widget.js']));
  });
});
