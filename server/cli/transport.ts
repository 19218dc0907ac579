import { randomBytes } from 'node:crypto';
import { createOperations, type OperationName, type OperationResult } from '../admin/operations';
import type { Config } from '../config';
import { migrateToLatest, openDatabase } from '../db/index';
import { AppError } from '../http/errors';
import { acquireLock, readLock, readSecretFile } from '../lib/data-dir';
import { createRegistry } from '../registry/service';
import { createIdentity } from '../identity/index';
import { loadOrCreateMasterKey } from '../lib/data-dir';
import { createLogger } from '../lib/logger';

export interface Transport {
  call<N extends OperationName>(name: N, input: unknown): Promise<OperationResult<N>>;
  close(): Promise<void>;
  /** Where the command ran: on the database itself or through the running server. */
  via: 'database' | 'server';
}

/**
 * Connects the CLI to Tollgate's data. PostgreSQL admits many processes, so the CLI opens it
 * directly. The embedded database admits one: if a server holds it, the CLI goes through that
 * server's admin API (token in the data directory); otherwise it opens the database itself.
 */
export async function connect(config: Config): Promise<Transport> {
  if (config.database.engine === 'pglite') {
    const holder = readLock(config.dataDir);
    if (holder?.kind === 'server' && holder.adminUrl) return httpTransport(holder.adminUrl, config.dataDir);
    if (holder?.kind === 'server') throw new AppError(409, 'DATABASE_BUSY', `the Tollgate server using ${config.dataDir} is still starting (pid ${holder.pid}); try again in a moment`);
    if (holder) throw new AppError(409, 'DATABASE_BUSY', `the embedded database in ${config.dataDir} is in use by another tollgate command (pid ${holder.pid}); try again`);
    const lock = acquireLock(config.dataDir, { pid: process.pid, kind: 'cli' });
    if (!lock.ok) throw new AppError(409, 'DATABASE_BUSY', `the embedded database in ${config.dataDir} is in use (pid ${lock.holder.pid}); try again`);
    try {
      return await databaseTransport(config, lock.release);
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  return databaseTransport(config, () => {});
}

async function databaseTransport(config: Config, release: () => void): Promise<Transport> {
  const database = await openDatabase(config.database);
  await migrateToLatest(database);
  const registry = createRegistry({ db: database.db });
  // On PostgreSQL the servers' key must be given: a key generated here would seal signing keys
  // no server can open. On the embedded database the data directory holds the one key.
  const masterKey = config.masterKey ?? (config.database.engine === 'pglite' ? loadOrCreateMasterKey(config.dataDir).key : undefined);
  const identity = createIdentity({ database, registry, config, masterKey: masterKey ?? randomBytes(32).toString('base64url'), logger: createLogger(config.logLevel) });
  const operations = createOperations({ registry, identity });
  return {
    via: 'database',
    async call(name, input) {
      if (!masterKey && name.startsWith('keys.')) {
        throw new AppError(400, 'MASTER_KEY_REQUIRED', 'set MASTER_KEY to the key your servers use before running `tollgate keys …`');
      }
      const operation = operations[name];
      const parsed = operation.input.safeParse(input);
      if (!parsed.success) {
        throw new AppError(400, 'VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
      }
      return (await (operation.run as (i: unknown) => Promise<unknown>)(parsed.data)) as never;
    },
    async close() {
      await database.close();
      release();
    },
  };
}

function httpTransport(adminUrl: string, dataDir: string): Transport {
  const token = readSecretFile(dataDir, 'admin.token');
  if (!token) throw new AppError(500, 'ADMIN_TOKEN_MISSING', `a server holds ${dataDir} but its admin token is missing; restart the server`);
  return {
    via: 'server',
    async call(name, input) {
      let res: Response;
      try {
        res = await fetch(`${adminUrl}/admin/rpc`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ op: name, input }),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        throw new AppError(503, 'SERVER_UNREACHABLE', `the running server at ${adminUrl} does not answer (${(error as Error).message})`);
      }
      const body = (await res.json().catch(() => ({}))) as { result?: unknown; error?: { code: string; message: string } };
      if (!res.ok || body.error) {
        throw new AppError(res.status as AppError['status'], body.error?.code ?? 'SERVER_ERROR', body.error?.message ?? `the server answered ${res.status}`);
      }
      return body.result as never;
    },
    async close() {},
  };
}
