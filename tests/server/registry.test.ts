import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../server/registry/service';
import { testDatabase, type TestDatabase } from '../helpers/db';

let database: TestDatabase;
let registry: Registry;

beforeAll(async () => {
  database = await testDatabase();
  registry = createRegistry({ db: database.db });
});
afterAll(() => database.close());

const rowCount = async () => Number((await sql<{ n: number }>`select count(*)::int as n from apps`.execute(database.db)).rows[0]!.n);

describe('app registry', () => {
  it('creates an app with normalised origins and redirect URIs and a one-time secret', async () => {
    const { app, secret } = await registry.createApp({
      name: '  Media App ',
      origins: ['HTTPS://Media.Example:443', 'https://media.example', 'http://localhost:3000'],
      redirectUris: ['https://media.example/callback'],
      settings: { firstParty: true },
    });
    expect(app).toMatchObject({
      id: expect.stringMatching(/^app_[a-z2-7]{16}$/),
      name: 'Media App',
      origins: ['https://media.example', 'http://localhost:3000'],
      redirectUris: ['https://media.example/callback'],
      settings: { firstParty: true },
    });
    expect(secret).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(app.secretHint).toBe(`${secret.slice(0, 7)}…${secret.slice(-4)}`);
    expect(await registry.getApp(app.id)).toEqual(app);
    expect((await registry.authenticateSecret(secret))?.id).toBe(app.id);
  });

  it('stores only a hash of the secret', async () => {
    const { app, secret } = await registry.createApp({ name: 'Hashed' });
    const row = await database.db.selectFrom('apps').selectAll().where('id', '=', app.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(secret.slice(3));
  });

  it('rotates the secret: the old one stops working at once', async () => {
    const { app, secret: first } = await registry.createApp({ name: 'Rotating' });
    const { secret: second } = await registry.rotateSecret(app.id);
    expect(second).not.toBe(first);
    expect(await registry.authenticateSecret(first)).toBeUndefined();
    expect((await registry.authenticateSecret(second))?.id).toBe(app.id);
  });

  it.each(['', 'sk_short', `sk_${'a'.repeat(43)}`, `pk_${'a'.repeat(43)}`, `sk_${'a'.repeat(42)}'`])('refuses the secret %j', async (secret) => {
    expect(await registry.authenticateSecret(secret)).toBeUndefined();
  });

  it('adds and removes origins and redirect URIs, ignoring duplicates', async () => {
    const { app } = await registry.createApp({ name: 'Editable', origins: ['https://a.example'] });
    await registry.addOrigin(app.id, 'https://b.example');
    await registry.addOrigin(app.id, 'HTTPS://B.example:443');
    expect((await registry.getApp(app.id)).origins).toEqual(['https://a.example', 'https://b.example']);
    await registry.removeOrigin(app.id, 'https://A.example');
    expect((await registry.getApp(app.id)).origins).toEqual(['https://b.example']);
    await registry.addRedirectUri(app.id, 'https://b.example/cb');
    expect((await registry.getApp(app.id)).redirectUris).toEqual(['https://b.example/cb']);
    await registry.removeRedirectUri(app.id, 'https://b.example/cb');
    expect((await registry.getApp(app.id)).redirectUris).toEqual([]);
  });

  it('loses no edit when many run at once', async () => {
    const { app } = await registry.createApp({ name: 'Concurrent' });
    const origins = Array.from({ length: 25 }, (_, i) => `https://c${i}.example`);
    await Promise.all(origins.map((o) => registry.addOrigin(app.id, o)));
    expect((await registry.getApp(app.id)).origins.sort()).toEqual([...origins].sort());
  });

  it('answers origin membership per app', async () => {
    const { app: a } = await registry.createApp({ name: 'A', origins: ['https://shared.example', 'https://only-a.example'] });
    const { app: b } = await registry.createApp({ name: 'B', origins: ['https://shared.example'] });
    expect(await registry.isOriginOfApp(a.id, 'https://only-a.example')).toBe(true);
    expect(await registry.isOriginOfApp(b.id, 'https://only-a.example')).toBe(false);
    expect(await registry.isOriginOfApp(b.id, 'https://shared.example')).toBe(true);
    expect(await registry.isRegisteredOrigin('https://nobody.example')).toBe(false);
  });

  describe('bad input changes nothing', () => {
    it.each(['ftp://x', 'http://a.com/path', '*', 'https://*.a.com', 'https://u:p@a.com', 'not a url'])('origin %s', async (origin) => {
      const before = await rowCount();
      await expect(registry.createApp({ name: 'Bad', origins: [origin] })).rejects.toMatchObject({ status: 400, code: 'INVALID_ORIGIN' });
      expect(await rowCount()).toBe(before);
    });

    it('redirect URI with a fragment', async () => {
      await expect(registry.createApp({ name: 'Bad', redirectUris: ['https://a.com/cb#x'] })).rejects.toMatchObject({ code: 'INVALID_REDIRECT_URI' });
    });

    it('names that are empty or too long', async () => {
      await expect(registry.createApp({ name: '   ' })).rejects.toMatchObject({ code: 'INVALID_APP' });
      await expect(registry.createApp({ name: 'x'.repeat(101) })).rejects.toMatchObject({ code: 'INVALID_APP' });
    });

    it('an unknown app id', async () => {
      await expect(registry.getApp('app_doesnotexist')).rejects.toMatchObject({ status: 404, code: 'APP_NOT_FOUND' });
      await expect(registry.addOrigin('app_doesnotexist', 'https://a.com')).rejects.toMatchObject({ code: 'APP_NOT_FOUND' });
      await expect(registry.rotateSecret('app_doesnotexist')).rejects.toMatchObject({ code: 'APP_NOT_FOUND' });
    });

    it('an invalid origin on an existing app', async () => {
      const { app } = await registry.createApp({ name: 'Keep', origins: ['https://keep.example'] });
      await expect(registry.addOrigin(app.id, 'https://keep.example/x')).rejects.toMatchObject({ code: 'INVALID_ORIGIN' });
      expect((await registry.getApp(app.id)).origins).toEqual(['https://keep.example']);
    });
  });
});
