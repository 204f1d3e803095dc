// The wire shape of network resources. Records are stored in Neutron's shape already, so a view is a
// copy without the fields that exist only for the service's own bookkeeping.
import type { Rec } from '../network-store.js';

const INTERNAL = new Set<string>([]);

export function view(rec: Rec): Rec {
  const out: Rec = { ...rec };
  for (const key of INTERNAL) delete out[key];
  return out;
}
