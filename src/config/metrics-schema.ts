// The `[metrics]` section of the config (Prometheus, issue 15), beside schema.ts to keep that file small.
import { Type } from '@sinclair/typebox';

export const MetricsConfigSchema = Type.Object(
  {
    listen: Type.String({
      pattern: '^$|^(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$',
      default: '',
      description:
        'HOST:PORT of the Prometheus /metrics listener (separate from the API, unauthenticated: bind it ' +
        'to a private address); empty: no metrics.',
    }),
  },
  { additionalProperties: false, default: {} },
);
