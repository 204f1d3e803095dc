// What one usage record consumed within a stretch of time, in the units its prices are quoted in, and
// which price of a list applies: the meter decides the unit (hours, GB-months, GB, requests) and the
// rule (flavor, vCPU + RAM, volume type, storage policy…).
import { Dec, BYTES_PER_GB, MS_PER_HOUR, MS_PER_MONTH } from './money.js';
import { parseMeter, type ServerUsageState, type UsageRecord } from './model.js';
import { DEFAULT_SERVER_STATE_FACTORS, priceByKey, type Price, type PriceRules } from './price-list.js';

export type ChargeUnit = 'hour' | 'vcpu-hour' | 'ram-gib-hour' | 'gb-month' | 'gb' | 'request';

/** One priced component of a record: e.g. a server's flavor hours, or its vCPU-hours and RAM-hours. */
export interface Charge {
  /** Which price of the list (tiers accumulate per price key and project). */
  priceKey: string;
  unit: ChargeUnit;
  quantity: Dec;
  price: Price;
  /** The share of the price charged (a server state's factor; 1 otherwise). */
  factor: Dec;
}

function serverCharges(record: UsageRecord, dims: string[], hours: Dec, rules: PriceRules): Charge[] {
  const [flavorId = '', state = 'running'] = dims;
  const factor = new Dec(
    rules.serverStates?.[state as ServerUsageState] ??
      DEFAULT_SERVER_STATE_FACTORS[state as ServerUsageState] ??
      '1',
  );
  const flavorName = typeof record.attributes.flavorName === 'string' ? record.attributes.flavorName : '';
  const flavors = rules.flavors ?? {};
  // The flavor's id first, then its name, then '*'.
  const flavorPrice = Object.hasOwn(flavors, flavorId)
    ? flavors[flavorId]
    : Object.hasOwn(flavors, flavorName)
      ? flavors[flavorName]
      : priceByKey(flavors, '*');
  if (flavorPrice !== undefined) {
    return [{ priceKey: `flavor:${flavorId}`, unit: 'hour', quantity: hours, price: flavorPrice, factor }];
  }
  const charges: Charge[] = [];
  const vcpus = Number(record.attributes.vcpus ?? 0);
  const memoryMb = Number(record.attributes.memoryMb ?? 0);
  if (rules.vcpuHour !== undefined && vcpus > 0) {
    const quantity = hours.mul(vcpus);
    charges.push({ priceKey: 'vcpu', unit: 'vcpu-hour', quantity, price: rules.vcpuHour, factor });
  }
  if (rules.ramGibHour !== undefined && memoryMb > 0) {
    const quantity = hours.mul(memoryMb).div(1024);
    charges.push({ priceKey: 'ram', unit: 'ram-gib-hour', quantity, price: rules.ramGibHour, factor });
  }
  return charges;
}

const one = new Dec(1);

function single(priceKey: string, unit: ChargeUnit, quantity: Dec, price: Price | undefined): Charge[] {
  return price === undefined ? [] : [{ priceKey, unit, quantity, price, factor: one }];
}

/**
 * The charges of `record` for `ms` milliseconds of its life (time meters) or for the event itself
 * (event meters, `ms` ignored), under `rules`. Empty when the list has no price for the meter: such
 * usage is not billed by this list.
 */
export function chargesOf(record: UsageRecord, ms: number, rules: PriceRules): Charge[] {
  const meter = parseMeter(record.meter);
  if (!meter) return [];
  const quantity = new Dec(record.quantity);
  // Only the unit the meter needs is computed: a 40-digit division is the rating's main cost.
  const hours = () => quantity.mul(ms).div(MS_PER_HOUR);
  const months = () => quantity.mul(ms).div(MS_PER_MONTH);
  const [dimension = ''] = meter.dimensions;
  switch (meter.family) {
    case 'server:flavor':
      return serverCharges(record, meter.dimensions, hours(), rules);
    case 'volume:gb':
      return single(`volume:${dimension}`, 'gb-month', months(), priceByKey(rules.volumeGbMonth, dimension));
    case 'snapshot:gb':
      return single(
        `snapshot:${dimension}`,
        'gb-month',
        months(),
        priceByKey(rules.snapshotGbMonth, dimension),
      );
    case 'backup:gb':
      return single('backup', 'gb-month', months(), rules.backupGbMonth);
    case 'image:gb':
      return single('image', 'gb-month', months(), rules.imageGbMonth);
    case 'object:bytes':
      return single(
        `object:${dimension}`,
        'gb-month',
        months().div(BYTES_PER_GB),
        priceByKey(rules.objectGbMonth, dimension),
      );
    case 'object:egress':
      return single('egress', 'gb', quantity.div(BYTES_PER_GB), rules.egressGb);
    case 'object:requests':
      return single(`requests:${dimension}`, 'request', quantity, priceByKey(rules.requests, dimension));
    case 'floating-ip:allocated':
      return single('floating-ip', 'hour', hours(), rules.floatingIpHour);
    case 'router:allocated':
      return single('router', 'hour', hours(), rules.routerHour);
    default:
      return [];
  }
}
