// The bodies agents send to the control plane's internal API (docs/multi-host.md, "Transport and trust").
import { Type, type Static } from '@sinclair/typebox';

const GuestReportSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    powerState: Type.Integer({ minimum: 0, maximum: 7 }),
    pid: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const HeartbeatBodySchema = Type.Object(
  {
    /** Where the agent serves `POST /agent/v1/<operation>`. */
    agentUrl: Type.String({ minLength: 8, maxLength: 2048 }),
    /** The secret the control plane presents when it calls this agent (new at every agent start). */
    controlSecret: Type.String({ minLength: 32, maxLength: 128 }),
    hostIp: Type.String({ minLength: 1, maxLength: 64 }),
    availabilityZone: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    vcpus: Type.Integer({ minimum: 1, maximum: 100_000 }),
    memoryMiB: Type.Integer({ minimum: 1 }),
    diskGib: Type.Integer({ minimum: 0 }),
    hypervisorType: Type.String({ minLength: 1, maxLength: 64 }),
    hypervisorVersion: Type.Integer({ minimum: 0 }),
    cpuInfo: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    guests: Type.Array(GuestReportSchema, { maxItems: 10_000 }),
  },
  { additionalProperties: false },
);
export type HeartbeatBody = Static<typeof HeartbeatBodySchema>;

const GuestEventSchema = Type.Object(
  {
    instanceId: Type.String({ minLength: 1, maxLength: 64 }),
    transition: Type.Union(
      ['started', 'stopped', 'paused', 'resumed', 'suspended', 'died'].map((t) => Type.Literal(t)),
    ),
    at: Type.String({ minLength: 1, maxLength: 40 }),
    detail: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

export const EventsBodySchema = Type.Object(
  { events: Type.Array(GuestEventSchema, { maxItems: 1000 }) },
  { additionalProperties: false },
);
export type EventsBody = Static<typeof EventsBodySchema>;
export type GuestEventReport = EventsBody['events'][number];
