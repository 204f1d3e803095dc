// Python's urllib.parse.quote, which Swift uses for the names it echoes in headers and bodies.
const ALWAYS_SAFE = /[A-Za-z0-9_.\-~]/;

/** Python's urllib.parse.quote over UTF-8 bytes, with `safe` kept as is. */
export function pyQuote(value: string, safe: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out +=
      byte < 0x80 && (ALWAYS_SAFE.test(char) || safe.includes(char))
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
