import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Keys derived from the master key, one per purpose (HKDF-SHA256, RFC 5869), so a key used to
 * encrypt signing keys is never the one that MACs refresh tokens.
 */
export function deriveKey(masterKey: string, purpose: string): Buffer {
  const ikm = Buffer.from(masterKey, 'base64url');
  if (ikm.length !== 32) throw new TypeError('deriveKey: the master key must be 32 bytes of base64url.');
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `tollgate:${purpose}`, 32));
}

/** Thrown when sealed data was tampered with or sealed under another key. */
export class SealError extends Error {
  override name = 'SealError';
}

const VERSION = 'v1';

/**
 * AES-256-GCM with a random 96-bit nonce: `v1.<keyId>.<nonce>.<ciphertext+tag>` in base64url.
 * `aad` binds the ciphertext to its row (a kid, a user id) so a value cannot be moved to another.
 */
export function seal(key: Buffer, keyId: string, plaintext: string, aad: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, keyId, nonce.toString('base64url'), body.toString('base64url')].join('.');
}

export function sealedKeyId(sealed: string): string {
  const [version, keyId] = sealed.split('.');
  if (version !== VERSION || !keyId) throw new SealError('not a sealed value');
  return keyId;
}

export function unseal(key: Buffer, sealed: string, aad: string): string {
  const [version, , nonce, body] = sealed.split('.');
  if (version !== VERSION || !nonce || !body) throw new SealError('not a sealed value');
  const data = Buffer.from(body, 'base64url');
  if (data.length < 16) throw new SealError('sealed value too short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new SealError('sealed value does not authenticate (tampered, or sealed under another key)');
  }
}
