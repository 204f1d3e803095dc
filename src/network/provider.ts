// Provider attributes of networks, after ML2's flat and vxlan type drivers. A project network is a
// vxlan segment with a VNI from the pool; the admin may ask for a given VNI, or for a flat network on
// the one physical network, `public`: the host's side of the data plane, which holds the gateway
// addresses of the network's subnets. Every network is one isolated bridge; a flat one on `public` is
// also linked to the host's root namespace.
import type { AuthContext } from '../common/http/context.js';
import { conflict, invalidInput } from './errors.js';
import type { NetContext } from './context.js';
import type { Rec } from './network-store.js';

export const PHYSICAL_NETWORKS = ['public'];
export const VNI_MIN = 1;
export const VNI_MAX = 16_777_215;

const KEYS = ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'] as const;

export interface Segment {
  'provider:network_type': 'flat' | 'vxlan';
  'provider:physical_network': string | null;
  'provider:segmentation_id': number | null;
}

function asked(body: Record<string, unknown>): string[] {
  return KEYS.filter((k) => body[k] !== undefined);
}

async function freeVni(networks: Rec[]): Promise<number> {
  const used = new Set(
    networks.filter((n) => n['provider:network_type'] === 'vxlan').map((n) => n['provider:segmentation_id']),
  );
  for (let vni = VNI_MIN; vni <= VNI_MAX && vni < VNI_MIN + 1_000_000; vni++) if (!used.has(vni)) return vni;
  throw conflict(
    'Unable to create the network. No tenant network is available for allocation.',
    'NoNetworkAvailable',
  );
}

function flatSegment(body: Record<string, unknown>, networks: Rec[]): Segment {
  const physnet = body['provider:physical_network'];
  if (typeof physnet !== 'string' || physnet === '')
    throw invalidInput('physical_network required for flat provider network');
  if (!PHYSICAL_NETWORKS.includes(physnet))
    throw invalidInput(`physical_network '${physnet}' unknown for flat provider network`);
  if (body['provider:segmentation_id'] !== undefined)
    throw invalidInput('provider:segmentation_id prohibited for flat provider network');
  if (
    networks.some((n) => n['provider:network_type'] === 'flat' && n['provider:physical_network'] === physnet)
  )
    throw conflict(
      `Unable to create the flat network. Physical network ${physnet} is in use.`,
      'FlatNetworkInUse',
    );
  return {
    'provider:network_type': 'flat',
    'provider:physical_network': physnet,
    'provider:segmentation_id': null,
  };
}

async function vxlanSegment(body: Record<string, unknown>, networks: Rec[]): Promise<Segment> {
  const physnet = body['provider:physical_network'];
  if (physnet !== undefined && physnet !== null && physnet !== '')
    throw invalidInput('provider:physical_network specified for vxlan network');
  const wanted = body['provider:segmentation_id'];
  if (wanted === undefined)
    return {
      'provider:network_type': 'vxlan',
      'provider:physical_network': null,
      'provider:segmentation_id': await freeVni(networks),
    };
  const vni = Number(wanted);
  if (vni < VNI_MIN || vni > VNI_MAX)
    throw invalidInput(`segmentation_id ${vni} out of range (${VNI_MIN} through ${VNI_MAX})`);
  if (networks.some((n) => n['provider:network_type'] === 'vxlan' && n['provider:segmentation_id'] === vni))
    throw conflict(`Unable to create the network. The tunnel ID ${vni} is in use.`, 'TunnelIdInUse');
  return {
    'provider:network_type': 'vxlan',
    'provider:physical_network': null,
    'provider:segmentation_id': vni,
  };
}

/**
 * The segment of a new network (callers hold the lock). The create_network:provider:* rules were
 * checked before (admin only by default).
 */
export async function segmentFor(
  ctx: NetContext,
  auth: AuthContext,
  body: Record<string, unknown>,
): Promise<Segment> {
  const keys = asked(body);
  const networks = await ctx.store.list('network');
  const type = body['provider:network_type'];
  if (type === undefined && keys.length > 0) throw invalidInput('network_type required');
  if (type === 'flat') return flatSegment(body, networks);
  return vxlanSegment(body, networks);
}

/** Provider attributes cannot change on flat or vxlan networks (ML2 updates VLAN segments only). */
export function checkSegmentUpdate(auth: AuthContext, net: Rec, body: Record<string, unknown>): void {
  const keys = asked(body);
  if (keys.length === 0) return;
  if (keys.some((k) => body[k] !== net[k])) throw invalidInput('Only VLAN type networks can be updated');
}

/** True when the network is linked to the host's root namespace (flat on a physical network). */
export function hasUplink(net: Rec): boolean {
  return net['provider:network_type'] === 'flat' && typeof net['provider:physical_network'] === 'string';
}

/**
 * Rows written before provider attributes were real say `flat` with no physical network. The external
 * network among them becomes flat on `public` (it is the one linked to the host); every other one
 * becomes a vxlan segment with a VNI of its own. Idempotent; runs at start-up.
 */
export async function upgradeLegacySegments(ctx: NetContext): Promise<number> {
  return ctx.exclusive(async () => {
    const networks = await ctx.store.list('network');
    const legacy = networks.filter(
      (n) => n['provider:network_type'] === 'flat' && n['provider:physical_network'] === null,
    );
    let changed = 0;
    for (const net of legacy) {
      const physnetFree = !networks.some((n) => hasUplink(n));
      const segment: Segment =
        net['router:external'] === true && physnetFree
          ? {
              'provider:network_type': 'flat',
              'provider:physical_network': 'public',
              'provider:segmentation_id': null,
            }
          : await vxlanSegment({}, networks);
      Object.assign(net, segment);
      await ctx.store.update(net);
      changed += 1;
    }
    return changed;
  });
}
