// The `audit` and `policy` config sections (who did what, who may do what), beside schema.ts to keep
// that file under its size limit.
import { Type } from '@sinclair/typebox';

export const AuditConfigSchema = Type.Object(
  {
    sealIntervalSeconds: Type.Integer({
      minimum: 10,
      maximum: 86_400,
      default: 300,
      description:
        'How often the audit chain head is sealed with a MAC under the keys/audit key (and at shutdown).',
    }),
    retentionDays: Type.Integer({
      minimum: 1,
      maximum: 36_500,
      default: 183,
      description:
        'Audit events older than this are pruned, but only once a seal covers them and they were exported (SecNumCloud 12.6: 6 months).',
    }),
    pruneIntervalSeconds: Type.Integer({
      minimum: 10,
      maximum: 604_800,
      default: 3600,
      description: 'How often the pruning job runs.',
    }),
    exportFile: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Continuous export: append every new audit event to this file as one JSON line.',
      }),
    ),
    exportSyslog: Type.Optional(
      Type.String({
        pattern: '^(udp|tcp)://[^/:]+:[0-9]{1,5}$',
        description:
          'Continuous export: send every new audit event to this syslog receiver (udp://HOST:PORT or tcp://HOST:PORT, RFC 5424).',
      }),
    ),
    exportIntervalSeconds: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      default: 10,
      description: 'How often new audit events are exported (when an export target is set).',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const PolicyConfigSchema = Type.Object(
  {
    file: Type.String({
      default: '',
      description:
        'Operator policy override file (YAML: service → rule → oslo.policy check string); empty: the shipped ' +
        'defaults. Unknown services or rules, unparsable checks and undefined rule references stop start-up.',
    }),
  },
  { additionalProperties: false, default: {} },
);
