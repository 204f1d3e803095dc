// The `tls` config section: certificate and key files that turn every network listener to HTTPS.
// Kept beside schema.ts (which is at its size limit); only paths live in the config, never PEM content.
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
