// Nova's start/end query times: `%Y-%m-%dT%H:%M:%S`, the same with `.%f`, or `%Y-%m-%d %H:%M:%S.%f`,
// read as UTC; absent or empty means now. Anything else is a 400 with Nova's message.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';

const FORMAT = /^(\d{4})-(\d{1,2})-(\d{1,2})(T| )(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?$/;

export function parseNovaTime(text: string | undefined, clock: Clock): Date {
  if (text === undefined || text === '') return clock.now();
  const match = FORMAT.exec(text);
  // The space-separated form exists only with fractions in Nova's list.
  if (!match || (match[4] === ' ' && match[8] === undefined)) {
    throw errors.badRequest('Invalid datetime string: Datetime is in invalid format');
  }
  const [year, month, day, , hour, minute, second] = [1, 2, 3, 4, 5, 6, 7].map((i) => Number(match[i]));
  const ms = Math.floor(Number((match[8] ?? '0').padEnd(6, '0')) / 1000);
  const at = new Date(
    Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0, ms),
  );
  const valid =
    at.getUTCFullYear() === year &&
    at.getUTCMonth() === (month ?? 1) - 1 &&
    at.getUTCDate() === day &&
    (hour ?? 0) < 24 &&
    (minute ?? 0) < 60 &&
    (second ?? 0) < 60;
  if (!valid) throw errors.badRequest('Invalid datetime string: Datetime is in invalid format');
  return at;
}
