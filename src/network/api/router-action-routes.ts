// PUT /v2.0/routers/{id}/add_router_interface and remove_router_interface: a subnet or a port, checked
// against the action's TypeBox schema with Neutron's messages ("Bad router request: ...").
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, badResourceRequest } from '../errors.js';
import type { NetworkServices } from '../services.js';
import { callerOf } from './request-util.js';
import { isUuidLike } from './validation/formats.js';
import { UuidSchema } from './validation/kinds.js';
import { pyStr } from '../../common/py-repr.js';

export const InterfaceInfoSchema = Type.Object(
  { subnet_id: Type.Optional(UuidSchema), port_id: Type.Optional(UuidSchema) },
  { additionalProperties: false },
);
const check = TypeCompiler.Compile(InterfaceInfoSchema);

export interface InterfaceInfo {
  subnet_id?: string;
  port_id?: string;
}

/** Neutron's _validate_interface_info, behind the schema. */
export function prepareInterfaceInfo(body: unknown, forRemoval: boolean): InterfaceInfo {
  const info = (body ?? {}) as Record<string, unknown>;
  if (typeof info !== 'object' || Array.isArray(info))
    throw badRequest('Body contains invalid data', 'HTTPBadRequest');
  const extra = Object.keys(info).filter((k) => k !== 'subnet_id' && k !== 'port_id');
  if (extra.length > 0) throw badRequest(`Unrecognized attribute(s) '${extra.join(', ')}'`, 'HTTPBadRequest');
  if (info.subnet_id === undefined && info.port_id === undefined)
    throw badResourceRequest('router', 'Either subnet_id or port_id must be specified');
  for (const key of ['port_id', 'subnet_id'] as const) {
    const v = info[key];
    if (v !== undefined && (typeof v !== 'string' || !isUuidLike(v)))
      throw badResourceRequest('router', `'${pyStr(v)}' is not a valid UUID`);
  }
  if (!forRemoval && info.subnet_id !== undefined && info.port_id !== undefined)
    throw badResourceRequest('router', 'Cannot specify both subnet-id and port-id');
  if (!check.Check(info)) throw badRequest('Body contains invalid data', 'HTTPBadRequest');
  return info as InterfaceInfo;
}

export function registerRouterActions(app: FastifyInstance, services: NetworkServices): void {
  const infoOf = (request: FastifyRequest) => request.neutron?.changes as InterfaceInfo;
  app.put<{ Params: { id: string } }>('/v2.0/routers/:id/add_router_interface', {
    config: { declaredBody: InterfaceInfoSchema },
    preHandler: async (request) => {
      request.neutron = {
        query: {},
        items: [],
        bulk: false,
        changes: { ...prepareInterfaceInfo(request.body, false) },
      };
    },
    handler: async (request) =>
      services.routers.addInterface(callerOf(request), request.params.id, infoOf(request)),
  });
  app.put<{ Params: { id: string } }>('/v2.0/routers/:id/remove_router_interface', {
    config: { declaredBody: InterfaceInfoSchema },
    preHandler: async (request) => {
      request.neutron = {
        query: {},
        items: [],
        bulk: false,
        changes: { ...prepareInterfaceInfo(request.body, true) },
      };
    },
    handler: async (request) =>
      services.routers.removeInterface(callerOf(request), request.params.id, infoOf(request)),
  });
}
