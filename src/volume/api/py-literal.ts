// Python's ast.literal_eval for the literals Cinder's list filters read from query strings
// (`metadata={'k': 'v'}`, `size=1`, `group_id=None`): dicts, lists, tuples, strings, numbers, True,
// False, None. Anything else is not a literal, and Cinder then keeps the raw string.

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  parse(): unknown {
    const value = this.value();
    this.space();
    if (this.i !== this.text.length) throw new SyntaxError('trailing characters');
    return value;
  }

  private space(): void {
    while (/\s/.test(this.text[this.i] ?? '')) this.i++;
  }

  private value(): unknown {
    this.space();
    const c = this.text[this.i];
    if (c === '{') return this.dict();
    if (c === '[' || c === '(') return this.list(c === '[' ? ']' : ')');
    if (c === "'" || c === '"') return this.string(c);
    const word = /^(True|False|None|[-+]?\d+(\.\d*)?([eE][-+]?\d+)?)/.exec(this.text.slice(this.i));
    if (!word) throw new SyntaxError(`unexpected ${c ?? 'end'}`);
    this.i += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0]);
  }

  private string(quote: string): string {
    let out = '';
    for (this.i++; this.i < this.text.length; this.i++) {
      const c = this.text[this.i] as string;
      if (c === quote) {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const next = this.text[++this.i] ?? '';
        out += { n: '\n', t: '\t', r: '\r' }[next] ?? next;
      } else out += c;
    }
    throw new SyntaxError('unterminated string');
  }

  private items(close: string, item: () => void): void {
    this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] === close) break;
      item();
      this.space();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== close) throw new SyntaxError(`expected , or ${close}`);
    }
    this.i++;
  }

  private list(close: string): unknown[] {
    const out: unknown[] = [];
    this.items(close, () => out.push(this.value()));
    return out;
  }

  private dict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.items('}', () => {
      const key = this.value();
      this.space();
      if (this.text[this.i] !== ':') throw new SyntaxError('expected :');
      this.i++;
      // Defined, not assigned: a key named __proto__ must stay a key, never replace the prototype.
      Object.defineProperty(out, String(key), {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    return out;
  }
}

/** The literal, or `undefined` when the text is not one (Cinder then filters on the raw string). */
export function literalEval(text: string): unknown {
  try {
    return new Parser(text).parse();
  } catch {
    return undefined;
  }
}
