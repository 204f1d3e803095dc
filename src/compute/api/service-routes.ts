// os-services (cloud admin only): list (filters host, binary), enable/disable/force down a
// nova-compute service (2.53: PUT /os-services/{uuid}; before: PUT /os-services/{action} with host and
// binary in the body), and delete a nova-compute service with no servers.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { AuthContext } from '../../common/http/context.js';
import { isUuid } from '../../common/ids.js';
import { isoMicros, serviceView } from './host-views.js';
import { atLeast, type Microversion } from './microversion.js';
import {
  type ComputeAdminRouteDeps,
  callerOf,
  objectBody,
  optionalString,
  queryOf,
  versionOf,
} from './route-deps.js';
import { SERVICE_UPDATE } from './schemas/misc-schemas.js';

type Change = { disabled?: boolean; disabledReason?: string | null; forcedDown?: boolean };

function booleanField(body: Record<string, unknown>, key: string): boolean | undefined {
  const raw = body[key];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'boolean') throw errors.badRequest(`Invalid input for field/attribute ${key}.`);
  return raw;
}

/** The 2.53 body: status and/or forced_down; a reason only when disabling. */
function modernChange(body: Record<string, unknown>): Change {
  for (const key of Object.keys(body)) {
    if (!['status', 'disabled_reason', 'forced_down'].includes(key)) {
      throw errors.badRequest(`Additional properties are not allowed ('${key}' was unexpected)`);
    }
  }
  const status = body.status;
  if (status !== undefined && status !== 'enabled' && status !== 'disabled') {
    throw errors.badRequest(`Invalid input for field/attribute status. Value: ${JSON.stringify(status)}.`);
  }
  const reason = optionalString(body, 'disabled_reason');
  const forcedDown = booleanField(body, 'forced_down');
  if (status === undefined && forcedDown === undefined) {
    throw errors.badRequest('No updates were requested. Fields status or forced_down should be specified.');
  }
  if (reason !== undefined && status !== 'disabled') {
    throw errors.badRequest('Specifying a disabled reason is not supported unless disabling a service.');
  }
  return {
    ...(status !== undefined && { disabled: status === 'disabled' }),
    ...(reason !== undefined && { disabledReason: reason }),
    ...(forcedDown !== undefined && { forcedDown }),
  };
}

/** Before 2.53: PUT /os-services/{enable|disable|disable-log-reason|force-down} {host, binary, …}. */
async function legacyUpdate(
  deps: ComputeAdminRouteDeps,
  auth: AuthContext,
  action: string,
  body: Record<string, unknown>,
  v: Microversion,
) {
  const host = optionalString(body, 'host');
  const binary = optionalString(body, 'binary');
  if (host === undefined || binary === undefined) throw errors.badRequest('host and binary are required.');
  let change: Change;
  if (action === 'enable') change = { disabled: false };
  else if (action === 'disable') change = { disabled: true };
  else if (action === 'disable-log-reason') {
    const reason = optionalString(body, 'disabled_reason');
    if (reason === undefined) throw errors.badRequest('Missing disabled reason field');
    change = { disabled: true, disabledReason: reason };
  } else if (action === 'force-down' && atLeast(v, 11)) {
    const forcedDown = booleanField(body, 'forced_down');
    if (forcedDown === undefined) throw errors.badRequest('Missing forced_down field');
    change = { forcedDown };
  } else throw errors.routeNotFound('PUT', `/os-services/${action}`);
  const service = await deps.hosts.updateByHost(auth, host, binary, change);
  if (action === 'force-down') return { service: { host, binary, forced_down: service.forcedDown } };
  return {
    service: {
      host,
      binary,
      status: service.disabled ? 'disabled' : 'enabled',
      ...(action === 'disable-log-reason' && { disabled_reason: service.disabledReason }),
    },
  };
}

export function registerServiceRoutes(app: FastifyInstance, deps: ComputeAdminRouteDeps): void {
  app.get('/v2.1/os-services', async (request) => {
    const v = versionOf(request);
    const query = queryOf(request);
    const all = await deps.hosts.services(callerOf(request));
    return {
      services: all
        .filter((s) => query.host === undefined || s.host === query.host)
        .filter((s) => query.binary === undefined || s.binary === query.binary)
        .map((s) => serviceView(s, v)),
    };
  });

  app.put<{ Params: { id: string } }>(
    '/v2.1/os-services/:id',
    { config: { nova: { body: SERVICE_UPDATE } } },
    async (request) => {
      const v = versionOf(request);
      const auth = callerOf(request);
      const body = objectBody(request.body);
      if (!atLeast(v, 53)) return legacyUpdate(deps, auth, request.params.id, body, v);
      if (!isUuid(request.params.id)) throw errors.badRequest(`Invalid uuid ${request.params.id}`);
      const service = await deps.hosts.update(auth, request.params.id, modernChange(body));
      return { service: serviceView(service, v) };
    },
  );

  // Cloud admins: every zone with its hosts and their services (the control plane in zone internal).
  app.get('/v2.1/os-availability-zone/detail', async (request) => {
    const all = await deps.hosts.services(callerOf(request));
    const zones = new Map<string, Record<string, Record<string, unknown>>>();
    for (const s of all) {
      const hosts = zones.get(s.zone) ?? {};
      hosts[s.host] = {
        ...hosts[s.host],
        [s.binary]: { available: s.up, active: !s.disabled, updated_at: isoMicros(s.updatedAt) },
      };
      zones.set(s.zone, hosts);
    }
    return {
      availabilityZoneInfo: [...zones.entries()].map(([zoneName, hosts]) => ({
        zoneName,
        zoneState: {
          available: all.some((s) => s.zone === zoneName && s.up && !s.disabled),
        },
        hosts,
      })),
    };
  });

  app.delete<{ Params: { id: string } }>('/v2.1/os-services/:id', async (request, reply) => {
    const v = versionOf(request);
    if (atLeast(v, 53) && !isUuid(request.params.id)) {
      throw errors.badRequest(`Invalid uuid ${request.params.id}`);
    }
    await deps.hosts.remove(callerOf(request), request.params.id, atLeast(v, 53));
    return reply.status(204).send();
  });
}
