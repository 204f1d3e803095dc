// A streaming reader of tar archives (ustar, pax and GNU long names), as Python's tarfile reads them
// in stream mode for Swift's archive extraction: one member at a time, member data streamed straight
// from the input, nothing buffered whole. Errors carry tarfile's messages ("bad checksum"…).
import { ByteSource, TruncatedInputError } from './byte-source.js';

const BLOCK = 512;
/** Pax records and GNU long names are metadata: refuse absurd sizes instead of buffering them. */
const MAX_METADATA_BYTES = 1024 * 1024;

/** The archive is malformed; the message is tarfile's. */
export class TarError extends Error {}

export interface TarMember {
  /** The member name as raw bytes (pax "path" or GNU long name when present). */
  nameBytes: Buffer;
  /** Regular file (types 0, NUL, 7); everything else (directories, links, devices) is skipped. */
  isFile: boolean;
  sizeBytes: number;
  /** Pax headers that apply to this member (global ones included). */
  pax: Record<string, string>;
  /** The member's data; consume it (or not) before asking for the next member. */
  body: AsyncIterable<Buffer>;
}

export interface TarReadOptions {
  /** Upper bound on headers read (members, pax and long-name headers), a guard against endless input. */
  maxHeaders: number;
}

interface RawHeader {
  name: Buffer;
  sizeBytes: number;
  type: string;
}

/** Types whose size field is ignored (tarfile reads no data for them). */
const DATALESS_TYPES = new Set(['1', '2', '3', '4', '5', '6']);
const FILE_TYPES = new Set(['0', '\0', '7']);

function cString(field: Buffer): Buffer {
  const nul = field.indexOf(0);
  return nul < 0 ? field : field.subarray(0, nul);
}

/** tarfile's nti(): octal digits (NUL/space padded) or GNU base-256 with the high bit set. */
function parseNumber(field: Buffer): number {
  const first = field[0] ?? 0;
  if (first === 0x80 || first === 0xff) {
    let value = 0;
    for (const b of field.subarray(1)) value = value * 256 + b;
    if (first === 0xff || !Number.isSafeInteger(value)) throw new TarError('invalid header');
    return value;
  }
  const text = cString(field).toString('latin1').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError('invalid header');
  return parseInt(text, 8);
}

function checksumMatches(block: Buffer): boolean {
  const stored = parseNumber(block.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i += 1) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function parseHeader(block: Buffer): RawHeader | 'zero' {
  if (block.every((b) => b === 0)) return 'zero';
  if (!checksumMatches(block)) throw new TarError('bad checksum');
  let name = cString(block.subarray(0, 100));
  const type = String.fromCharCode(block[156] as number);
  const isPosix = block.subarray(257, 263).toString('latin1') === 'ustar\0';
  const prefix = cString(block.subarray(345, 500));
  if (isPosix && prefix.length > 0) name = Buffer.concat([prefix, Buffer.from('/'), name]);
  const sizeBytes = DATALESS_TYPES.has(type) ? 0 : parseNumber(block.subarray(124, 136));
  return { name, sizeBytes, type };
}

/** Pax records: "<length> <key>=<value>\n", the length counting the whole record. */
function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    if (data[offset] === 0) break;
    const space = data.indexOf(0x20, offset);
    const length = space < 0 ? NaN : Number(data.subarray(offset, space).toString('latin1'));
    if (!Number.isSafeInteger(length) || length <= space - offset || offset + length > data.length)
      throw new TarError('invalid header');
    const record = data.subarray(space + 1, offset + length - 1);
    const eq = record.indexOf(0x3d);
    if (eq < 0) throw new TarError('invalid header');
    out[record.subarray(0, eq).toString('utf8')] = record.subarray(eq + 1).toString('utf8');
    offset += length;
  }
  return out;
}

const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

async function readMetadata(source: ByteSource, size: number): Promise<Buffer> {
  if (size > MAX_METADATA_BYTES) throw new TarError('invalid header');
  const data = await source.read(padded(size));
  if (data === undefined) throw new TarError('unexpected end of data');
  return data.subarray(0, size);
}

