// Byte ranges as swob parses them for SLO segment "range" values: "M-N", "M-" or "-N", with swob's
// rules for what is syntactically invalid and what is merely unsatisfiable for a given length.

export interface ByteRangeSpec {
  start: number | null;
  end: number | null;
  /** The inclusive [first, last] this range selects in `length` bytes, or undefined if unsatisfiable. */
  forLength(length: number): [number, number] | undefined;
}

const MAX_RANGES = 100;

function spec(start: number | null, end: number | null): ByteRangeSpec {
  return {
    start,
    end,
    forLength(length) {
      if (start === null) {
        if (end === 0 || length === 0) return undefined;
        return [Math.max(0, length - (end as number)), length - 1];
      }
      if (start >= length) return undefined;
      return [start, end === null ? length - 1 : Math.min(end, length - 1)];
    },
  };
}

/** swob.Range: undefined when syntactically invalid (then the whole value is rejected). */
export function parseByteRanges(header: string): ByteRangeSpec[] | undefined {
  const value = header.replaceAll(' ', '');
  if (!value.toLowerCase().startsWith('bytes=')) return undefined;
  const parts = value.slice(6).split(',');
  if (parts.length > MAX_RANGES) return undefined;
  const out: ByteRangeSpec[] = [];
  for (const part of parts) {
    const dash = part.indexOf('-');
    if (dash < 0) return undefined;
    const startText = part.slice(0, dash);
    const endText = part.slice(dash + 1);
    if (startText !== '' && !/^\d+$/.test(startText)) return undefined;
    if (endText !== '' && !/^\d+$/.test(endText)) return undefined;
    const start = startText === '' ? null : Number(startText);
    const end = endText === '' ? null : Number(endText);
    if (start === null && end === null) return undefined;
    if (start !== null && end !== null && end < start) return undefined;
    out.push(spec(start, end));
  }
  return out;
}
