// Block-storage microversions: `OpenStack-API-Version: volume 3.X` through the shared parser.
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

export const MIN_VERSION: Microversion = { major: 3, minor: 0 };
/**
 * The newest microversion whose shapes every implemented route follows (openstacksdk negotiates up to
 * 3.71 for volumes). Raise it only with the views.
 */
export const MAX_VERSION: Microversion = { major: 3, minor: 71 };
const RANGE: MicroversionRange = { service: 'volume', min: MIN_VERSION, max: MAX_VERSION };

export const format = formatMicroversion;
export const compare = compareMicroversions;

/** True when the request's version is at least 3.`minor`. */
export function atLeast(v: Microversion, minor: number): boolean {
  return compare(v, { major: 3, minor }) >= 0;
}

/** The request's microversion (3.0 when none is asked for); 400 for garbage, 406 out of range. */
export const parseMicroversion = (request: FastifyRequest): Microversion =>
  parseMicroversionIn(request, RANGE);

export const echoMicroversion = (reply: FastifyReply, version: Microversion): void =>
  echoMicroversionIn(reply, RANGE, version);

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the volume plugin's onRequest hook. */
    volumeVersion: Microversion | undefined;
  }
}
