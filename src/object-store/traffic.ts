// What the object store's front ends (Swift and S3) tell metering about traffic: each request billed by
// class (writes and listings are class A, reads of one object class B, as S3 and GCS price them) and
// the bytes each object GET sends out. The handlers name the project billed (the account's or the
// bucket's owner, not the caller) and whether one object is addressed; an onResponse hook counts.
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../common/clock.js';

export type RequestClass = 'A' | 'B';

/** The narrow collaborator metering implements (an aggregator; see metering/object-traffic.ts). */
export interface ObjectTraffic {
  request(projectId: string, requestClass: RequestClass, at: Date): void;
  egress(projectId: string, bytes: number, at: Date): void;
}

export interface TrafficTarget {
  projectId: string;
  /** True when the request addresses one object (GET reads it), false for an account or container. */
  object: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the Swift and S3 handlers once they know whose account or bucket is addressed. */
    objectTraffic?: TrafficTarget | undefined;
  }
}

/**
 * The class of a request: PUT, POST and COPY (writes) and GET of an account or container (a listing)
 * are class A; GET and HEAD of one object, and HEAD of a container, class B; DELETE and OPTIONS are
 * not billed (undefined).
 */
export function requestClassOf(method: string, target: TrafficTarget): RequestClass | undefined {
  switch (method) {
    case 'PUT':
    case 'POST':
    case 'COPY':
      return 'A';
    case 'GET':
      return target.object ? 'B' : 'A';
    case 'HEAD':
      return 'B';
    default:
      return undefined;
  }
}

/**
 * Counts every answered request (status below 400: failed requests are not billed) of `app` whose
 * handler set `request.objectTraffic`, and the Content-Length of each successful object GET as egress.
 */
export function installTrafficHook(app: FastifyInstance, traffic: ObjectTraffic, clock: Clock): void {
  app.addHook('onResponse', async (request, reply) => {
    const target = request.objectTraffic;
    if (target === undefined || reply.statusCode >= 400) return;
    const at = clock.now();
    const requestClass = requestClassOf(request.method, target);
    if (requestClass !== undefined) traffic.request(target.projectId, requestClass, at);
    if (request.method !== 'GET' || !target.object) return;
    const length = Number(reply.getHeader('content-length') ?? 0);
    if (Number.isSafeInteger(length) && length > 0) traffic.egress(target.projectId, length, at);
  });
}
