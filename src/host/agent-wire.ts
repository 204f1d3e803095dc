// The HTTP form of the HostAgent contract: `POST /agent/v1/<operation>` with `{"args": [...]}` (the
// method's arguments in order), answered with `{"result": …}` or, for a DriverError, its code and
// message so that the caller rethrows the same error. Argument tuples are checked per operation.
import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DriverError, type DriverErrorCode } from '../compute/driver/driver.js';
import type { AgentOperation } from './agent-contract.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Ms = Type.Integer({ minimum: 0, maximum: 3_600_000 });

const PortSchema = Type.Object(
  {
    portId: Id,
    networkId: Id,
    networkName: Type.String({ maxLength: 255 }),
    macAddress: Type.String({ minLength: 17, maxLength: 17 }),
    fixedIps: Type.Array(
      Type.Object({
        address: Type.String({ maxLength: 64 }),
        version: Type.Union([Type.Literal(4), Type.Literal(6)]),
        subnetId: Type.Optional(Id),
      }),
      { maxItems: 64 },
    ),
    mtu: Type.Optional(Type.Integer({ minimum: 68, maximum: 65_535 })),
  },
  { additionalProperties: false },
);

const Format = Type.Union([Type.Literal('qcow2'), Type.Literal('raw')]);
const RootDiskSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('image'),
    imageId: Id,
    projectId: Id,
    sizeBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  Type.Object({
    kind: Type.Literal('rbd'),
    pool: Type.String({ maxLength: 128 }),
    image: Type.String({ maxLength: 256 }),
    volumeId: Type.Optional(Id),
    sizeBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  Type.Object({ kind: Type.Literal('volume'), volumeId: Id, format: Format }),
]);

const GuestSpecSchema = Type.Object(
  {
    id: Id,
    name: Type.String({ maxLength: 255 }),
    vcpus: Type.Integer({ minimum: 1, maximum: 1024 }),
    memoryMiB: Type.Integer({ minimum: 1 }),
    rootDisk: RootDiskSchema,
    ports: Type.Array(PortSchema, { maxItems: 64 }),
    configDrive: Type.Optional(
      Type.Object({
        files: Type.Array(
          Type.Object({
            path: Type.String({ maxLength: 1024 }),
            contentBase64: Type.String({ maxLength: 16 * 1024 * 1024 }),
          }),
          { maxItems: 1000 },
        ),
      }),
    ),
  },
  { additionalProperties: false },
);

const VolumeSchema = Type.Union([
  Type.Object({
    volumeId: Id,
    readOnly: Type.Optional(Type.Boolean()),
    kind: Type.Literal('rbd'),
    pool: Type.String({ maxLength: 128 }),
    image: Type.String({ maxLength: 256 }),
  }),
  Type.Object({
    volumeId: Id,
    readOnly: Type.Optional(Type.Boolean()),
    kind: Type.Literal('file'),
    format: Format,
  }),
]);

const StopSchema = Type.Object({ soft: Type.Boolean(), timeoutMs: Ms }, { additionalProperties: false });
const PowerAction = Type.Union(
  ['start', 'stop', 'pause', 'unpause', 'suspend', 'resume'].map((a) => Type.Literal(a)),
);
const Resize = Type.Object(
  {
    vcpus: Type.Integer({ minimum: 1 }),
    memoryMiB: Type.Integer({ minimum: 1 }),
    rootDiskBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** Each operation's arguments, in order; trailing `optional` ones may be left out. */
export const OPERATION_ARGUMENTS: Record<AgentOperation, { items: TSchema[]; optional: number }> = {
  spawnGuest: { items: [GuestSpecSchema], optional: 0 },
  destroyGuest: { items: [Id], optional: 0 },
  powerGuest: { items: [Id, PowerAction, StopSchema], optional: 1 },
  rebootGuest: { items: [Id, Type.Union([Type.Literal('soft'), Type.Literal('hard')]), Ms], optional: 1 },
  resizeGuest: { items: [Id, Resize], optional: 0 },
  confirmResize: { items: [Id], optional: 0 },
  revertResize: { items: [Id], optional: 0 },
  snapshotGuest: { items: [Id, Id], optional: 0 },
  attachVolume: { items: [Id, VolumeSchema], optional: 0 },
  detachVolume: { items: [Id, Id, Ms], optional: 1 },
  plugPort: { items: [Id, PortSchema], optional: 0 },
  unplugPort: { items: [Id, Id], optional: 0 },
  consoleInfo: { items: [Id, Type.Integer({ minimum: 0, maximum: 100_000 })], optional: 1 },
  guestStatus: { items: [Id], optional: 0 },
  listGuests: { items: [], optional: 0 },
};

/** The body of every operation; its arguments are checked one by one against OPERATION_ARGUMENTS. */
export const OperationBodySchema = Type.Object(
  { args: Type.Array(Type.Unknown(), { maxItems: 4 }) },
  { additionalProperties: false },
);

const compiled = new Map(
  Object.entries(OPERATION_ARGUMENTS).map(([op, { items, optional }]) => [
    op,
    { checks: items.map((item) => TypeCompiler.Compile(item)), optional },
  ]),
);

/** Undefined when the arguments fit the operation, else what is wrong with them. */
export function argumentsProblem(operation: AgentOperation, args: readonly unknown[]): string | undefined {
  const entry = compiled.get(operation);
  if (entry === undefined) return `unknown operation ${operation}`;
  const { checks, optional } = entry;
  if (args.length > checks.length || args.length < checks.length - optional) {
    return `${operation} takes ${checks.length - optional} to ${checks.length} arguments`;
  }
  for (const [index, value] of args.entries()) {
    if (!checks[index]!.Check(value)) return `argument ${index + 1} of ${operation} is not valid`;
  }
  return undefined;
}

export interface WireError {
  error: { code: DriverErrorCode | 'BadRequest' | 'Unauthorized'; message: string };
}

const DRIVER_CODES = new Set<string>([
  'NotFound',
  'AlreadyExists',
  'InvalidState',
  'Timeout',
  'HypervisorError',
  'Injected',
]);

/** The DriverError an error answer stands for (anything unexpected is a HypervisorError). */
export function driverErrorOf(status: number, body: unknown, host: string): DriverError {
  const error = (body as Partial<WireError> | undefined)?.error;
  const code =
    error !== undefined && DRIVER_CODES.has(error.code) ? (error.code as DriverErrorCode) : 'HypervisorError';
  const message = error?.message ?? `agent ${host} answered ${status}`;
  return new DriverError(code, message);
}

/** HTTP status of a DriverError on the wire. */
export function statusOfDriverError(code: DriverErrorCode): number {
  if (code === 'NotFound') return 404;
  if (code === 'AlreadyExists' || code === 'InvalidState') return 409;
  if (code === 'Timeout') return 504;
  return 500;
}
