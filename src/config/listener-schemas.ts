// The config sections of the listeners themselves, beside schema.ts (which is at its size limit):
// `tls` (certificate and key files that turn every network listener to HTTPS; only paths live in the
// config, never PEM content) and `metrics` (the separate Prometheus listener, issue 15).
import { Type } from '@sinclair/typebox';

export const TlsConfigSchema = Type.Object(
  {
    cert: Type.String({
      default: '',
      description:
        'PEM certificate file (with its chain) for the API and S3 listeners; set with tls.key to serve HTTPS (TLS 1.2+). ' +
        'Empty: plain HTTP. When it is self-signed, clouds.yaml gets `cacert:` pointing at it.',
    }),
    key: Type.String({
      default: '',
      description: 'PEM private key file of tls.cert (keep it mode 0600); read at start-up, never logged.',
    }),
  },
  { additionalProperties: false, default: {} },
);

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
