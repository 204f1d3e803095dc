// Nova's wire shapes for flavors, key pairs, servers, instance actions and versions, by microversion.
// The only place camelCase records become snake_case JSON.
import { createHash } from 'node:crypto';
import type { Flavor, InstanceAction, KeyPair, Server } from '../model.js';
import { serverStatus } from '../server-state.js';
import { atLeast, type Microversion } from './microversion.js';

/** `…/compute` (self links add /v2.1, bookmarks do not). */
export interface LinkBase {
  root: string;
}

function links(base: LinkBase, collection: string, id: string) {
  return [
    { rel: 'self', href: `${base.root}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${base.root}/${collection}/${id}` },
  ];
}

/** Nova's `created`/`updated`: ISO without fractions, with Z. */
const isoSeconds = (iso: string) => `${iso.slice(0, 19)}Z`;
/** Nova's `launched_at`, `created_at` (key pairs, actions): microseconds, no zone. */
export const isoMicros = (iso: string | null) =>
  iso === null ? null : `${iso.slice(0, 19)}.${iso.slice(20, 23)}000`;

export function flavorBrief(f: Flavor, v: Microversion, base: LinkBase) {
  return {
    id: f.id,
    name: f.name,
    links: links(base, 'flavors', f.id),
    ...(atLeast(v, 55) && { description: f.description }),
  };
}

export function flavorDetail(f: Flavor, v: Microversion, base: LinkBase, showExtraSpecs: boolean) {
  return {
    id: f.id,
    name: f.name,
    ram: f.ramMiB,
    disk: f.diskGib,
    vcpus: f.vcpus,
    swap: f.swapMiB === 0 && !atLeast(v, 75) ? '' : f.swapMiB,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeralGib,
    'OS-FLV-DISABLED:disabled': f.disabled,
    'os-flavor-access:is_public': f.isPublic,
    rxtx_factor: f.rxtxFactor,
    links: links(base, 'flavors', f.id),
    ...(atLeast(v, 55) && { description: f.description }),
    ...(atLeast(v, 61) && showExtraSpecs && { extra_specs: f.extraSpecs }),
  };
}

export function keyPairBrief(k: KeyPair, v: Microversion) {
  return {
    name: k.name,
    public_key: k.publicKey,
    fingerprint: k.fingerprint,
    ...(atLeast(v, 2) && { type: k.type }),
  };
}

export function keyPairCreated(k: KeyPair & { privateKey?: string }, v: Microversion) {
  return {
    ...keyPairBrief(k, v),
    user_id: k.userId,
    ...(k.privateKey !== undefined && { private_key: k.privateKey }),
  };
}

export function keyPairDetail(k: KeyPair, v: Microversion) {
  return {
    ...keyPairBrief(k, v),
    user_id: k.userId,
    created_at: isoMicros(k.createdAt),
    updated_at: null,
    deleted: false,
    deleted_at: null,
    id: 0,
  };
}

/** The security groups a server's created ports got (Nova lists them by name); `default` otherwise. */
export function securityGroupNames(s: Server): { name: string }[] {
  const names = new Set<string>();
  for (const n of s.networks)
    if (n.kind === 'network') for (const g of n.securityGroups ?? []) names.add(g.name);
  return names.size === 0 ? [{ name: 'default' }] : [...names].map((name) => ({ name }));
}

export function serverBrief(s: Server, base: LinkBase) {
  return { id: s.id, name: s.name, links: links(base, 'servers', s.id) };
}

/** Nova's `addresses` by network name; `extended` adds the OS-EXT-IPS type and MAC (not in update/rebuild <2.75). */
export function addresses(s: Server, floating: Map<string, string[]> | undefined, extended = true) {
  const out: Record<string, unknown[]> = {};
  const entry = (version: number, addr: string, type: 'fixed' | 'floating', mac: string) => ({
    version,
    addr,
    ...(extended && { 'OS-EXT-IPS:type': type, 'OS-EXT-IPS-MAC:mac_addr': mac }),
  });
  for (const port of s.ports) {
    const list = out[port.networkName] ?? [];
    for (const ip of port.fixedIps) list.push(entry(ip.version, ip.address, 'fixed', port.macAddress));
    for (const addr of floating?.get(port.portId) ?? [])
      list.push(entry(addr.includes(':') ? 6 : 4, addr, 'floating', port.macAddress));
    out[port.networkName] = list;
  }
  return out;
}

function embeddedFlavor(s: Server, v: Microversion, base: LinkBase) {
  if (!atLeast(v, 47))
    return { id: s.flavorId, links: [{ rel: 'bookmark', href: `${base.root}/flavors/${s.flavorId}` }] };
  return {
    vcpus: s.flavor.vcpus,
    ram: s.flavor.ramMiB,
    disk: s.flavor.diskGib,
    ephemeral: s.flavor.ephemeralGib,
    swap: s.flavor.swapMiB,
    original_name: s.flavor.name,
    extra_specs: s.flavor.extraSpecs,
  };
}

/** Admin-only extended attributes (OS-EXT-SRV-ATTR), 2.3 adds the rest (user_data but in rebuild). */
function adminAttributes(s: Server, v: Microversion, withUserData = true) {
  return {
    'OS-EXT-SRV-ATTR:host': s.host,
    'OS-EXT-SRV-ATTR:hypervisor_hostname': s.host,
    'OS-EXT-SRV-ATTR:instance_name': `instance-${s.id.slice(0, 8)}`,
    ...(atLeast(v, 3) && {
      'OS-EXT-SRV-ATTR:hostname': s.name.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
      'OS-EXT-SRV-ATTR:reservation_id': s.reservationId ?? `r-${s.id.slice(0, 8)}`,
      'OS-EXT-SRV-ATTR:launch_index': s.launchIndex ?? 0,
      'OS-EXT-SRV-ATTR:kernel_id': '',
      'OS-EXT-SRV-ATTR:ramdisk_id': '',
      'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
      ...(withUserData && { 'OS-EXT-SRV-ATTR:user_data': s.userData }),
    }),
  };
}

