// A validated server create body (schemas/server-schemas.ts) → the service's ServerCreateInput, with
// the rules Nova's servers controller applies after its schema (nova/api/openstack/compute/servers.py
// create, _get_requested_networks, helpers.translate_attributes): networks, counts, personality,
// scheduler hints and the 2.74 requested host. What Nuage does not do is refused here with Nova's 400s.
import { errors } from '../../common/errors/codes.js';
import { bootSourceOf } from '../block-device-mapping.js';
import type { InjectedFile } from '../injection.js';
import type { RequestedNetwork, ServerRequestSpec } from '../model.js';
import type { ServerCreateInput } from '../server-service.js';
import { atLeast, type Microversion } from './microversion.js';
import { isTrue } from './schemas/parameter-types.js';
import type { SchedulerHints, ServerCreateBody } from './schemas/server-schemas.js';
import { canonicalIpv6, canonicalUuid, isUuidLike } from './validation/nova-formats.js';

type Body = ServerCreateBody['server'];

/** nova.api.openstack.common.get_id_from_href: the last path segment of a URL, or the value itself. */
export function idFromHref(ref: string | number): string {
  const text = String(ref);
  try {
    return new URL(text).pathname.split('/').at(-1) ?? text;
  } catch {
    return text.split('?')[0]?.split('/').at(-1) ?? text;
  }
}

const deviceTagsUnsupported = () =>
  errors.badRequest('Device tagging is not supported by this cloud: tags on networks and block devices.');

function requestedNetworks(s: Body): ServerCreateInput['networks'] {
  const raw = s.networks;
  // Before 2.37 no networks means Nova's "all the networks the project may use": auto allocation here.
  if (raw === undefined) return 'auto';
  if (raw === 'auto' || raw === 'none') return raw;
  return raw.map((n): RequestedNetwork => {
    if (n.tag !== undefined) throw deviceTagsUnsupported();
    if (n.port) {
      if (n.fixed_ip !== undefined)
        throw errors.badRequest(
          `Specified Fixed IP '${n.fixed_ip}' cannot be used with port '${n.port}': the two cannot be specified together.`,
        );
      return { kind: 'port', portId: canonicalUuid(n.port) };
    }
    if (n.uuid === undefined) throw errors.badRequest('Bad network format: missing uuid');
    // Nova also takes "br-<uuid>" (a bridge name); from 2.37 the schema admits uuids only.
    const id = isUuidLike(n.uuid) ? n.uuid : n.uuid.split('-').slice(1).join('-');
    if (!isUuidLike(id))
      throw errors.badRequest(`Bad networks format: network uuid is not in proper format (${n.uuid})`);
    return {
      kind: 'network',
      networkId: canonicalUuid(id),
      ...(n.fixed_ip !== undefined && { fixedIp: n.fixed_ip }),
    };
  });
}

/** Nova's _decode_base64 of each personality file (400 when one does not decode). */
export function personalityFiles(personality: unknown[] | undefined): InjectedFile[] | undefined {
  if (personality === undefined) return undefined;
  return (personality as { path?: string; contents?: string }[]).map((f) => {
    const contents = f.contents ?? '';
    const text = contents.replace(/\s/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
      throw errors.badRequest(`Personality content for ${f.path ?? ''} cannot be decoded`);
    return { path: f.path ?? '', contents: Buffer.from(text, 'base64') };
  });
}

/** os:scheduler_hints (or the OS-SCH-HNT: spelling) and the 2.74 host, as Nova's RequestSpec keeps them. */
function requestSpecOf(body: ServerCreateBody): ServerRequestSpec | undefined {
  const hints: SchedulerHints | undefined = body['os:scheduler_hints'] ?? body['OS-SCH-HNT:scheduler_hints'];
  const host = body.server.host ?? body.server.hypervisor_hostname;
  if (body.server.host !== undefined && body.server.hypervisor_hostname !== undefined) {
    // One node per host here: naming both is fine when they agree.
    if (body.server.host !== body.server.hypervisor_hostname)
      throw errors.badRequest(
        `Compute host ${body.server.host} with node ${body.server.hypervisor_hostname} could not be found.`,
      );
  }
  if (hints === undefined && host === undefined) return undefined;
  return {
    ...(hints !== undefined && Object.keys(hints).length > 0 && { schedulerHints: hints }),
    ...(host !== undefined && { requestedHost: host }),
  };
}

function counts(s: Body) {
  const minCount = s.min_count === undefined ? 1 : Number(s.min_count);
  const maxCount = s.max_count === undefined ? minCount : Number(s.max_count);
  if (minCount > maxCount) throw errors.badRequest('min_count must be <= max_count');
  return { minCount, maxCount };
}

function refuseUnsupported(s: Body): void {
  if (s.block_device_mapping !== undefined)
    throw errors.badRequest(
      'Block Device Mapping is Invalid: the legacy block_device_mapping is not supported; use block_device_mapping_v2.',
    );
  if (s.block_device_mapping_v2?.some((m) => m.tag !== undefined)) throw deviceTagsUnsupported();
  // Nova verifies the image's signature against these certificates through a key manager; Nuage has none.
  if (s.trusted_image_certificates)
    throw errors.badRequest(
      'Image certificate validation failed: this cloud has no key manager to verify image signatures.',
    );
}

export function serverCreateInput(body: ServerCreateBody, v: Microversion): ServerCreateInput {
  const s = body.server;
  refuseUnsupported(s);
  const { minCount, maxCount } = counts(s);
  const boot = bootSourceOf(s.imageRef, s.block_device_mapping_v2, maxCount);
  const files = personalityFiles(s.personality);
  const requestSpec = requestSpecOf(body);
  // Nova names only the groups that have a name, once each.
  const securityGroups = s.security_groups?.flatMap((g) => (g.name ? [g.name] : []));
  return {
    name: s.name,
    imageRef: boot.kind === 'image' ? boot.imageId : '',
    ...(boot.kind === 'volume' && { rootVolume: boot }),
    flavorRef: idFromHref(s.flavorRef),
    networks: requestedNetworks(s),
    configDrive: isTrue(s.config_drive),
    ...(s.key_name !== undefined && { keyName: s.key_name }),
    ...(s.metadata !== undefined && { metadata: s.metadata }),
    ...(s.user_data !== undefined && { userData: s.user_data }),
    ...(s.availability_zone !== undefined && { availabilityZone: s.availability_zone }),
    // Below 2.19 Nova stores the name as the description.
    description: atLeast(v, 19) ? (s.description ?? null) : s.name,
    minCount,
    maxCount,
    ...(s.tags !== undefined && { tags: [...new Set(s.tags)] }),
    ...(securityGroups !== undefined && securityGroups.length > 0 && { securityGroups }),
    ...(s.adminPass !== undefined && { adminPass: s.adminPass }),
    ...(files !== undefined && { files }),
    ...(s.accessIPv4 !== undefined && { accessIpv4: s.accessIPv4 }),
    ...(s.accessIPv6 !== undefined && { accessIpv6: canonicalIpv6(s.accessIPv6) }),
    ...(s['OS-DCF:diskConfig'] !== undefined && { autoDiskConfig: s['OS-DCF:diskConfig'] === 'AUTO' }),
    ...(requestSpec !== undefined && { requestSpec }),
  };
}
