// A small streaming multipart/form-data reader (RFC 7578): parts are read one after the other, each
// body as an async iterable of chunks, so a file field streams straight into an object without being
// buffered. Header blocks and the number of parts are bounded.
export class FormError extends Error {
  constructor(
    readonly status: 400 | 401,
    message: string,
  ) {
    super(message);
  }
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 8192;
const MAX_LEADING_BLANK_LINES = 100;
const MAX_PADDING_BYTES = 64;

export type PartHeaders = Record<string, string>;

export class MultipartReader {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private finished = false;
  private readonly opening: string;
  private readonly delimiter: Buffer;

  constructor(
    private readonly source: AsyncIterator<Buffer | string>,
    boundary: string,
  ) {
    this.opening = `--${boundary}`;
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    return true;
  }

  /** Reads one CRLF-terminated line of at most `max` bytes. */
  private async line(max: number): Promise<string> {
    for (;;) {
      const at = this.buffer.indexOf(CRLF);
      if (at >= 0 && at <= max) {
        const text = this.buffer.subarray(0, at).toString('latin1');
        this.buffer = this.buffer.subarray(at + 2);
        return text;
      }
      if (this.buffer.length > max || !(await this.more()))
        throw new FormError(400, 'invalid starting boundary');
    }
  }

  /** Skips blank lines and checks the opening boundary, as Swift does. */
  async start(): Promise<void> {
    for (let i = 0; i < MAX_LEADING_BLANK_LINES; i += 1) {
      const text = await this.line(this.opening.length + 64);
      if (text === '') continue;
      if (text.trim() !== this.opening) break;
      return;
    }
    throw new FormError(400, 'invalid starting boundary');
  }

  /** The next part's headers (lower-case names), or undefined after the closing boundary. */
  async nextPart(): Promise<PartHeaders | undefined> {
    if (this.finished) return undefined;
    for (;;) {
      // A part with no headers at all starts right after the boundary line.
      if (this.buffer.subarray(0, 2).equals(CRLF)) {
        this.buffer = this.buffer.subarray(2);
        return {};
      }
      const at = this.buffer.indexOf(HEADER_END);
      if (at >= 0) {
        const block = this.buffer.subarray(0, at).toString('utf8');
        this.buffer = this.buffer.subarray(at + HEADER_END.length);
        return parseHeaders(block);
      }
      if (this.buffer.length > MAX_HEADER_BYTES) throw new FormError(400, 'part headers too long');
      if (!(await this.more())) throw new FormError(400, 'unexpected end of form');
    }
  }

  /** The current part's body; read it to the end (or drain it) before asking for the next part. */
  async *body(): AsyncGenerator<Buffer> {
    let from = 0;
    for (;;) {
      const at = this.buffer.indexOf(this.delimiter, from);
      const kind = at < 0 ? 'more' : this.delimiterAt(at + this.delimiter.length);
      if (kind === 'data') {
        from = at + 1;
        continue;
      }
      if (kind !== 'more') {
        if (at > 0) yield this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(kind.next);
        this.finished = kind.close;
        return;
      }
      // Everything before a possible delimiter is data; a delimiter's first bytes may end the buffer.
      const safe = at >= 0 ? at : Math.max(0, this.buffer.length - this.delimiter.length + 1);
      if (safe > 0) {
        yield this.buffer.subarray(0, safe);
        this.buffer = this.buffer.subarray(safe);
      }
      from = 0;
      if (!(await this.more())) throw new FormError(400, 'unexpected end of form');
    }
  }

  /**
   * After "\r\n--boundary" at `pos`: "--" closes the form, optional blanks and CRLF start the next
   * part, and anything else means the bytes were data that merely began like the boundary (RFC 2046).
   */
  private delimiterAt(pos: number): 'more' | 'data' | { next: number; close: boolean } {
    const b = this.buffer;
    if (b.length < pos + 2) return 'more';
    if (b[pos] === 0x2d && b[pos + 1] === 0x2d) return { next: pos + 2, close: true };
    let i = pos;
    while (i < b.length && i - pos < MAX_PADDING_BYTES && (b[i] === 0x20 || b[i] === 0x09)) i += 1;
    if (i - pos >= MAX_PADDING_BYTES) return 'data';
    if (b.length < i + 2) return 'more';
    return b[i] === 0x0d && b[i + 1] === 0x0a ? { next: i + 2, close: false } : 'data';
  }

  /** Reads at most `max` bytes of the current part's body as text and drains the rest. */
  async value(max: number): Promise<string> {
    const pieces: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.body()) {
      if (size < max) pieces.push(chunk.subarray(0, max - size));
      size += chunk.length;
    }
    return Buffer.concat(pieces).toString('utf8');
  }

  async drain(): Promise<void> {
    for await (const _chunk of this.body());
  }
}

function parseHeaders(block: string): PartHeaders {
  const headers: PartHeaders = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Content-Disposition / Content-Type style: 'form-data; name="a"; filename="b.txt"'. */
export function parseParameters(value: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  const re = /\s*([^=\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/y;
  const text = rest.join(';');
  let m: RegExpExecArray | null;
  let guard = 0;
  while (guard < 100 && (m = re.exec(text)) !== null) {
    guard += 1;
    params[(m[1] as string).toLowerCase()] =
      m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim();
    while (re.lastIndex < text.length && text[re.lastIndex] === ';') re.lastIndex += 1;
  }
  return { type: type.trim().toLowerCase(), params };
}
