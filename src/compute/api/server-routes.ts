// Server routes: create (202, the worker boots it), list (brief/detail), show, update, delete, and the
// instance action log (os-instance-actions).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { isUuid } from '../../common/ids.js';
import { isAdmin } from '../compute-policy.js';
import { bootSourceOf } from '../block-device-mapping.js';
import type { RequestedNetwork } from '../model.js';
import type { ServerCreateInput } from '../server-service.js';
import { validateTags } from '../server-tags.js';
import { atLeast, type Microversion } from './microversion.js';
import {
  type ComputeRouteDeps,
  callerOf,
  integer,
  linkBase,
  optionalString,
  requiredString,
  versionOf,
  wrapped,
} from './route-deps.js';
import { serverListOptions, serversLinks } from './server-list-params.js';
import { instanceActionView, securityGroupNames, serverBrief, serverDetail } from './views.js';

type Params = { id: string };

function parseNetworks(raw: unknown, v: Microversion): ServerCreateInput['networks'] {
  if (raw === undefined) {
    if (atLeast(v, 37)) throw errors.badRequest("'networks' is a required property");
    return 'auto';
  }
  if (raw === 'auto' || raw === 'none') {
    if (!atLeast(v, 37)) throw errors.badRequest('Invalid input for field/attribute networks.');
    return raw;
  }
  if (!Array.isArray(raw)) throw errors.badRequest('Invalid input for field/attribute networks.');
  return raw.map((entry: unknown): RequestedNetwork => {
    if (typeof entry !== 'object' || entry === null)
      throw errors.badRequest('Invalid input for field/attribute networks.');
    const n = entry as Record<string, unknown>;
    if (typeof n.port === 'string' && n.port !== '') return { kind: 'port', portId: n.port };
    if (typeof n.uuid !== 'string' || !isUuid(n.uuid))
      throw errors.badRequest(
        `Bad networks format: network uuid is not in proper format (${String(n.uuid)})`,
      );
    return {
      kind: 'network',
      networkId: n.uuid,
      ...(typeof n.fixed_ip === 'string' && { fixedIp: n.fixed_ip }),
    };
  });
}

function parseMetadata(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw errors.badRequest('Invalid input for field/attribute metadata.');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.length === 0 || key.length > 255 || typeof value !== 'string' || value.length > 255) {
      throw errors.badRequest(`Invalid input for field/attribute metadata. Value: ${key}.`);
    }
    out[key] = value;
  }
  return out;
}

function createInput(body: unknown, v: Microversion): ServerCreateInput {
  const s = wrapped(body, 'server');
  const userData = optionalString(s, 'user_data', 65535);
  if (userData !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(userData))
    throw errors.badRequest('Invalid input for field/attribute user_data.');
  const minCount = integer(s, 'min_count', 1, 1);
  const maxCount = integer(s, 'max_count', 1, minCount);
  if (minCount > maxCount) throw errors.badRequest('min_count must be <= max_count');
  if (s.tags !== undefined && !atLeast(v, 52)) {
    throw errors.badRequest("Additional properties are not allowed ('tags' was unexpected)");
  }
  const tags = s.tags === undefined ? undefined : validateTags(s.tags);
  const keyName = optionalString(s, 'key_name');
  const metadata = parseMetadata(s.metadata);
  const availabilityZone = optionalString(s, 'availability_zone');
  const description = atLeast(v, 19) ? optionalString(s, 'description') : undefined;
  const boot = bootSourceOf(s.imageRef, s.block_device_mapping_v2, maxCount);
  const securityGroups = parseSecurityGroups(s.security_groups);
  return {
    name: requiredString(s, 'name'),
    imageRef: boot.kind === 'image' ? boot.imageId : '',
    ...(boot.kind === 'volume' && { rootVolume: boot }),
    flavorRef: requiredString(s, 'flavorRef'),
    networks: parseNetworks(s.networks, v),
    configDrive: s.config_drive === true || s.config_drive === 'true' || s.config_drive === 'True',
    ...(keyName !== undefined && { keyName }),
    ...(metadata !== undefined && { metadata }),
    ...(userData !== undefined && { userData }),
    ...(availabilityZone !== undefined && { availabilityZone }),
    ...(description !== undefined && { description }),
    minCount,
    // One request boots at most MAX_COUNT servers (fewer still when quota allows fewer).
    maxCount: Math.min(maxCount, MAX_COUNT),
    ...(tags !== undefined && { tags }),
    ...(securityGroups !== undefined && { securityGroups }),
  };
}

