// Times as Barbican reads and writes them. It parses ISO 8601 with oslo's parse_isotime (a missing
// offset means UTC) and prints naive UTC datetimes with Python's isoformat(): no offset, and microseconds
// only when they are not zero ("2026-12-07T10:00:00.123000").

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** The instant `text` names, or undefined when it is not an ISO 8601 date or date-time. */
export function parseIsoTime(text: string): Date | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(utc);
  // Date.UTC rolls 2026-02-30 over into March; a real calendar date survives the round trip.
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return new Date(utc - offsetMinutes(zone) * 60_000);
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/** Python's datetime.isoformat() of a naive UTC datetime, from our stored ISO text. */
export function barbicanTime(iso: string | null): string | null {
  if (iso === null) return null;
  const text = new Date(iso).toISOString();
  const millis = text.slice(20, 23);
  const base = text.slice(0, 19);
  return millis === '000' ? base : `${base}.${millis}000`;
}
