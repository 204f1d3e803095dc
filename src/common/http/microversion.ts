// OpenStack microversions (`OpenStack-API-Version: <service> X.Y`), one parser for every service that has
// them: the version asked for (the minimum when none), `latest`, 400 for garbage and 406 outside the
// range, in the words Nova and Cinder share (their microversion_parse); and the headers echoed back.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../errors/codes.js';

export interface Microversion {
  major: number;
  minor: number;
}

export const formatMicroversion = (v: Microversion) => `${v.major}.${v.minor}`;

export function compareMicroversions(a: Microversion, b: Microversion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

export interface MicroversionRange {
  /** The service name in the header (`compute`, `volume`). */
  service: string;
  min: Microversion;
  max: Microversion;
  /** A service's older header that carries the bare version (Nova's X-OpenStack-Nova-API-Version). */
  legacyHeader?: string;
}

function requested(request: FastifyRequest, range: MicroversionRange): string | undefined {
  const modern = request.headers['openstack-api-version'];
  const modernText = Array.isArray(modern) ? modern.join(',') : modern;
  for (const part of modernText?.split(',') ?? []) {
    const [service, version] = part.trim().split(/\s+/);
    if (service?.toLowerCase() === range.service && version !== undefined) return version;
  }
  if (range.legacyHeader === undefined) return undefined;
  const legacy = request.headers[range.legacyHeader];
  return Array.isArray(legacy) ? legacy[0] : legacy;
}

/** The request's microversion in `range` (its minimum when none is asked for). */
export function parseMicroversionIn(request: FastifyRequest, range: MicroversionRange): Microversion {
  const text = requested(request, range);
  if (text === undefined) return range.min;
  if (text.toLowerCase() === 'latest') return range.max;
  const match = /^(\d+)\.(\d+)$/.exec(text.trim());
  if (!match)
    throw errors.badRequest(
      `API Version String ${text} is of invalid format. Must be of format MajorNum.MinorNum.`,
    );
  const version = { major: Number(match[1]), minor: Number(match[2]) };
  if (compareMicroversions(version, range.min) < 0 || compareMicroversions(version, range.max) > 0) {
    throw errors.notAcceptable(
      `Version ${text} is not supported by the API. Minimum is ${formatMicroversion(range.min)} and maximum is ${formatMicroversion(range.max)}.`,
    );
  }
  return version;
}

/** The response headers that name the version served, and Vary on the request headers that chose it. */
export function echoMicroversionIn(
  reply: FastifyReply,
  range: MicroversionRange,
  version: Microversion,
): void {
  reply.header('OpenStack-API-Version', `${range.service} ${formatMicroversion(version)}`);
  if (range.legacyHeader !== undefined)
    reply.header(legacyName(range.legacyHeader), formatMicroversion(version));
  const vary = ['OpenStack-API-Version', ...(range.legacyHeader ? [legacyName(range.legacyHeader)] : [])];
  reply.header('Vary', vary.join(', '));
}

/** `x-openstack-nova-api-version` as Nova spells it in Vary. */
function legacyName(header: string): string {
  return header
    .replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
    .replace('Openstack', 'OpenStack')
    .replace('Api', 'API');
}
