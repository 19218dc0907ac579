import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, testApp, type TestApp } from '../helpers/app';

const TOKEN = `adm_${'t'.repeat(43)}`;
let t: TestApp;

beforeAll(async () => {
  t = await testApp({ adminToken: TOKEN });
});
afterAll(() => t.close());

const rpc = (body: unknown, token: string | null = TOKEN) =>
  t.app.request('/admin/rpc', {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });

describe('local admin API', () => {
  it('runs an operation with the admin token', async () => {
    const res = await rpc({ op: 'apps.create', input: { name: 'Via RPC', origins: ['https://rpc.example'] } });
    expect(res.status).toBe(200);
    const { result } = await json(res);
    expect(result.app.origins).toEqual(['https://rpc.example']);
    expect(result.secret).toMatch(/^sk_/);
    const list = await json(await rpc({ op: 'apps.list' }));
    expect(list.result.map((a: { id: string }) => a.id)).toContain(result.app.id);
  });

  it.each([null, 'wrong', `${TOKEN}x`])('refuses the token %j', async (token) => {
    const res = await rpc({ op: 'apps.list' }, token);
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('UNAUTHORIZED');
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'apps.drop'])('refuses the operation %s', async (op) => {
    const res = await rpc({ op });
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('UNKNOWN_OPERATION');
  });

  it('validates the input of an operation', async () => {
    const res = await rpc({ op: 'apps.show', input: { id: "app_x' or 1=1" } });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('VALIDATION_FAILED');
    const bad = await rpc({ op: 'apps.create', input: { name: 'X', origins: ['ftp://x'] } });
    expect((await json(bad)).error.code).toBe('INVALID_ORIGIN');
  });

  it('does not exist without a token (PostgreSQL deployments)', async () => {
    const plain = await testApp();
    try {
      const res = await plain.app.request('/admin/rpc', { method: 'POST', body: '{"op":"apps.list"}', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
