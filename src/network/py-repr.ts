// Values as Python prints them (Neutron's messages interpolate request values with %s), so that
// "'abc' is not a valid UUID" or "['x'] is invalid attribute for filtering" read exactly as Neutron's.

/** Python's str(): strings bare, everything else as repr. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** Python's repr() of a JSON value (depth-limited: request bodies are bounded anyway). */
export function pyRepr(v: unknown, depth = 0): string {
  if (depth > 8) return '...';
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'string') return `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, depth + 1)).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return `{${entries.map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x, depth + 1)}`).join(', ')}}`;
  }
  return String(v);
}
