// Swift timestamps (X-Timestamp): seconds with five decimals, fixed width so they sort as text, and
// strictly increasing within this process so that two writes never tie.
import type { Clock } from '../common/clock.js';

export function formatTimestamp(tenMicroseconds: number): string {
  const s = String(tenMicroseconds).padStart(15, '0');
  return `${s.slice(0, -5)}.${s.slice(-5)}`;
}

export function createTimestamps(clock: Clock) {
  let last = 0;
  return {
    next(): string {
      const now = clock.now().getTime() * 100;
      last = now > last ? now : last + 1;
      return formatTimestamp(last);
    },
  };
}
