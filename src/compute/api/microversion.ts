// Compute microversions: parse `OpenStack-API-Version: compute X.Y` (or the legacy
// `X-OpenStack-Nova-API-Version: X.Y`), check the range, and echo the version in the response headers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  compareMicroversions,
  echoMicroversionIn,
  formatMicroversion,
  parseMicroversionIn,
  type Microversion,
  type MicroversionRange,
} from '../../common/http/microversion.js';

export type { Microversion };

export const MIN_VERSION: Microversion = { major: 2, minor: 1 };
/** The newest microversion whose shapes every implemented route follows. Raise it only with views. */
export const MAX_VERSION: Microversion = { major: 2, minor: 79 };
const RANGE: MicroversionRange = {
  service: 'compute',
  min: MIN_VERSION,
  max: MAX_VERSION,
  legacyHeader: 'x-openstack-nova-api-version',
};

export const format = formatMicroversion;
export const compare = compareMicroversions;

/** True when the request's version is at least `major.minor`. */
export function atLeast(v: Microversion, minor: number, major = 2): boolean {
  return compare(v, { major, minor }) >= 0;
}

/** The request's microversion (2.1 when none is asked for); 400 for garbage, 406 out of range. */
export const parseMicroversion = (request: FastifyRequest): Microversion =>
  parseMicroversionIn(request, RANGE);

export const echoMicroversion = (reply: FastifyReply, version: Microversion): void =>
  echoMicroversionIn(reply, RANGE, version);

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the compute plugin's onRequest hook. */
    computeVersion: Microversion | undefined;
  }
}
