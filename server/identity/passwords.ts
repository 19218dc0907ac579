import { hash, verify } from '@node-rs/argon2';

/** argon2id with the OWASP minimum (m=19 MiB, t=2, p=1), the library's defaults. */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFC'), OPTIONS);
}

// Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
let dummy: Promise<string> | undefined;

/** Constant-work check: always runs one argon2 verification, whether or not there is a hash. */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  const target = stored ?? (await (dummy ??= hashPassword('dummy password for timing')));
  try {
    const ok = await verify(target, password.normalize('NFC'));
    return ok && stored != null;
  } catch {
    return false;
  }
}