export interface ServerViewOptions {
  admin: boolean;
  /** Show (not list) adds server_groups from 2.71. */
  single: boolean;
  /** Floating IPs by port id, listed after the port's fixed addresses. */
  floatingIps?: Map<string, string[]>;
  /** Attached volumes by server id (os-extended-volumes:volumes_attached). */
  volumes?: Map<string, { volumeId: string; deleteOnTermination: boolean }[]>;
  /**
   * The answer to an update or a rebuild: below 2.75 Nova leaves out the zone, config drive, key
   * name, usage, security groups, extended status, volumes and admin attributes there (rebuild shows
   * key_name from 2.54 and user_data from 2.57).
   */
  reduced?: 'update' | 'rebuild';
}

function fault(s: Server, status: string, admin: boolean) {
  if (s.fault === null || (status !== 'ERROR' && status !== 'DELETED')) return undefined;
  return {
    code: s.fault.code,
    message: s.fault.message,
    created: isoSeconds(s.fault.createdAt),
    ...(admin && s.fault.details !== null && { details: s.fault.details }),
  };
}

/** Nova's generate_hostid: sha224 of project id and host, '' without a host. */
export function hostIdOf(s: Server): string {
  return s.host === null
    ? ''
    : createHash('sha224')
        .update(s.projectId + s.host)
        .digest('hex');
}

/** Nova's _progress_statuses. */
const PROGRESS_STATUSES = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);

/** What every server view has (Nova's views/servers.py show, before its show_* switches). */
function serverCore(s: Server, v: Microversion, base: LinkBase, o: ServerViewOptions, status: string) {
  const shownFault = fault(s, status, o.admin);
  return {
    id: s.id,
    name: s.name,
    status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: s.metadata,
    hostId: hostIdOf(s),
    image:
      s.imageId === null
        ? ''
        : { id: s.imageId, links: [{ rel: 'bookmark', href: `${base.root}/images/${s.imageId}` }] },
    flavor: embeddedFlavor(s, v, base),
    created: isoSeconds(s.createdAt),
    updated: isoSeconds(s.updatedAt),
    addresses: addresses(s, o.floatingIps, o.reduced === undefined || atLeast(v, 75)),
    accessIPv4: s.accessIpv4 ?? '',
    accessIPv6: s.accessIpv6 ?? '',
    links: links(base, 'servers', s.id),
    'OS-DCF:diskConfig': s.autoDiskConfig ? 'AUTO' : 'MANUAL',
    ...(PROGRESS_STATUSES.has(status) && { progress: 0 }),
    ...(shownFault !== undefined && { fault: shownFault }),
  };
}

/** The attributes Nova's show_AZ, show_config_drive, show_keypair … switches add. */
function serverExtended(s: Server, v: Microversion, o: ServerViewOptions) {
  return {
    'OS-EXT-AZ:availability_zone': s.availabilityZone,
    config_drive: s.configDrive ? 'True' : '',
    key_name: s.keyName,
    'OS-SRV-USG:launched_at': isoMicros(s.launchedAt),
    'OS-SRV-USG:terminated_at': isoMicros(s.terminatedAt),
    security_groups: securityGroupNames(s),
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': s.vmState,
    'OS-EXT-STS:power_state': s.powerState,
    'os-extended-volumes:volumes_attached': (o.volumes?.get(s.id) ?? []).map((a) => ({
      id: a.volumeId,
      ...(atLeast(v, 3) && { delete_on_termination: a.deleteOnTermination }),
    })),
    ...(o.admin && adminAttributes(s, v, o.reduced !== 'rebuild')),
    ...(atLeast(v, 16) && o.admin && { host_status: s.host === null ? '' : 'UP' }),
  };
}

export function serverDetail(s: Server, v: Microversion, base: LinkBase, o: ServerViewOptions) {
  const status = serverStatus(s.vmState, s.taskState);
  const full = o.reduced === undefined || atLeast(v, 75);
  return {
    ...serverCore(s, v, base, o, status),
    ...(full && serverExtended(s, v, o)),
    ...(!full && o.reduced === 'rebuild' && atLeast(v, 54) && { key_name: s.keyName }),
    ...(atLeast(v, 9) && { locked: s.locked }),
    ...(atLeast(v, 19) && { description: s.description }),
    ...(atLeast(v, 26) && { tags: s.tags ?? [] }),
    ...(atLeast(v, 63) && { trusted_image_certificates: null }),
    ...(atLeast(v, 71) && o.single && { server_groups: [] }),
    ...(atLeast(v, 73) && { locked_reason: s.lockedReason }),
    // Rebuild adds user_data itself from 2.57 (and leaves it out of the admin attributes).
    ...(o.reduced === 'rebuild' && atLeast(v, 57) && { user_data: s.userData }),
  };
}

export function instanceActionView(a: InstanceAction, v: Microversion) {
  return {
    action: a.action,
    instance_uuid: a.serverId,
    message: a.message,
    project_id: a.projectId,
    request_id: a.requestId,
    start_time: isoMicros(a.startTime),
    user_id: a.userId,
    ...(atLeast(v, 58) && { updated_at: isoMicros(a.finishTime ?? a.startTime) }),
  };
}
