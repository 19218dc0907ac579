import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { randomBase32 } from '../lib/random';
import { deriveKey, seal, SealError, unseal } from '../lib/sealing';

/** The database's signing keys were sealed under another master key. */
export class MasterKeyMismatchError extends Error {
  override name = 'MasterKeyMismatchError';
  constructor() {
    super('the signing keys in this database were sealed with another master key; set MASTER_KEY (or DATA_DIR/master.key) to the key this database was set up with');
  }
}

type Key = Awaited<ReturnType<typeof importJWK>>;
interface KeySet {
  at: number;
  active: { kid: string; key: Key };
  /** Published keys (active and retiring) by kid: their public halves, for JWKS and verification. */
  published: Map<string, { jwk: JWK; publicKey: Key }>;
}

/** How long another instance's rotation may take to reach this one. */
const RELOAD_MS = 60_000;
const MASTER_KEY_ID = 'mk1';

export type SigningKeys = ReturnType<typeof createSigningKeys>;

/**
 * ES256 signing keys in the database, private halves sealed with a key derived from the master
 * key. One key signs; keys being retired stay published in the JWKS until `retire`, so tokens
 * they signed keep verifying after a rotation.
 */
export function createSigningKeys({ db, masterKey }: { db: Kysely<Database>; masterKey: string }) {
  const sealingKey = deriveKey(masterKey, 'signing-keys');
  let cache: KeySet | undefined;
  let loading: Promise<KeySet> | undefined;
  let lastMissReload = 0;

  async function load(): Promise<KeySet> {
    let rows = await db.selectFrom('signing_keys').selectAll().where('status', 'in', ['active', 'retiring']).execute();
    if (!rows.some((r) => r.status === 'active')) {
      // First start: make the first key. Two instances racing hit the unique index; the loser re-reads.
      await createWith(db).catch(() => undefined);
      rows = await db.selectFrom('signing_keys').selectAll().where('status', 'in', ['active', 'retiring']).execute();
    }
    const published = new Map<string, { jwk: JWK; publicKey: Key }>();
    let active: KeySet['active'] | undefined;
    for (const row of rows) {
      const jwk = row.public_jwk as JWK;
      published.set(row.kid, { jwk, publicKey: await importJWK(jwk, 'ES256') });
      if (row.status !== 'active') continue;
      let privateJwk: string;
      try {
        privateJwk = unseal(sealingKey, row.private_jwk_enc, row.kid);
      } catch (error) {
        throw error instanceof SealError ? new MasterKeyMismatchError() : error;
      }
      active = { kid: row.kid, key: await importJWK(JSON.parse(privateJwk), 'ES256') };
    }
    if (!active) throw new Error('no active signing key');
    cache = { at: Date.now(), active, published };
    return cache;
  }

  async function keys(): Promise<KeySet> {
    if (cache && Date.now() - cache.at < RELOAD_MS) return cache;
    loading ??= load().finally(() => (loading = undefined));
    return loading;
  }

  return {
    /** The key that signs now. */
    async active() {
      return (await keys()).active;
    },
    /** The public JWK Set (RFC 7517): every key whose tokens may still be live. */
    async jwks(): Promise<{ keys: JWK[] }> {
      return { keys: [...(await keys()).published.values()].map((k) => k.jwk) };
    },
    /** A published public key by kid, reloading at most every 5 s on a miss (another instance rotated). */
    async publicKey(kid: string | undefined): Promise<Key | undefined> {
      if (!kid) return undefined;
      let set = await keys();
      if (!set.published.has(kid) && Date.now() - lastMissReload > 5_000) {
        lastMissReload = Date.now();
        cache = undefined;
        set = await keys();
      }
      return set.published.get(kid)?.publicKey;
    },
    /** Adds a new signing key; the old one stays published as `retiring`. */
    async rotate(): Promise<{ kid: string; retiring: string[] }> {
      // A wrong master key must fail here, before it seals a key no server could open.
      await keys();
      const kid = await db.transaction().execute(async (trx) => {
        const old = await trx.updateTable('signing_keys').set({ status: 'retiring', rotated_at: new Date() }).where('status', '=', 'active').returning('kid').execute();
        const next = await createWith(trx);
        return { kid: next, retiring: old.map((r) => r.kid) };
      });
      cache = undefined;
      return kid;
    },
    /**
     * Stops publishing retiring keys that left the active role at least `minAgeMs` ago, so no
     * token they signed can still be live. Returns what was retired and what must wait.
     */
    async retire(minAgeMs: number): Promise<{ retired: string[]; waiting: string[] }> {
      const cutoff = new Date(Date.now() - minAgeMs);
      const rows = await db
        .updateTable('signing_keys')
        .set({ status: 'retired', retired_at: new Date() })
        .where('status', '=', 'retiring')
        .where('rotated_at', '<=', cutoff)
        .returning('kid')
        .execute();
      const waiting = await db.selectFrom('signing_keys').select('kid').where('status', '=', 'retiring').execute();
      cache = undefined;
      return { retired: rows.map((r) => r.kid), waiting: waiting.map((r) => r.kid) };
    },
  };

  /** Inserts a new active key (the caller has demoted the old one, or there was none). */
  async function createWith(trx: Kysely<Database>): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `k_${randomBase32(10)}`;
    await trx
      .insertInto('signing_keys')
      .values({
        kid,
        alg: 'ES256',
        public_jwk: JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }),
        private_jwk_enc: seal(sealingKey, MASTER_KEY_ID, JSON.stringify(await exportJWK(privateKey)), kid),
        status: 'active',
      })
      .execute();
    return kid;
  }
}
