// What a request looks like in the log: method, path with secret query values masked, and the peer.
// Headers are never logged, so tokens and signatures cannot leak through them.
import type { FastifyRequest } from 'fastify';

const SECRET_QUERY =
  /([?&](?:temp_url_sig|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|signature|password)=)[^&]*/g;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1***');
}

export const logSerializers = {
  req(request: FastifyRequest) {
    return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
  },
};
