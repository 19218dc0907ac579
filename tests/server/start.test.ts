import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, freePort, runTollgate, spawnTollgate, tempDir, waitFor200, type Running } from '../helpers/process';

/**
 * `npm start` as a user runs it: build check, migrate, seed the demo, serve the server and the
 * two embed-demo origins. The demo origins are fixed (5173 and 5174), as the docs say.
 */
describe('npm start (the demo, embedded database)', () => {
  const dir = tempDir();
  let port: number;
  let server: Running;
  let base: string;

  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it('prints the URLs and answers /readyz within 15 s', async () => {
    port = await freePort();
    base = `http://localhost:${port}`;
    server = spawnTollgate('scripts/start.mjs', [], childEnv({ DATA_DIR: dir, PORT: String(port) }));
    const ms = await waitFor200(`http://127.0.0.1:${port}/readyz`, 15_000, server);
    expect(ms).toBeLessThan(15_000);
    await waitFor200('http://127.0.0.1:5174/', 5_000, server);
    const { stderr } = server.output();
    expect(stderr).toContain(`Tollgate is running at ${base}`);
    expect(stderr).toMatch(/Demo App A\s+http:\/\/localhost:5173\/\s+\(app_[a-z2-7]+\)/);
    expect(stderr).toMatch(/Demo App B\s+http:\/\/127\.0\.0\.1:5174\/\s+\(app_[a-z2-7]+\)/);
  });

  it('serves the demo host pages on two origins, each with its own app and the script tag', async () => {
    const seed = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8'));
    const [a, b] = seed.apps;
    const pageA = await (await fetch('http://localhost:5173/')).text();
    const pageB = await (await fetch('http://127.0.0.1:5174/')).text();
    expect(pageA).toContain(`<script src="${base}/widget.js" data-app-id="${a.id}" async></script>`);
    expect(pageB).toContain(`<script src="${base}/widget.js" data-app-id="${b.id}" async></script>`);
    const widget = await fetch(`${base}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    // The seeded apps registered exactly these origins: the server's CORS says so.
    const cors = await fetch(`${base}/v1/x`, { headers: { origin: 'http://127.0.0.1:5174' } });
    expect(cors.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5174');
  });

  it('puts the security headers on real responses, with a route\'s own value winning', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(health.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    expect(health.headers.get('x-frame-options')).toBe('DENY');
    expect(health.headers.get('cross-origin-opener-policy')).toBeNull();
    const page = await fetch(`${base}/login`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'"); // one value: the page's
    expect((await fetch(`${base}/widget.js`)).headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await fetch(`${base}/nope`, { headers: { 'x-request-id': 'trace-123456' } })).headers.get('x-request-id')).toBe('trace-123456');
  });

  it('finishes a request in flight on SIGTERM, then exits 0 and releases the database', async () => {
    const response = new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/slow', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.write('{"half":');
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end('1}'), 300);
      }, 200);
    });
    expect(await response).toBe(404); // answered, not cut off
    expect(await server.exited).toBe(0);
    expect(server.output().stderr).toContain('SIGTERM: shutting down');
    expect(existsSync(join(dir, 'lock.json'))).toBe(false);
  });

  it('keeps the same demo apps on restart', async () => {
    const first = readFileSync(join(dir, 'demo.json'), 'utf8');
    server = spawnTollgate('scripts/start.mjs', [], childEnv({ DATA_DIR: dir, PORT: String(port) }));
    await waitFor200(`http://127.0.0.1:${port}/readyz`, 15_000, server);
    expect(readFileSync(join(dir, 'demo.json'), 'utf8')).toBe(first);
    expect(await server.stop('SIGINT')).toBe(0);
  });
});

describe('start-up failures', () => {
  it.each([
    [{ PORT: 'abc' }, /^tollgate: invalid configuration: PORT must be an integer between 1 and 65535 \(got "abc"\)\n$/],
    [{ PUBLIC_URL: 'id.example.com' }, /^tollgate: invalid configuration: PUBLIC_URL must be an http\(s\) origin/],
    [{ DATABASE_URL: 'postgres://127.0.0.1:1/none' }, /^tollgate: cannot reach the database at postgres:\/\/127\.0\.0\.1:1\/none: .*ECONNREFUSED.*\n$/],
  ])('%j exits non-zero with one clear line and no stack', async (vars, message) => {
    const res = await runTollgate(['start'], childEnv({ DATA_DIR: tempDir(), ...vars }));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a taken demo port in one line and does not hang', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve, reject) => blocker.once('error', reject).listen(5174, '127.0.0.1', resolve));
    try {
      const res = await runTollgate(['start', '--demo'], childEnv({ DATA_DIR: tempDir(), PORT: String(await freePort()) }));
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('tollgate: port 5174 for the embed demo (http://127.0.0.1:5174) is already in use; stop the other process\n');
    } finally {
      blocker.close();
    }
  });

  it('refuses a master key that cannot open the signing keys, in one line', async () => {
    const dir = tempDir();
    const port = await freePort();
    const first = spawnTollgate('bin/tollgate.js', ['start'], childEnv({ DATA_DIR: dir, PORT: String(port) }));
    await waitFor200(`http://127.0.0.1:${port}/readyz`, 15_000, first);
    expect(await first.stop()).toBe(0);
    writeFileSync(join(dir, 'master.key'), `${'B'.repeat(43)}\n`);
    const res = await runTollgate(['start'], childEnv({ DATA_DIR: dir, PORT: String(port) }));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^tollgate: the signing keys in this database were sealed with another master key/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a port that is taken, in one line', async () => {
    const port = await freePort();
    const holder = spawnTollgate('bin/tollgate.js', ['start'], childEnv({ DATA_DIR: tempDir(), PORT: String(port) }));
    try {
      await waitFor200(`http://127.0.0.1:${port}/healthz`, 15_000, holder);
      const res = await runTollgate(['start'], childEnv({ DATA_DIR: tempDir(), PORT: String(port) }));
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`tollgate: port ${port} on 127.0.0.1 is already in use; stop the other process or set PORT\n`);
    } finally {
      await holder.stop();
    }
  });
});
