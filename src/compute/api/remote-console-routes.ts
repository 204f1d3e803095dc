// Nova's remote consoles: POST /servers/{id}/remote-consoles (2.6+) and the legacy os-getVNCConsole and
// os-getSerialConsole actions (2.1–2.5). Each answers a URL carrying a short-lived console token; the
// console proxy (src/console/) checks it when the browser or client connects.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { AuthContext } from '../../common/http/context.js';
import { requireWriter } from '../compute-policy.js';
import type { ServerService } from '../server-service.js';
import { atLeast } from './microversion.js';
import { callerOf, objectBody, versionOf, wrapped } from './route-deps.js';

/** Nova's `serial` and `vnc` protocols (the driver's ConsoleKind). */
export type ConsoleKind = 'serial' | 'vnc';

/** What the routes need from the console module. */
export interface RemoteConsoles {
  /** Whether this deployment can serve `kind` consoles at all (a driver without them cannot). */
  supports(kind: ConsoleKind): boolean;
  /** A URL for a new token on `kind` of `serverId`, under the API's public root `root`. */
  url(root: string, serverId: string, kind: ConsoleKind): string;
}

export interface RemoteConsoleRouteDeps {
  servers: ServerService;
  consoles: RemoteConsoles;
  publicUrl: string;
}

// Nova's schema enums (create_v26, create_v28 adds mks/webmks); the pairs Nova's handlers accept.
const PROTOCOLS_26 = ['vnc', 'spice', 'rdp', 'serial'];
const TYPES_26 = ['novnc', 'xvpvnc', 'rdp-html5', 'spice-html5', 'serial'];
const SUPPORTED: Record<string, { kind: ConsoleKind; types: string[] }> = {
  vnc: { kind: 'vnc', types: ['novnc'] },
  serial: { kind: 'serial', types: ['serial'] },
};
export const LEGACY_CONSOLE_ACTIONS: Record<string, { protocol: string; types: string[] }> = {
  'os-getVNCConsole': { protocol: 'vnc', types: ['novnc', 'xvpvnc'] },
  'os-getSPICEConsole': { protocol: 'spice', types: ['spice-html5'] },
  'os-getRDPConsole': { protocol: 'rdp', types: ['rdp-html5'] },
  'os-getSerialConsole': { protocol: 'serial', types: ['serial'] },
};

/** The action route's body schemas for the legacy actions: one action, only `type` inside (checked below). */
export const LEGACY_CONSOLE_SCHEMAS: Record<string, TSchema> = Object.fromEntries(
  Object.keys(LEGACY_CONSOLE_ACTIONS).map((name) => [
    name,
    Type.Object(
      { [name]: Type.Object({ type: Type.Optional(Type.Unknown()) }, { additionalProperties: false }) },
      { additionalProperties: false },
    ),
  ]),
);

const consoleCreate = (protocols: string[], types: string[]) =>
  Type.Object(
    {
      remote_console: Type.Object(
        {
          protocol: Type.Unsafe<string>({ type: 'string', enum: protocols }),
          type: Type.Unsafe<string>({ type: 'string', enum: types }),
        },
        { required: ['protocol', 'type'], additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  );

/** Nova's create_v26 and create_v28 (mks/webmks) schemas; the route exists from 2.6. */
const REMOTE_CONSOLE_CREATE = [
  { min: 6, max: 7, schema: consoleCreate(PROTOCOLS_26, TYPES_26) },
  { min: 8, schema: consoleCreate([...PROTOCOLS_26, 'mks'], [...TYPES_26, 'webmks']) },
];

function apiRoot(request: FastifyRequest, publicUrl: string): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}

function enumField(o: Record<string, unknown>, key: string, allowed: readonly string[]): string {
  const value = o[key];
  if (value === undefined)
    throw errors.badRequest(
      `Invalid input for field/attribute remote_console. '${key}' is a required property.`,
    );
  if (typeof value !== 'string' || !allowed.includes(value))
    throw errors.badRequest(
      `Invalid input for field/attribute ${key}. Value: ${JSON.stringify(value)}. ${JSON.stringify(value)} is not one of ${JSON.stringify(allowed)}`,
    );
  return value;
}

/** The URL for (protocol, type) on the server, after Nova's checks: visible, writer, console type, ready. */
async function consoleUrl(
  deps: RemoteConsoleRouteDeps,
  request: FastifyRequest,
  auth: AuthContext,
  id: string,
  protocol: string,
  type: string,
): Promise<string> {
  const server = await deps.servers.visible(auth, id);
  requireWriter(auth);
  const supported = SUPPORTED[protocol];
  if (supported === undefined || !deps.consoles.supports(supported.kind))
    throw errors.badRequest(`Unavailable console type ${type}.`);
  if (!supported.types.includes(type)) throw errors.badRequest(`Invalid console type ${type}`);
  if (server.host === null || server.vmState !== 'active')
    throw errors.conflict(`Instance ${server.id} is not ready`);
  return deps.consoles.url(apiRoot(request, deps.publicUrl), server.id, supported.kind);
}

export function registerRemoteConsoleRoutes(app: FastifyInstance, deps: RemoteConsoleRouteDeps): void {
  app.post<{ Params: { id: string } }>(
    '/v2.1/servers/:id/remote-consoles',
    { config: { nova: { body: REMOTE_CONSOLE_CREATE } } },
    async (request, reply) => {
      const version = versionOf(request);
      if (!atLeast(version, 6)) throw errors.routeNotFound(request.method, request.url);
      const auth = callerOf(request);
      const body = wrapped(request.body, 'remote_console');
      const mks = atLeast(version, 8);
      const protocol = enumField(body, 'protocol', mks ? [...PROTOCOLS_26, 'mks'] : PROTOCOLS_26);
      const type = enumField(body, 'type', mks ? [...TYPES_26, 'webmks'] : TYPES_26);
      const extra = Object.keys(body).find((key) => key !== 'protocol' && key !== 'type');
      if (extra !== undefined)
        throw errors.badRequest(
          `Invalid input for field/attribute remote_console. Additional properties are not allowed ('${extra}' was unexpected)`,
        );
      const url = await consoleUrl(deps, request, auth, request.params.id, protocol, type);
      return reply.status(200).send({ remote_console: { protocol, type, url } });
    },
  );
}

/** The legacy actions (2.1–2.5); at 2.6+ they are gone, as in Nova. */
export async function runLegacyConsoleAction(
  deps: RemoteConsoleRouteDeps,
  name: string,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const action = LEGACY_CONSOLE_ACTIONS[name];
  if (action === undefined || atLeast(versionOf(request), 6))
    throw errors.badRequest(`Action ${name} is not supported at this microversion.`);
  const auth = callerOf(request);
  const inner = wrapped(objectBody(request.body), name);
  const type = enumField(inner, 'type', action.types);
  const url = await consoleUrl(deps, request, auth, request.params.id, action.protocol, type);
  return reply.status(200).send({ console: { type, url } });
}
