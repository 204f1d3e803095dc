// A minimal, strict XML parser for the few request bodies S3 has (CreateBucketConfiguration,
// CompleteMultipartUpload, Delete, VersioningConfiguration, CORSConfiguration, AccessControlPolicy).
// Elements, attributes (read and dropped), text, the five predefined entities, character references,
// CDATA and comments; no DOCTYPE and so no entity expansion of any kind. Namespace prefixes are
// dropped from names. Anything else is MalformedXML. Input size, depth and element count are bounded.
import { s3Errors } from '../../s3/s3-errors.js';

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's own text (concatenated, entities decoded); untrimmed. */
  text: string;
}

export const MAX_XML_BYTES = 1024 * 1024;
const MAX_DEPTH = 32;
const MAX_ELEMENTS = 100_000;
const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function fail(reason: string): never {
  throw s3Errors.malformedXml(reason);
}

function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;]{0,10});|&/g, (match, ref: string | undefined) => {
    if (ref === undefined) return fail('a bare & in text');
    const named = PREDEFINED[ref];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (!numeric) return fail(`unknown entity ${match}`);
    const code = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      fail('invalid character reference');
    return String.fromCodePoint(code);
  });
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

class Parser {
  #at = 0;
  #elements = 0;
  constructor(private readonly input: string) {}

  parse(): XmlElement {
    this.#skipProlog();
    const root = this.#element(0);
    this.#skipMisc();
    if (this.#at !== this.input.length) fail('content after the root element');
    return root;
  }

  #skipProlog(): void {
    if (this.input.charCodeAt(0) === 0xfeff) this.#at = 1;
    if (this.input.startsWith('<?xml', this.#at)) {
      const end = this.input.indexOf('?>', this.#at);
      if (end === -1) fail('unterminated XML declaration');
      this.#at = end + 2;
    }
    this.#skipMisc();
  }

  /** Whitespace and comments between top-level constructs; DOCTYPE and other PIs are refused. */
  #skipMisc(): void {
    for (;;) {
      while (/\s/.test(this.input[this.#at] ?? '')) this.#at += 1;
      if (this.input.startsWith('<!--', this.#at)) {
        this.#skipComment();
        continue;
      }
      if (this.input.startsWith('<!', this.#at) || this.input.startsWith('<?', this.#at)) {
        fail('DOCTYPE and processing instructions are not accepted');
      }
      return;
    }
  }

  #skipComment(): void {
    const end = this.input.indexOf('-->', this.#at + 4);
    if (end === -1) fail('unterminated comment');
    this.#at = end + 3;
  }

  #name(): string {
    const match = NAME.exec(this.input.slice(this.#at, this.#at + 256));
    if (!match) fail('an element or attribute name was expected');
    this.#at += match[0].length;
    return match[0];
  }

  /** Attributes up to `>` or `/>`; returns whether the element is self-closing. */
  #attributes(): boolean {
    for (;;) {
      while (/\s/.test(this.input[this.#at] ?? '')) this.#at += 1;
      if (this.input.startsWith('/>', this.#at)) {
        this.#at += 2;
        return true;
      }
      if (this.input[this.#at] === '>') {
        this.#at += 1;
        return false;
      }
      this.#name();
      while (/\s/.test(this.input[this.#at] ?? '')) this.#at += 1;
      if (this.input[this.#at] !== '=') fail('an attribute without a value');
      this.#at += 1;
      while (/\s/.test(this.input[this.#at] ?? '')) this.#at += 1;
      const quote = this.input[this.#at];
      if (quote !== '"' && quote !== "'") fail('an unquoted attribute value');
      const end = this.input.indexOf(quote, this.#at + 1);
      if (end === -1) fail('an unterminated attribute value');
      const value = this.input.slice(this.#at + 1, end);
      if (value.includes('<')) fail('< in an attribute value');
      decodeEntities(value);
      this.#at = end + 1;
    }
  }

  #element(depth: number): XmlElement {
    if (depth >= MAX_DEPTH) fail('the document is nested too deeply');
    this.#elements += 1;
    if (this.#elements > MAX_ELEMENTS) fail('too many elements');
    if (this.input[this.#at] !== '<') fail('an element was expected');
    this.#at += 1;
    const qualified = this.#name();
    const element: XmlElement = { name: localName(qualified), children: [], text: '' };
    if (this.#attributes()) return element;
    this.#content(element, depth);
    const close = `</${qualified}`;
    if (!this.input.startsWith(close, this.#at)) fail(`</${qualified}> was expected`);
    this.#at += close.length;
    while (/\s/.test(this.input[this.#at] ?? '')) this.#at += 1;
    if (this.input[this.#at] !== '>') fail('a malformed end tag');
    this.#at += 1;
    return element;
  }

  /** Text, CDATA, comments and child elements, up to the end tag. */
  #content(element: XmlElement, depth: number): void {
    for (;;) {
      const lt = this.input.indexOf('<', this.#at);
      if (lt === -1) fail('an unterminated element');
      const text = this.input.slice(this.#at, lt);
      if (text.includes('>') && text.includes(']]>')) fail(']]> in text');
      element.text += decodeEntities(text);
      this.#at = lt;
      if (this.input.startsWith('</', lt)) return;
      if (this.input.startsWith('<!--', lt)) {
        this.#skipComment();
      } else if (this.input.startsWith('<![CDATA[', lt)) {
        const end = this.input.indexOf(']]>', lt + 9);
        if (end === -1) fail('an unterminated CDATA section');
        element.text += this.input.slice(lt + 9, end);
        this.#at = end + 3;
      } else if (this.input.startsWith('<!', lt) || this.input.startsWith('<?', lt)) {
        fail('DOCTYPE and processing instructions are not accepted');
      } else {
        element.children.push(this.#element(depth + 1));
      }
    }
  }
}

/** Parses a request body. Throws MalformedXML for anything but one well-formed element tree. */
export function parseXml(body: Buffer, maxBytes = MAX_XML_BYTES): XmlElement {
  if (body.length > maxBytes) fail(`the body is larger than ${maxBytes} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return fail('the body is not UTF-8');
  }
  return new Parser(text).parse();
}

/** Child elements with this (local) name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The single child with this name, or undefined; more than one is MalformedXML. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  const found = childrenNamed(element, name);
  if (found.length > 1) fail(`more than one <${name}>`);
  return found[0];
}

/** The trimmed text of a single child, or undefined. */
export function childText(element: XmlElement, name: string): string | undefined {
  return childNamed(element, name)?.text.trim();
}

/** The root element, which must carry this name. */
export function expectRoot(element: XmlElement, name: string): XmlElement {
  if (element.name !== name) fail(`the root element must be <${name}>`);
  return element;
}