/** `security_groups: [{"name": "web"}, …]` (a name or an id in `name`, as Nova accepts). */
function parseSecurityGroups(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.length === 0)
    throw errors.badRequest('Invalid input for field/attribute security_groups.');
  return raw.map((g: unknown) => {
    const name = typeof g === 'object' && g !== null ? (g as Record<string, unknown>).name : undefined;
    if (typeof name !== 'string' || name.length === 0 || name.length > 255)
      throw errors.badRequest('Invalid input for field/attribute security_groups.');
    return name;
  });
}

/** The most servers one create request boots. */
const MAX_COUNT = 1000;

function flagValue(raw: unknown): boolean {
  return raw === true || raw === 'true' || raw === 'True' || raw === '1';
}

export function registerServerRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const { servers } = deps;

  app.post('/v2.1/servers', async (request, reply) => {
    const v = versionOf(request);
    const server = await servers.create(callerOf(request), createInput(request.body, v), request.id);
    if (flagValue(wrapped(request.body, 'server').return_reservation_id)) {
      return reply.status(202).send({ reservation_id: server.reservationId });
    }
    const base = linkBase(request, deps.publicUrl);
    return reply.status(202).send({
      server: {
        ...serverBrief(server, base),
        'OS-DCF:diskConfig': 'MANUAL',
        security_groups: securityGroupNames(server),
      },
    });
  });

  const floatingOf = async (list: { ports: { portId: string }[] }[]) =>
    deps.floatingIps?.(list.flatMap((s) => s.ports.map((p) => p.portId))) ?? new Map<string, string[]>();

  type Listed = Parameters<NonNullable<ComputeRouteDeps['volumes']>['volumesOf']>[0];
  const volumesOf = async (list: Listed) => (await deps.volumes?.volumesOf(list)) ?? new Map();

  const list = (detail: boolean) => async (request: FastifyRequest) => {
    const auth = callerOf(request);
    const listOptions = serverListOptions(request, auth);
    const found = await servers.list(auth, listOptions);
    const v = versionOf(request);
    const base = linkBase(request, deps.publicUrl);
    const options = {
      admin: isAdmin(auth),
      single: false,
      ...(detail && { floatingIps: await floatingOf(found), volumes: await volumesOf(found) }),
    };
    const links = serversLinks(
      request,
      `${base.root}/v2.1/servers${detail ? '/detail' : ''}`,
      found,
      listOptions.limit,
    );
    return {
      servers: found.map((s) => (detail ? serverDetail(s, v, base, options) : serverBrief(s, base))),
      ...(links !== undefined && { servers_links: links }),
    };
  };
  app.get('/v2.1/servers', list(false));
  app.get('/v2.1/servers/detail', list(true));

  app.get<{ Params: Params }>('/v2.1/servers/:id', async (request) => {
    const auth = callerOf(request);
    const server = await servers.visible(auth, request.params.id);
    const base = linkBase(request, deps.publicUrl);
    const options = {
      admin: isAdmin(auth),
      single: true,
      floatingIps: await floatingOf([server]),
      volumes: await volumesOf([server]),
    };
    return { server: serverDetail(server, versionOf(request), base, options) };
  });

  app.put<{ Params: Params }>('/v2.1/servers/:id', async (request) => {
    const auth = callerOf(request);
    const v = versionOf(request);
    const s = wrapped(request.body, 'server');
    const name = optionalString(s, 'name');
    const description =
      atLeast(v, 19) && 'description' in s
        ? s.description === null
          ? null
          : optionalString(s, 'description')
        : undefined;
    const server = await servers.update(auth, request.params.id, {
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description }),
    });
    return {
      server: serverDetail(server, v, linkBase(request, deps.publicUrl), {
        admin: isAdmin(auth),
        single: true,
      }),
    };
  });

  app.delete<{ Params: Params }>('/v2.1/servers/:id', async (request, reply) => {
    await servers.remove(callerOf(request), request.params.id, request.id);
    return reply.status(204).send();
  });

  app.get<{ Params: Params }>('/v2.1/servers/:id/os-instance-actions', async (request) => {
    const v = versionOf(request);
    const list = await deps.actions.actions(callerOf(request), request.params.id);
    return { instanceActions: list.map((a) => instanceActionView(a, v)) };
  });
}
