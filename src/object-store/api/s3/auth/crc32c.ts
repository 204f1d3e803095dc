// CRC-32C (Castagnoli), the checksum behind x-amz-checksum-crc32c: reflected polynomial 0x82F63B78,
// initial value and final xor 0xFFFFFFFF. Node has no native CRC-32C, so this is table-driven
// slice-by-8, which reads eight bytes per step through eight 256-entry tables.
const POLYNOMIAL = 0x82f63b78;

/** Eight tables of 256 entries, flat: table k starts at k * 256. */
const TABLES = buildTables();

function buildTables(): Int32Array {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    tables[n] = c;
  }
  // Table k advances a byte's contribution through k further zero bytes.
  for (let n = 0; n < 256; n++) {
    let c = tables[n]!;
    for (let k = 1; k < 8; k++) {
      c = tables[c & 0xff]! ^ (c >>> 8);
      tables[k * 256 + n] = c;
    }
  }
  return tables;
}

/** Folds `data` into a CRC-32C register (pre-inverted state; see Crc32c for the whole algorithm). */
function updateRegister(register: number, data: Uint8Array): number {
  const t = TABLES;
  let c = register;
  let i = 0;
  const fastEnd = data.length - 7;
  for (; i < fastEnd; i += 8) {
    const low = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c =
      t[1792 + (low & 0xff)]! ^
      t[1536 + ((low >>> 8) & 0xff)]! ^
      t[1280 + ((low >>> 16) & 0xff)]! ^
      t[1024 + (low >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
  }
  for (; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return c;
}

/** A running CRC-32C. */
export class Crc32c {
  #register = -1;

  update(data: Uint8Array): this {
    this.#register = updateRegister(this.#register, data);
    return this;
  }

  /** The CRC so far, as an unsigned 32-bit number. */
  value(): number {
    return ~this.#register >>> 0;
  }
}

/** CRC-32C of one buffer. @example crc32c(Buffer.from('123456789')) === 0xe3069283 */
export function crc32c(data: Uint8Array): number {
  return new Crc32c().update(data).value();
}
