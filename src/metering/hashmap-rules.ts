// CloudKitty's hashmap mappings compiled into Nuage price rules, so that `openstack rating hashmap`
// sets prices the rating uses. A service is a CloudKitty metric name; a mapping on the service is its
// flat price, a mapping on a field prices one value of it (a flavor, a volume type, a storage policy).
// Units are Nuage's: per hour for servers, floating IPs and routers; per GB-month for volumes, images
// and objects; per GB for egress. Only `flat` mappings without a tenant price; `rate` mappings
// (multipliers) and per-tenant mappings are stored and listed but not yet applied.
import type { HashmapField, HashmapMapping, HashmapService } from './hashmap-store.js';
import type { Price, PriceList, PriceRules } from './price-list.js';

type ByKey = 'flavors' | 'volumeGbMonth' | 'objectGbMonth' | 'requests';
type Single = 'imageGbMonth' | 'egressGb' | 'floatingIpHour' | 'routerHour' | 'vcpuHour' | 'backupGbMonth';

/** Which rule a service's mappings set: keyed by a field's value ('*' for the service's flat price)… */
const KEYED: Record<string, ByKey> = {
  instance: 'flavors',
  'volume.size': 'volumeGbMonth',
  'storage.objects.size': 'objectGbMonth',
  'storage.objects.requests': 'requests',
};
/** …or one price. */
const SINGLE: Record<string, Single> = {
  'image.size': 'imageGbMonth',
  'storage.objects.outgoing.bytes': 'egressGb',
  'network.floating': 'floatingIpHour',
  'network.router': 'routerHour',
  vcpus: 'vcpuHour',
  'backup.size': 'backupGbMonth',
};

/** The CloudKitty service names the rating understands (others are stored, not applied). */
export const RATED_SERVICES = [...Object.keys(KEYED), ...Object.keys(SINGLE)];

export function hashmapRules(
  services: readonly HashmapService[],
  fields: readonly HashmapField[],
  mappings: readonly HashmapMapping[],
): PriceRules {
  const rules: PriceRules = {};
  const serviceName = new Map(services.map((s) => [s.serviceId, s.name]));
  const fieldService = new Map(fields.map((f) => [f.fieldId, f.serviceId]));
  for (const m of mappings) {
    if (m.type !== 'flat' || m.tenantId !== null) continue;
    const serviceId = m.serviceId ?? (m.fieldId === null ? undefined : fieldService.get(m.fieldId));
    const name = serviceId === undefined ? undefined : serviceName.get(serviceId);
    if (name === undefined) continue;
    const keyed = KEYED[name];
    if (keyed !== undefined) {
      const key = m.fieldId === null ? '*' : (m.value ?? '*');
      rules[keyed] = { ...(rules[keyed] as Record<string, Price> | undefined), [key]: m.cost };
    }
    const single = SINGLE[name];
    if (single !== undefined && m.fieldId === null) rules[single] = m.cost;
  }
  return rules;
}

/** The stored lists with the hashmap's prices laid over each; with no stored list, one of them alone. */
export function withHashmap(
  lists: readonly PriceList[],
  rules: PriceRules,
  region: string,
  currency: string,
) {
  if (lists.length === 0) {
    const only: PriceList = {
      id: 'hashmap',
      name: 'hashmap',
      region,
      currency,
      validFrom: '1970-01-01T00:00:00.000Z',
      validUntil: null,
      rules,
    };
    return [only];
  }
  return lists.map((list) => {
    const merged: PriceRules = { ...list.rules };
    for (const [key, value] of Object.entries(rules) as [keyof PriceRules, unknown][]) {
      const base = merged[key];
      (merged as Record<string, unknown>)[key] =
        typeof value === 'object' &&
        value !== null &&
        typeof base === 'object' &&
        base !== null &&
        !('tiers' in base)
          ? { ...base, ...value }
          : value;
    }
    return { ...list, rules: merged };
  });
}
