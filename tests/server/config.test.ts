import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';

describe('configuration', () => {
  it('needs nothing set for local use', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 8787,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8787',
      bodyLimit: 65536,
      database: { engine: 'pglite' },
    });
    expect(config.dataDir).toMatch(/\.tollgate$/);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/tg', DATABASE_SCHEMA: 'tollgate' });
    expect(config.database).toEqual({ engine: 'postgres', url: 'postgres://u:p@db:5432/tg', schema: 'tollgate', poolMax: 10 });
  });

  it('normalises PUBLIC_URL to an origin', () => {
    expect(loadConfig({ PUBLIC_URL: 'HTTPS://ID.Example.com:443/' }).publicUrl).toBe('https://id.example.com');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(8787);
  });

  it.each([
    ['PORT', 'abc', /^invalid configuration: PORT must be an integer between 1 and 65535 \(got "abc"\)$/],
    ['PORT', '70000', /PORT must be an integer between 1 and 65535/],
    ['PUBLIC_URL', 'https://id.example.com/path', /PUBLIC_URL must be an http\(s\) origin/],
    ['PUBLIC_URL', 'ftp://x', /PUBLIC_URL must be an http\(s\) origin/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection URL$/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal, error/],
    ['BODY_LIMIT', '10', /BODY_LIMIT must be an integer number of bytes between 1024/],
    ['MASTER_KEY', 'short', /MASTER_KEY must be 32 random bytes in base64url/],
    ['NODE_ENV', 'staging', /NODE_ENV must be development, production or test/],
    ['TRUST_PROXY', 'maybe', /TRUST_PROXY must be true or false/],
    ['DATABASE_SCHEMA', 'Robert"); drop', /DATABASE_SCHEMA must be a lower-case SQL identifier/],
  ])('rejects %s=%s with one line naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('never echoes a secret value', () => {
    const secret = 'postgres-but-not-really://user:hunter2@host/db';
    expect(() => loadConfig({ DATABASE_URL: secret })).toThrow(/DATABASE_URL must be/);
    try {
      loadConfig({ DATABASE_URL: secret, MASTER_KEY: 'hunter2hunter2' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('lists every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT must .*; LOG_LEVEL must/);
  });

  it('requires MASTER_KEY in production on PostgreSQL, where instances must share it', () => {
    const prod = { NODE_ENV: 'production', PUBLIC_URL: 'https://id.example.com', SMTP_URL: 'smtps://u:p@smtp.example.com' };
    expect(() => loadConfig({ ...prod, DATABASE_URL: 'postgres://db/tg' })).toThrow(/MASTER_KEY must be set in production/);
    const key = 'A'.repeat(43);
    expect(loadConfig({ ...prod, DATABASE_URL: 'postgres://db/tg', MASTER_KEY: key }).masterKey).toBe(key);
    expect(loadConfig(prod).host).toBe('0.0.0.0');
  });

  it('requires an https PUBLIC_URL and SMTP_URL in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://x' })).toThrow(/PUBLIC_URL must be set in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://x', PUBLIC_URL: 'http://id.example.com' })).toThrow(/PUBLIC_URL must be https in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://id.example.com' })).toThrow(/SMTP_URL must be set in production/);
    expect(loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://x', PUBLIC_URL: 'http://localhost:8787' }).publicUrl).toBe('http://localhost:8787');
  });

  it.each(['BODY_LIMIT', 'DATABASE_POOL_MAX', 'SHUTDOWN_TIMEOUT_MS', 'ACCESS_TOKEN_TTL_SECONDS', 'SESSION_IDLE_DAYS'])('says what %s expects when it is not a number', (name) => {
    expect(() => loadConfig({ [name]: 'lots' })).toThrow(new RegExp(`^invalid configuration: ${name} must be an integer`));
  });
});
