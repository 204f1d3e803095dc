// The `service` label of the request metrics: the catalog type that owns the path's first segment, so the
// label has a fixed, small set of values whatever URLs clients send (ids and object names never appear).
const SERVICES = new Set([
  'identity',
  'compute',
  'network',
  'image',
  'volume',
  'object-store',
  'key-manager',
  'rating',
  'console',
]);

/** `/compute/v2.1/servers/…` → `compute`; anything outside the known prefixes → `other`. */
export function serviceOfPath(url: string): string {
  const start = url.startsWith('/') ? 1 : 0;
  let end = start;
  while (end < url.length && url[end] !== '/' && url[end] !== '?') end++;
  const first = url.slice(start, end);
  return SERVICES.has(first) ? first : 'other';
}
