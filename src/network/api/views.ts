// The wire shape of network resources. Records are stored in Neutron's shape already, so a view is a
// copy without the attributes only a cloud admin may read (Neutron's admin-only get_<resource>:<attr>
// policies: provider details of networks, port bindings, router distribution and HA).
import type { AuthContext } from '../../common/http/context.js';
import { isCloudAdmin } from '../../identity/policy.js';
import type { Rec } from '../network-store.js';
import type { ResourceSpec } from './validation/attribute-map.js';

export function view(rec: Rec, auth: AuthContext, spec: ResourceSpec): Rec {
  const out: Rec = { ...rec };
  if (spec.adminOnlyFields && !isCloudAdmin(auth)) for (const key of spec.adminOnlyFields) delete out[key];
  return out;
}