/**
 * The next raw header, or undefined at the end of the archive. As tarfile does, a bad first header
 * is an error while a bad later one just ends the archive.
 */
async function nextHeader(source: ByteSource, first: boolean): Promise<RawHeader | undefined> {
  let block: Buffer | undefined;
  try {
    block = await source.read(BLOCK);
  } catch (err) {
    if (err instanceof TruncatedInputError && first) throw new TarError('truncated header');
    if (err instanceof TruncatedInputError) return undefined;
    throw err;
  }
  if (block === undefined) {
    if (first) throw new TarError('empty file');
    return undefined;
  }
  try {
    const header = parseHeader(block);
    if (header === 'zero') {
      if (first) throw new TarError('end of file header');
      return undefined;
    }
    return header;
  } catch (err) {
    if (first) throw err;
    return undefined;
  }
}

/** Yields the archive's members in order. Throws TarError on a malformed archive. */
export async function* readTar(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  options: TarReadOptions,
): AsyncGenerator<TarMember> {
  const source = new ByteSource(input);
  let globalPax: Record<string, string> = {};
  let nextPax: Record<string, string> = {};
  let longName: Buffer | undefined;
  for (let headers = 0; headers < options.maxHeaders; headers += 1) {
    const header = await nextHeader(source, headers === 0);
    if (!header) {
      // Padding after the end marker is read and dropped; whatever is wrong with it no longer matters.
      await source.drain(64 * 1024 * 1024).catch(() => undefined);
      return;
    }
    if (header.type === 'x' || header.type === 'g') {
      const records = parsePax(await readMetadata(source, header.sizeBytes));
      if (header.type === 'g') globalPax = { ...globalPax, ...records };
      else nextPax = { ...nextPax, ...records };
      continue;
    }
    if (header.type === 'L' || header.type === 'K') {
      const data = cString(await readMetadata(source, header.sizeBytes));
      if (header.type === 'L') longName = data;
      continue;
    }
    const pax = { ...globalPax, ...nextPax };
    nextPax = {};
    const member = memberOf(header, pax, longName);
    longName = undefined;
    const dataStart = source.position;
    yield { ...member, body: member.isFile ? source.take(member.sizeBytes) : emptyBody() };
    await skipRest(source, dataStart + padded(member.sizeBytes) - source.position);
  }
  throw new TarError(`more than ${options.maxHeaders} headers`);
}

async function skipRest(source: ByteSource, length: number): Promise<void> {
  try {
    await source.skip(length);
  } catch (err) {
    if (err instanceof TruncatedInputError) throw new TarError('unexpected end of data');
    throw err;
  }
}

async function* emptyBody(): AsyncGenerator<Buffer> {
  // Non-file members carry no data for the caller.
}

function memberOf(
  header: RawHeader,
  pax: Record<string, string>,
  longName: Buffer | undefined,
): Omit<TarMember, 'body'> {
  let nameBytes = pax.path !== undefined ? Buffer.from(pax.path, 'utf8') : (longName ?? header.name);
  let isFile = FILE_TYPES.has(header.type);
  // Old V7 archives mark directories as regular files whose name ends with a slash.
  if (header.type === '\0' && nameBytes.at(-1) === 0x2f) isFile = false;
  if (!isFile) while (nameBytes.at(-1) === 0x2f) nameBytes = nameBytes.subarray(0, -1);
  let sizeBytes = header.sizeBytes;
  if (pax.size !== undefined && !DATALESS_TYPES.has(header.type)) {
    if (!/^\d+$/.test(pax.size) || !Number.isSafeInteger(Number(pax.size)))
      throw new TarError('invalid header');
    sizeBytes = Number(pax.size);
  }
  return { nameBytes, isFile, sizeBytes, pax };
}

/** Turns a truncation inside member data into tarfile's error. */
export function asTarError(err: unknown): TarError | undefined {
  if (err instanceof TarError) return err;
  if (err instanceof TruncatedInputError) return new TarError('unexpected end of data');
  return undefined;
}
