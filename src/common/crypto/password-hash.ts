// Password hashing with scrypt, stored as a self-describing PHC-style string so that the cost parameters
// can be raised later without invalidating existing hashes: $scrypt$ln=14,r=8,p=1$<salt>$<hash>.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

const DEFAULT_PARAMS: ScryptParams = { ln: 14, r: 8, p: 1 };
const KEY_BYTES = 64;
const SALT_BYTES = 16;
const MAX_PASSWORD_BYTES = 4096;
// Stored strings come from our own database, but they are still bounded so that a corrupted or planted
// row cannot make one verification allocate gigabytes or spin for minutes.
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;
// Standard base64 without padding, as the PHC string format specifies.
const PHC =
  /^\$scrypt\$ln=([0-9]{1,2}),r=([0-9]{1,2}),p=([0-9]{1,2})\$([A-Za-z0-9+/]{11,88})\$([A-Za-z0-9+/]{22,172})$/;

// What OpenSSL allocates for scrypt (the V array plus the B blocks); maxmem must cover it.
function scryptMemory({ ln, r, p }: ScryptParams): number {
  return 128 * r * (2 ** ln + 2 + p);
}

function deriveKey(password: string, salt: Buffer, keyBytes: number, params: ScryptParams): Promise<Buffer> {
  const options = { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: scryptMemory(params) + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function encodeB64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

export async function hashPassword(password: string): Promise<string> {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new Error(`password exceeds ${MAX_PASSWORD_BYTES} bytes`);
  }
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveKey(password, salt, KEY_BYTES, DEFAULT_PARAMS);
  const { ln, r, p } = DEFAULT_PARAMS;
  return `$scrypt$ln=${ln},r=${r},p=${p}$${encodeB64(salt)}$${encodeB64(hash)}`;
}

interface StoredHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function parseStored(stored: string): StoredHash | undefined {
  const match = PHC.exec(stored);
  if (match === null) return undefined;
  const [, ln, r, p, salt, hash] = match;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  if (params.ln < 1 || params.ln > MAX_LN || params.r < 1 || params.r > MAX_R) return undefined;
  if (params.p < 1 || params.p > MAX_P || scryptMemory(params) > MAX_SCRYPT_MEMORY) return undefined;
  // A base64 length of 1 mod 4 cannot come from any byte string.
  if (salt === undefined || hash === undefined || salt.length % 4 === 1 || hash.length % 4 === 1)
    return undefined;
  return { params, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** False for a wrong password and for any stored string that cannot be parsed; never throws. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  try {
    if (typeof password !== 'string' || typeof stored !== 'string') return false;
    if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return false;
    const parsed = parseStored(stored);
    if (parsed === undefined) return false;
    const derived = await deriveKey(password, parsed.salt, parsed.hash.length, parsed.params);
    return timingSafeEqual(derived, parsed.hash);
  } catch {
    return false;
  }
}
