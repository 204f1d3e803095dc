// CRC-64/NVME, the checksum behind x-amz-checksum-crc64nvme: reflected polynomial 0x9A6C9329AC4BC9B5,
// initial value and final xor all ones. JavaScript has no fast 64-bit integers (BigInt allocates), so
// the register is kept as two 32-bit halves and the slice-by-8 tables hold high and low halves apart.
const POLYNOMIAL_HIGH = 0x9a6c9329;
const POLYNOMIAL_LOW = 0xac4bc9b5;

/** Eight tables of 256 entries each, flat (table k starts at k * 256), split in halves. */
const { high: HIGH, low: LOW } = buildTables();

function buildTables(): { high: Int32Array; low: Int32Array } {
  const high = new Int32Array(8 * 256);
  const low = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let lo = n;
    let hi = 0;
    for (let bit = 0; bit < 8; bit++) {
      const carry = lo & 1;
      lo = (lo >>> 1) | (hi << 31);
      hi = hi >>> 1;
      if (carry) {
        lo ^= POLYNOMIAL_LOW;
        hi ^= POLYNOMIAL_HIGH;
      }
    }
    low[n] = lo;
    high[n] = hi;
  }
  // Table k advances a byte's contribution through k further zero bytes.
  for (let n = 0; n < 256; n++) {
    let lo = low[n]!;
    let hi = high[n]!;
    for (let k = 1; k < 8; k++) {
      const index = lo & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ low[index]!;
      hi = (hi >>> 8) ^ high[index]!;
      low[k * 256 + n] = lo;
      high[k * 256 + n] = hi;
    }
  }
  return { high, low };
}

/** A running CRC-64/NVME. */
export class Crc64Nvme {
  #high = -1;
  #low = -1;

  update(data: Uint8Array): this {
    const h = HIGH;
    const l = LOW;
    let hi = this.#high;
    let lo = this.#low;
    let i = 0;
    const fastEnd = data.length - 7;
    for (; i < fastEnd; i += 8) {
      const a = lo ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
      const b = hi ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24));
      const i7 = 1792 + (a & 0xff);
      const i6 = 1536 + ((a >>> 8) & 0xff);
      const i5 = 1280 + ((a >>> 16) & 0xff);
      const i4 = 1024 + (a >>> 24);
      const i3 = 768 + (b & 0xff);
      const i2 = 512 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      lo = l[i7]! ^ l[i6]! ^ l[i5]! ^ l[i4]! ^ l[i3]! ^ l[i2]! ^ l[i1]! ^ l[i0]!;
      hi = h[i7]! ^ h[i6]! ^ h[i5]! ^ h[i4]! ^ h[i3]! ^ h[i2]! ^ h[i1]! ^ h[i0]!;
    }
    for (; i < data.length; i++) {
      const index = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ l[index]!;
      hi = (hi >>> 8) ^ h[index]!;
    }
    this.#high = hi;
    this.#low = lo;
    return this;
  }

  /** The CRC so far, big-endian: the byte order S3 base64-encodes. */
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE(~this.#high >>> 0, 0);
    out.writeUInt32BE(~this.#low >>> 0, 4);
    return out;
  }
}
