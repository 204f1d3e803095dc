// X-Delete-At and X-Delete-After as Swift's check_delete_headers reads them: Python integers (blanks, a
// sign and digit underscores allowed), X-Delete-After added to now, both clamped to Swift's timestamp
// range, and a time that is not in the future refused.
import type { ApiError } from '../../../common/errors/api-error.js';
import { pythonInt } from './python-int.js';
import { errors } from '../../../common/errors/codes.js';

/** normalize_delete_at_timestamp's range: 0 to 9999999999 (ten digits). */
const MAX_DELETE_AT = 9_999_999_999;

function refuse(message: string): ApiError {
  return errors.badRequest(message);
}

function clamp(seconds: number): number {
  return Math.floor(Math.min(Math.max(0, seconds), MAX_DELETE_AT));
}

/**
 * The expiry (Unix seconds) a write asks for: X-Delete-After wins over X-Delete-At; without either,
 * `otherwise` (a copy keeps its source's, a POST or PUT has none). Throws Swift's 400s.
 */
export function deleteAtFrom(
  headers: Record<string, string | undefined>,
  now: Date,
  otherwise: number | null,
): number | null {
  const nowSeconds = now.getTime() / 1000;
  const after = headers['x-delete-after'];
  if (after !== undefined) {
    const seconds = pythonInt(after);
    if (seconds === undefined) throw refuse('Non-integer X-Delete-After');
    const at = clamp(nowSeconds + seconds);
    if (at <= nowSeconds) throw refuse('X-Delete-After in past');
    return at;
  }
  const at = headers['x-delete-at'];
  if (at === undefined) return otherwise;
  const seconds = pythonInt(at);
  if (seconds === undefined) throw refuse('Non-integer X-Delete-At');
  const value = clamp(seconds);
  if (value <= nowSeconds) throw refuse('X-Delete-At in past');
  return value;
}
