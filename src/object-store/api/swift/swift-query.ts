// The query string as Swift reads it (swob's Request.params: parse_qsl with blank values kept, '+' as a
// space, the last of repeated names winning), with every value required to be UTF-8 once percent-decoded:
// Swift's get_param answers 400 '"<name>" parameter not valid UTF-8' otherwise.
import { errors } from '../../../common/errors/codes.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Percent-decodes to bytes ('+' is a space); a '%' not followed by two hex digits stays as it is. */
function percentDecode(text: string): Uint8Array {
  const bytes: number[] = [];
  const plain = text.replaceAll('+', ' ');
  for (let i = 0; i < plain.length; i += 1) {
    const hex = plain.slice(i + 1, i + 3);
    if (plain[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(plain[i] as string, 'utf8'));
    }
  }
  return Uint8Array.from(bytes);
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * `rawQuery` is what follows the '?' of the request line (the URL's length bounds the loop). A name that
 * is not UTF-8 is no parameter Swift reads and is skipped; a value that is not is refused, whatever its
 * name (stricter than Swift, which checks only the parameters it reads).
 */
export function parseSwiftQuery(rawQuery: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = utf8(percentDecode(eq < 0 ? pair : pair.slice(0, eq)));
    if (name === undefined) continue;
    const value = utf8(percentDecode(eq < 0 ? '' : pair.slice(eq + 1)));
    if (value === undefined) throw errors.badRequest(`"${name.slice(0, 128)}" parameter not valid UTF-8`);
    out[name] = value;
  }
  return out;
}
