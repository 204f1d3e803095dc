// Block-storage microversions: parse `OpenStack-API-Version: volume 3.X`, check the range, and echo the
// version in the response. A small copy of compute's helper (compute/api/microversion.ts hard-codes the
// service name `compute` and its 2.x range; that module is not ours to parameterise).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';

export interface Microversion {
  major: number;
  minor: number;
}

export const MIN_VERSION: Microversion = { major: 3, minor: 0 };
/**
 * The newest microversion whose shapes every implemented route follows (openstacksdk negotiates up to
 * 3.71 for volumes). Raise it only with the views.
 */
export const MAX_VERSION: Microversion = { major: 3, minor: 71 };

export const format = (v: Microversion) => `${v.major}.${v.minor}`;

export function compare(a: Microversion, b: Microversion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when the request's version is at least 3.`minor`. */
export function atLeast(v: Microversion, minor: number): boolean {
  return compare(v, { major: 3, minor }) >= 0;
}

function requested(request: FastifyRequest): string | undefined {
  const header = request.headers['openstack-api-version'];
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text === undefined) return undefined;
  for (const part of text.split(',')) {
    const [service, version] = part.trim().split(/\s+/);
    if (service?.toLowerCase() === 'volume' && version !== undefined) return version;
  }
  return undefined;
}

/** The request's microversion (3.0 when none is asked for); 400 for garbage, 406 out of range. */
export function parseMicroversion(request: FastifyRequest): Microversion {
  const text = requested(request);
  if (text === undefined) return MIN_VERSION;
  if (text.toLowerCase() === 'latest') return MAX_VERSION;
  const match = /^(\d+)\.(\d+)$/.exec(text.trim());
  if (!match) {
    throw errors.badRequest(
      `API Version String ${text} is of invalid format. Must be of format MajorNum.MinorNum.`,
    );
  }
  const version = { major: Number(match[1]), minor: Number(match[2]) };
  if (compare(version, MIN_VERSION) < 0 || compare(version, MAX_VERSION) > 0) {
    throw errors.notAcceptable(
      `Version ${text} is not supported by the API. Minimum is ${format(MIN_VERSION)} and maximum is ${format(MAX_VERSION)}.`,
    );
  }
  return version;
}

export function echoMicroversion(reply: FastifyReply, version: Microversion): void {
  reply.header('OpenStack-API-Version', `volume ${format(version)}`);
  reply.header('Vary', 'OpenStack-API-Version');
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the volume plugin's onRequest hook. */
    volumeVersion: Microversion | undefined;
  }
}
