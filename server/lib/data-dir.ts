import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Files Tollgate keeps in its data directory (`./.tollgate` by default): the generated master
 * key, the admin token of a running server, and the lock that says who holds the embedded
 * database. Secrets are written with mode 0600.
 */
export function ensureDataDir(dir: string) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Reads the master key from the data directory, generating it on first use. */
export function loadOrCreateMasterKey(dir: string): { key: string; created: boolean } {
  ensureDataDir(dir);
  const file = join(dir, 'master.key');
  try {
    const key = readFileSync(file, 'utf8').trim();
    if (!/^[A-Za-z0-9_-]{43}$/.test(key)) throw new Error(`${file} does not hold a valid key; restore it or set MASTER_KEY`);
    return { key, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return { key, created: true };
  } catch (error) {
    // Another process created it between our read and write: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateMasterKey(dir);
    throw error;
  }
}

export interface LockInfo {
  pid: number;
  kind: 'server' | 'cli';
  /** Where a server's admin API answers. */
  adminUrl?: string;
}

/**
 * The embedded database admits one process. Whoever opens it takes this lock; a CLI that finds
 * a live server's lock talks to that server's admin API instead.
 */
export function readLock(dir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')) as LockInfo;
    if (typeof info.pid !== 'number') return undefined;
    if (!isAlive(info.pid)) return undefined;
    return info;
  } catch {
    return undefined;
  }
}

/** Takes the lock or returns the live holder. A lock left by a dead process is taken over. */
export function acquireLock(dir: string, info: LockInfo): { ok: true; release(): void } | { ok: false; holder: LockInfo } {
  ensureDataDir(dir);
  const file = join(dir, 'lock.json');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        ok: true,
        release() {
          if (released) return;
          released = true;
          const current = readLock(dir);
          if (!current || current.pid === info.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(dir);
      if (holder) return { ok: false, holder };
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

/** Updates the lock's contents (the server learns its address after it took the lock). */
export function updateLock(dir: string, info: LockInfo) {
  writeFileSync(join(dir, 'lock.json'), JSON.stringify(info), { mode: 0o600 });
}

export function writeSecretFile(dir: string, name: string, value: string) {
  ensureDataDir(dir);
  writeFileSync(join(dir, name), `${value}\n`, { mode: 0o600 });
}

export function removeSecretFile(dir: string, name: string) {
  rmSync(join(dir, name), { force: true });
}

export function readSecretFile(dir: string, name: string): string | undefined {
  try {
    return readFileSync(join(dir, name), 'utf8').trim();
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
