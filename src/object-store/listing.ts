// Listings with a delimiter: names that contain the delimiter after the prefix collapse into one
// "subdir" entry, and the scan jumps past everything under it. Works over any sorted, paged source.
import type { Listed, ListOptions } from './model.js';

const MAX_SCANS = 1000;

export async function listWithDelimiter<T extends { name: string }>(
  fetch: (o: ListOptions) => Promise<T[]>,
  o: ListOptions,
): Promise<Array<Listed<T>>> {
  if (!o.delimiter) return (await fetch(o)).map((item) => ({ kind: 'item', item }));
  const prefix = o.prefix ?? '';
  const out: Array<Listed<T>> = [];
  let marker = o.marker;
  for (let scans = 0; scans < MAX_SCANS && out.length < o.limit; scans += 1) {
    const batch = await fetch({ ...o, marker, limit: o.limit - out.length });
    if (batch.length === 0) break;
    for (const item of batch) {
      const rest = item.name.slice(prefix.length);
      const at = rest.indexOf(o.delimiter);
      if (at < 0) {
        if (!(o.directOnly && rest === '')) out.push({ kind: 'item', item });
        marker = item.name;
        continue;
      }
      const subdir = prefix + rest.slice(0, at + o.delimiter.length);
      // Under ?path= a name ending at the delimiter ("a/b/" below "a/") is an entry of its own (Swift's).
      if (o.directOnly && subdir === item.name) {
        out.push({ kind: 'item', item });
        marker = item.name;
        continue;
      }
      // A client paging with the last subdir as marker must not get that subdir again (Swift's rule).
      if (subdir !== o.marker && !o.directOnly) out.push({ kind: 'subdir', subdir });
      // Skip everything under this subdir (markers are exclusive): going forwards, resume after the
      // greatest possible name below it; going backwards, resume just before the subdir itself.
      marker = o.reverse ? subdir : subdir + '\u{10FFFF}';
      break;
    }
  }
  return out.slice(0, o.limit);
}
