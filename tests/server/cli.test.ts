import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase32 } from '../../server/lib/random';
import { POSTGRES_URL } from '../helpers/db';
import { childEnv, freePort, runTollgate, spawnTollgate, tempDir, waitFor200 } from '../helpers/process';
import { openDatabase } from '../../server/db/index';
import { sql } from 'kysely';

// On PostgreSQL the CLI works in a schema of this file's own; on PGlite in a data dir of its own.
const schema = `t_cli_${randomBase32(6)}`;
const dataDir = tempDir();
const MASTER_KEY = randomBytes(32).toString('base64url');
const env = childEnv(POSTGRES_URL ? { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema, DATA_DIR: dataDir, MASTER_KEY } : { DATA_DIR: dataDir });

afterAll(async () => {
  if (!POSTGRES_URL) return;
  const db = await openDatabase({ engine: 'postgres', url: POSTGRES_URL, schema: 'public', poolMax: 1 });
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db.db);
  await db.close();
});

const tollgate = (...args: string[]) => runTollgate(args, env);

describe('tollgate CLI (child process)', () => {
  let appId: string;

  it('creates an app and prints its id and its secret once', async () => {
    const res = await tollgate('apps', 'create', '--name', 'Media App', '--origin', 'HTTPS://Media.Example', '--origin', 'http://localhost:3000', '--redirect-uri', 'https://media.example/cb');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    appId = res.stdout.match(/^(app_[a-z2-7]+)\s+Media App$/m)![1]!;
    expect(res.stdout).toContain('origins:       https://media.example, http://localhost:3000');
    expect(res.stdout).toMatch(/Secret key \(shown once.*\n\s+sk_[A-Za-z0-9_-]{43}\n/);
  });

  it('lists and shows apps, without their secrets', async () => {
    const list = await tollgate('apps', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${appId}  Media App  https://media.example http://localhost:3000`);
    const show = await tollgate('apps', 'show', appId, '--json');
    expect(show.code).toBe(0);
    const app = JSON.parse(show.stdout);
    expect(app).toMatchObject({ id: appId, name: 'Media App', redirectUris: ['https://media.example/cb'] });
    expect(show.stdout).not.toMatch(/sk_[A-Za-z0-9_-]{43}/);
  });

  it('adds and removes origins', async () => {
    expect((await tollgate('apps', 'add-origin', appId, 'https://Second.example:443')).code).toBe(0);
    expect(JSON.parse((await tollgate('apps', 'show', appId, '--json')).stdout).origins).toContain('https://second.example');
    expect((await tollgate('apps', 'remove-origin', appId, 'https://second.example')).code).toBe(0);
    expect(JSON.parse((await tollgate('apps', 'show', appId, '--json')).stdout).origins).not.toContain('https://second.example');
  });

  it('marks an app first-party, so users skip the consent click', async () => {
    const on = await tollgate('apps', 'set-first-party', appId, 'on', '--json');
    expect(on.code).toBe(0);
    expect(JSON.parse(on.stdout).settings).toEqual({ firstParty: true });
    expect((await tollgate('apps', 'show', appId)).stdout).toContain('first-party:   yes');
    expect(JSON.parse((await tollgate('apps', 'set-first-party', appId, 'off', '--json')).stdout).settings).toEqual({ firstParty: false });
    const created = await tollgate('apps', 'create', '--name', 'Own', '--first-party', '--json');
    expect(JSON.parse(created.stdout).settings).toEqual({ firstParty: true });
  });

  it('rotates the secret', async () => {
    const res = await tollgate('apps', 'rotate-secret', appId, '--json');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).secret).toMatch(/^sk_/);
  });

  it('creates users, lists them and changes roles; keys rotate; the audit log shows it all', async () => {
    const created = await tollgate('users', 'create', '--email', 'Admin@Example.com', '--password', 'long enough pw', '--name', 'Root', '--role', 'admin');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const userId = created.stdout.trim();
    expect(userId).toMatch(/^usr_[a-z2-7]{16}$/);
    expect((await tollgate('users', 'list')).stdout).toContain(`${userId}  admin@example.com  admin`);
    const demoted = await tollgate('users', 'set-role', userId, 'user', '--json');
    expect(JSON.parse(demoted.stdout)).toMatchObject({ id: userId, role: 'user' });
    const taken = await tollgate('users', 'create', '--email', 'admin@example.com', '--password', 'long enough pw');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already exists/);
    const weak = await tollgate('users', 'create', '--email', 'weak@example.com', '--password', 'short');
    expect(weak.code).toBe(1);
    expect((await tollgate('users', 'set-role', 'usr_aaaaaaaaaaaaaaaa', 'admin')).code).toBe(1);
    expect((await tollgate('users', 'set-role', userId, 'superuser')).code).toBe(2);

    const rotated = JSON.parse((await tollgate('keys', 'rotate', '--json')).stdout);
    expect(rotated.kid).toMatch(/^k_/);
    if (POSTGRES_URL) {
      // Without the servers' key the CLI must not seal keys no server could open.
      const { MASTER_KEY: _, ...keyless } = env;
      const refused = await runTollgate(['keys', 'rotate'], keyless);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/set MASTER_KEY to the key your servers use/);
    }
    const audit = await tollgate('audit', 'tail', '--json');
    const events = audit.stdout.trim().split('\n').map((l) => JSON.parse(l).event);
    expect(events).toEqual(expect.arrayContaining(['user_created', 'role_changed', 'key_rotated']));
  });

  let before = '';
  it('takes a snapshot before the bad input', async () => {
    before = (await tollgate('apps', 'list', '--json')).stdout;
    expect(JSON.parse(before)).toHaveLength(2);
  });

  it.each([
    [['apps', 'create', '--name', 'X', '--origin', 'ftp://x'], 1, /^tollgate: Invalid origin: "ftp:\/\/x" must use http or https\.\n$/],
    [['apps', 'create', '--name', 'X', '--origin', 'http://a.com/path'], 1, /must be an origin \(scheme:\/\/host\[:port\]\) with no path/],
    [['apps', 'create', '--name', 'X', '--origin', '*'], 1, /Invalid origin: "\*" is not a URL/],
    [['apps', 'show', 'app_unknown123'], 1, /^tollgate: No app has the id "app_unknown123"\.\n$/],
    [['apps', 'add-origin', 'app_unknown123', 'https://a.example'], 1, /No app has the id/],
    [['apps', 'show', 'not-an-id'], 1, /id: an app id such as app_/],
    [['apps', 'create', '--origin', 'https://a.example'], 2, /usage: tollgate apps create --name N/],
    [['apps', 'show'], 2, /usage: tollgate apps show APP_ID/],
    [['apps', 'explode'], 2, /unknown command "apps explode"/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['apps', 'list', '--bogus'], 2, /Unknown option '--bogus'/],
    [['apps', 'list', 'extra'], 2, /^tollgate: usage: tollgate apps list\n/],
    [['keygen', 'extra'], 2, /usage: tollgate keygen \(it takes no arguments\)/],
    [[], 2, /^tollgate: missing command\n/],
    [['users', 'create', '--email', 'x@example.com'], 2, /usage: tollgate users create --email E --password P/],
    [['keys', 'explode'], 2, /unknown command "keys explode"/],
    [['apps', 'set-first-party', 'app_unknown123', 'maybe'], 2, /usage: tollgate apps set-first-party APP_ID on\|off/],
    [['audit', 'tail', '--limit', 'lots'], 2, /--limit must be an integer/],
  ])('refuses %j with exit %i and a clear message', async (args, code, message) => {
    const res = await tollgate(...args);
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('changed nothing on bad input', async () => {
    expect((await tollgate('apps', 'list', '--json')).stdout).toBe(before);
  });

  it('names a bad variable and an unreachable database in one line', async () => {
    const bad = await runTollgate(['apps', 'list'], { ...env, DATABASE_URL: 'mysql://nope' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('tollgate: invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// connection URL\n');
    const down = await runTollgate(['apps', 'list'], { ...env, DATABASE_URL: 'postgres://tg:secret-pw@127.0.0.1:1/none' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^tollgate: cannot reach the database at postgres:\/\/tg:\*\*\*@127\.0\.0\.1:1\/none: .*ECONNREFUSED.*\n$/);
    expect(down.stderr).not.toContain('secret-pw');
  });
});

describe.skipIf(POSTGRES_URL)('tollgate CLI while the server holds the embedded database', () => {
  const dir = tempDir();
  let port: number;
  let serverEnv: NodeJS.ProcessEnv;
  let server: ReturnType<typeof spawnTollgate>;

  beforeAll(async () => {
    port = await freePort();
    serverEnv = childEnv({ DATA_DIR: dir, PORT: String(port) });
    server = spawnTollgate('bin/tollgate.js', ['start'], serverEnv);
    await waitFor200(`http://127.0.0.1:${port}/readyz`, 30_000, server);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it('goes through the running server, which sees the change at once', async () => {
    const created = await runTollgate(['apps', 'create', '--name', 'Live', '--origin', 'https://live.example', '--json'], serverEnv);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.stdout);
    // The server's CORS now allows the new origin: the CLI wrote through it, not around it.
    const res = await fetch(`http://127.0.0.1:${port}/v1/anything`, { headers: { origin: 'https://live.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://live.example');
    expect((await runTollgate(['apps', 'show', id], serverEnv)).stdout).toContain('https://live.example');
  });

  it('refuses a second server on the same embedded database', async () => {
    const second = await runTollgate(['start'], { ...serverEnv, PORT: String(await freePort()) });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^tollgate: the embedded database in .* is in use by a running Tollgate server \(pid \d+\)/);
  });

  it('answers the admin API on loopback only, even with the right token', async () => {
    const token = readFileSync(join(dir, 'admin.token'), 'utf8').trim();
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // a machine with loopback only has no other address to try
    const wide = await freePort();
    const exposed = spawnTollgate('bin/tollgate.js', ['start'], childEnv({ DATA_DIR: tempDir(), PORT: String(wide), HOST: '0.0.0.0' }));
    try {
      await waitFor200(`http://127.0.0.1:${wide}/readyz`, 30_000, exposed);
      const res = await fetch(`http://${external.address}:${wide}/admin/rpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{"op":"apps.list"}',
      });
      expect(res.status).toBe(403);
    } finally {
      await exposed.stop();
    }
  }, 60_000);

  it('releases the database on SIGTERM; the CLI then opens it itself and finds the same app', async () => {
    expect(await server.stop()).toBe(0);
    expect(existsSync(join(dir, 'lock.json'))).toBe(false);
    expect(existsSync(join(dir, 'admin.token'))).toBe(false);
    expect((await runTollgate(['apps', 'list'], childEnv({ DATA_DIR: dir }))).stdout).toContain('Live');
  });
});
