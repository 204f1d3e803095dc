// Price lists: per region and currency, valid from a date until another (or open-ended), holding the
// rules that give each meter its unit price: per flavor (or per vCPU and GiB of RAM) and hour with a
// factor per server state, per GB-month by volume type and storage policy, per GB out, per request,
// per floating-IP and router hour. Any price may be a list of tiers (volume discounts).
import type { ServerUsageState } from './model.js';

/** A tier: the unit price for consumption up to `upTo` (cumulative, in the rule's unit; null: no limit). */
export interface PriceTier {
  upTo: string | null;
  price: string;
}

/** A unit price as decimal text, or tiers ordered by `upTo`. */
export type Price = string | { tiers: PriceTier[] };

export interface PriceRules {
  /**
   * The share of a server's compute price charged in each state, as a decimal factor (e.g. stopped
   * "0"). A state not listed is charged in full: the default rule bills running, paused, suspended,
   * rescued and error time, and nothing for stopped and shelved servers.
   */
  serverStates?: Partial<Record<ServerUsageState, string>>;
  /** Per hour, by flavor id or flavor name (the id wins). */
  flavors?: Record<string, Price>;
  /** Per vCPU-hour and per GiB-of-RAM-hour, for servers whose flavor has no price of its own. */
  vcpuHour?: Price;
  ramGibHour?: Price;
  /** Per GB-month, by volume type ('*' for any other type). */
  volumeGbMonth?: Record<string, Price>;
  snapshotGbMonth?: Record<string, Price>;
  backupGbMonth?: Price;
  imageGbMonth?: Price;
  /** Per GB-month stored, by storage policy ('*' for any other). */
  objectGbMonth?: Record<string, Price>;
  /** Per GB sent out of the object store. */
  egressGb?: Price;
  /** Per request, by request class (e.g. put, get; '*' for any other). */
  requests?: Record<string, Price>;
  floatingIpHour?: Price;
  routerHour?: Price;
}

export interface PriceList {
  id: string;
  name: string;
  region: string;
  /** ISO 4217, e.g. EUR. */
  currency: string;
  /** ISO-8601 UTC; the list applies to usage at or after this instant… */
  validFrom: string;
  /** …and before this one (null: until further notice). */
  validUntil: string | null;
  rules: PriceRules;
}

/** The default state rule: stopped and shelved servers cost nothing, every other state in full. */
export const DEFAULT_SERVER_STATE_FACTORS: Record<ServerUsageState, string> = {
  running: '1',
  paused: '1',
  suspended: '1',
  rescued: '1',
  error: '1',
  stopped: '0',
  shelved: '0',
};

/** The price keyed by `key`, else by '*'; undefined when neither is listed. */
export function priceByKey(prices: Record<string, Price> | undefined, key: string): Price | undefined {
  if (!prices) return undefined;
  return Object.hasOwn(prices, key) ? prices[key] : Object.hasOwn(prices, '*') ? prices['*'] : undefined;
}
