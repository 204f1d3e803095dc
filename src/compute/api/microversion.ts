// Compute microversions: parse `OpenStack-API-Version: compute X.Y` (or the legacy
// `X-OpenStack-Nova-API-Version: X.Y`), check the range, and echo the version in the response headers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';

export interface Microversion {
  major: number;
  minor: number;
}

export const MIN_VERSION: Microversion = { major: 2, minor: 1 };
/** The newest microversion whose shapes every implemented route follows. Raise it only with views. */
export const MAX_VERSION: Microversion = { major: 2, minor: 79 };

export const format = (v: Microversion) => `${v.major}.${v.minor}`;

export function compare(a: Microversion, b: Microversion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when the request's version is at least `major.minor`. */
export function atLeast(v: Microversion, minor: number, major = 2): boolean {
  return compare(v, { major, minor }) >= 0;
}

function requested(request: FastifyRequest): string | undefined {
  const modern = request.headers['openstack-api-version'];
  const modernText = Array.isArray(modern) ? modern.join(',') : modern;
  if (modernText !== undefined) {
    for (const part of modernText.split(',')) {
      const [service, version] = part.trim().split(/\s+/);
      if (service?.toLowerCase() === 'compute' && version !== undefined) return version;
    }
  }
  const legacy = request.headers['x-openstack-nova-api-version'];
  return Array.isArray(legacy) ? legacy[0] : legacy;
}

/** The request's microversion (2.1 when none is asked for); 400 for garbage, 406 out of range. */
export function parseMicroversion(request: FastifyRequest): Microversion {
  const text = requested(request);
  if (text === undefined) return MIN_VERSION;
  if (text.toLowerCase() === 'latest') return MAX_VERSION;
  const match = /^(\d+)\.(\d+)$/.exec(text.trim());
  if (!match)
    throw errors.badRequest(
      `API Version String ${text} is of invalid format. Must be of format MajorNum.MinorNum.`,
    );
  const version = { major: Number(match[1]), minor: Number(match[2]) };
  if (compare(version, MIN_VERSION) < 0 || compare(version, MAX_VERSION) > 0) {
    throw errors.notAcceptable(
      `Version ${text} is not supported by the API. Minimum is ${format(MIN_VERSION)} and maximum is ${format(MAX_VERSION)}.`,
    );
  }
  return version;
}

export function echoMicroversion(reply: FastifyReply, version: Microversion): void {
  reply.header('OpenStack-API-Version', `compute ${format(version)}`);
  reply.header('X-OpenStack-Nova-API-Version', format(version));
  reply.header('Vary', 'OpenStack-API-Version, X-OpenStack-Nova-API-Version');
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the compute plugin's onRequest hook. */
    computeVersion: Microversion | undefined;
  }
}
