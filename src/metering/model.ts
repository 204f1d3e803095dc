// The metering vocabulary: a usage record (what one resource consumed under one meter, from when to
// when) and the meters the services write. A meter is a colon-separated name whose first segments say
// what is counted and how (see parseMeter); the rest are its dimensions (flavor, state, volume type…).

/** The resource kinds whose usage is recorded. */
export type UsageResourceType =
  'server' | 'volume' | 'snapshot' | 'backup' | 'image' | 'object-store' | 'floating-ip' | 'router';

export interface UsageRecord {
  id: string;
  resourceType: string;
  resourceId: string;
  projectId: string;
  meter: string;
  /** A decimal number as text (GB, bytes, count, 1 for a server). */
  quantity: string;
  /** What the rating and the usage views need that may change or vanish later (flavor shape, name). */
  attributes: Record<string, unknown>;
  /** ISO-8601 UTC with milliseconds. */
  startedAt: string;
  /** Null while open; equal to startedAt for an event meter. */
  endedAt: string | null;
}

/** The server states a usage record distinguishes (Nova's vm_state folded into what is billed). */
export const SERVER_USAGE_STATES = [
  'running',
  'stopped',
  'paused',
  'suspended',
  'shelved',
  'rescued',
  'error',
] as const;
export type ServerUsageState = (typeof SERVER_USAGE_STATES)[number];

/** What a server's record keeps of its flavor and name, so usage views survive their later change. */
export interface ServerUsageAttributes {
  name: string;
  flavorName: string;
  vcpus: number;
  memoryMb: number;
  /** root + ephemeral disk, GB (Nova's local_gb). */
  localGb: number;
  /** Nova's vm_state while this record was open (active, stopped, paused…). */
  vmState: string;
}

/** How a meter's quantity accrues: over time (GB kept for hours) or at once (bytes sent, requests). */
export type MeterKind = 'time' | 'event';

export interface ParsedMeter {
  /** The meter without its dimensions, e.g. `server:flavor`, `volume:gb`, `object:egress`. */
  family: string;
  kind: MeterKind;
  /** server:flavor: [flavorId, state]; volume:gb: [volumeType]; object:bytes: [policy]… */
  dimensions: string[];
}

/**
 * The meters the services write:
 * - `server:flavor:<flavorId>:<state>` quantity 1, time;
 * - `volume:gb:<volumeType>`, `snapshot:gb:<volumeType>`, `backup:gb`, `image:gb`: GB (GiB), time;
 * - `object:bytes:<storagePolicy>`: bytes stored, time; `object:egress:bytes`: bytes sent, event;
 *   `object:requests:<class>`: request count, event;
 * - `floating-ip:allocated`, `router:allocated`: quantity 1, time.
 */
const FAMILIES: Record<string, { kind: MeterKind; dimensions: number }> = {
  'server:flavor': { kind: 'time', dimensions: 2 },
  'volume:gb': { kind: 'time', dimensions: 1 },
  'snapshot:gb': { kind: 'time', dimensions: 1 },
  'backup:gb': { kind: 'time', dimensions: 0 },
  'image:gb': { kind: 'time', dimensions: 0 },
  'object:bytes': { kind: 'time', dimensions: 1 },
  'object:egress': { kind: 'event', dimensions: 1 },
  'object:requests': { kind: 'event', dimensions: 1 },
  'floating-ip:allocated': { kind: 'time', dimensions: 0 },
  'router:allocated': { kind: 'time', dimensions: 0 },
};

/** The meter's family, kind and dimensions; undefined for a name no service writes. */
export function parseMeter(meter: string): ParsedMeter | undefined {
  const parts = meter.split(':');
  for (const take of [2, 1]) {
    const family = parts.slice(0, take).join(':');
    const known = FAMILIES[family];
    if (known && parts.length - take === known.dimensions) {
      return { family, kind: known.kind, dimensions: parts.slice(take) };
    }
  }
  return undefined;
}

export const meters = {
  server: (flavorId: string, state: ServerUsageState) => `server:flavor:${flavorId}:${state}`,
  volume: (volumeType: string) => `volume:gb:${volumeType}`,
  snapshot: (volumeType: string) => `snapshot:gb:${volumeType}`,
  backup: () => 'backup:gb',
  image: () => 'image:gb',
  objectBytes: (storagePolicy: string) => `object:bytes:${storagePolicy}`,
  egressBytes: () => 'object:egress:bytes',
  requests: (requestClass: string) => `object:requests:${requestClass}`,
  floatingIp: () => 'floating-ip:allocated',
  router: () => 'router:allocated',
} as const;
