// swob's Accept negotiation (Accept.best_match), shared by listings and the bulk and SLO replies: media
// ranges ranked by quality, then exact before wildcard; a malformed header is an error, as in swob.
import type { ApiError } from '../../../common/errors/api-error.js';
import { errors } from '../../../common/errors/codes.js';

/** swob raises ValueError; Swift's listings answer it with 400 "Invalid Accept header". */
function invalidAccept(): ApiError {
  return errors.badRequest('Invalid Accept header');
}

const TOKEN = '[^()<>@,;:\\\\"/\\[\\]?={}\\x00-\\x20\\x7f]+';
const QUOTED = '"(?:[^"\\\\]|\\\\.)*"';
const MEDIA_RANGE = new RegExp(
  `^\\s*(${TOKEN})/(${TOKEN})((?:\\s*;\\s*${TOKEN}\\s*=\\s*(?:${TOKEN}|${QUOTED}))*?\\s*)$`,
);
const MAX_ACCEPT_TYPES = 64;

interface MediaRange {
  type: string;
  subtype: string;
  quality: number;
  exact: boolean;
}

function parseMediaRange(text: string): MediaRange {
  const m = MEDIA_RANGE.exec(text);
  if (!m) throw invalidAccept();
  let quality = 1;
  let seenQuality = false;
  for (const param of (m[3] ?? '').split(';').map((p) => p.trim())) {
    if (param === '') continue;
    const [name, value] = param.split('=').map((s) => s.trim());
    if (name !== 'q') continue;
    if (seenQuality) throw invalidAccept();
    seenQuality = true;
    quality = Number(value);
    if (value === undefined || value === '' || Number.isNaN(quality)) throw invalidAccept();
  }
  const type = m[1] as string;
  const subtype = m[2] as string;
  return { type, subtype, quality, exact: type !== '*' && subtype !== '*' };
}

/**
 * swob's Accept.best_match: the first option matched by the best-ranked media range; the first
 * option when there is no Accept header; undefined when nothing matches. Throws a 400 ApiError on a
 * malformed header.
 */
export function bestMatch<T extends string>(
  accept: string | undefined,
  options: readonly T[],
): T | undefined {
  if (!accept) return options[0];
  const parts = accept.split(',');
  if (parts.length > MAX_ACCEPT_TYPES) throw invalidAccept();
  const ranges = parts.map(parseMediaRange);
  ranges.sort((a, b) => b.quality - a.quality || Number(b.exact) - Number(a.exact));
  for (const r of ranges) {
    for (const option of options) {
      const [type, subtype] = option.split('/');
      if ((r.type === '*' || r.type === type) && (r.subtype === '*' || r.subtype === subtype)) return option;
    }
  }
  return undefined;
}
