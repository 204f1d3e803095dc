// Time, injected: domain code asks a Clock instead of calling Date.now(), so tests can control it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** ISO-8601 UTC with milliseconds: the database's time format (sorts as text). */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
