// RFC 6238 TOTP as Keystone checks it (keystone/auth/plugins/totp.py): the credential blob is a base32
// secret, passcodes are 6 digits of HMAC-SHA1 over 30-second steps, and the current step plus
// `previousWindows` earlier ones are accepted (Keystone [totp] included_previous_windows).
import { createHmac, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_SECONDS = 30;
const DIGITS = 6;

/** Decodes base32 (case-insensitive, padding and spaces ignored); undefined when it is not base32. */
export function decodeBase32(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  if (clean.length === 0) return undefined;
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const index = ALPHABET.indexOf(ch);
    if (index < 0) return undefined;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The passcode of one time step. */
export function totpAt(secret: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return code.toString().padStart(DIGITS, '0');
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / STEP_SECONDS);
}

/** True when passcode is the code of the current step or of one of the previousWindows steps before it. */
export function verifyTotp(base32Secret: string, passcode: string, nowMs: number, previousWindows: number) {
  const secret = decodeBase32(base32Secret);
  if (!secret || !/^[0-9]{6}$/.test(passcode)) return false;
  const given = Buffer.from(passcode);
  const current = totpStep(nowMs);
  let ok = false;
  // Every window is computed (no early exit) so the time taken does not say which one matched.
  for (let step = current - previousWindows; step <= current; step += 1) {
    if (timingSafeEqual(Buffer.from(totpAt(secret, step)), given)) ok = true;
  }
  return ok;
}
