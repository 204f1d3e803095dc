// What the compute routes need: the services, quota figures, and the public URL for links.
import type { FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { AuthContext } from '../../common/http/context.js';
import type { ComputeQuota } from '../collaborators.js';
import type { FlavorService } from '../flavor-service.js';
import type { HostService } from '../host-service.js';
import type { ImageProxy } from '../image-proxy.js';
import type { QuotaService } from '../quota-service.js';
import type { ServerTags } from '../server-tags.js';
import type { KeyPairService } from '../keypair-service.js';
import type { ServerActions } from '../server-actions.js';
import type { ServerMetadata } from '../server-metadata.js';
import type { ServerLifecycle } from '../server-lifecycle.js';
import type { ServerService } from '../server-service.js';
import type { ServerVolumes } from '../server-volumes.js';
import { MIN_VERSION, type Microversion } from './microversion.js';
import type { LinkBase } from './views.js';

export interface ComputeRouteDeps {
  flavors: FlavorService;
  keyPairs: KeyPairService;
  servers: ServerService;
  actions: ServerActions;
  metadata: ServerMetadata;
  /** rebuild, resize, confirmResize, revertResize, createImage (absent: those actions answer 400). */
  lifecycle?: ServerLifecycle;
  /** The deployment's one availability zone (Nova's default is `nova`). */
  availabilityZone: string;
  quota: ComputeQuota;
  /** What the caller's project uses now, for limits and os-quota-sets. */
  usage(auth: AuthContext): Promise<{ instances: number; cores: number; ramMiB: number; keyPairs: number }>;
  publicUrl: string;
  /** Nova's [api] enable_instance_password: adminPass in create and rebuild responses (default true). */
  enableInstancePassword?: boolean;
  /** Floating IPs per port id (Nova shows them in `addresses`); absent: fixed addresses only. */
  floatingIps?: (portIds: string[]) => Promise<Map<string, string[]>>;
  /** The image service for Nova's image proxy API (absent: no /images routes). */
  images?: ImageProxy;
  /** os-volume_attachments and volumes_attached (absent: no routes, and servers show no volumes). */
  volumes?: ServerVolumes;
  /** Hosts, per-project quotas and server tags (see compute-admin.ts); absent until index.ts wires them. */
  admin?: {
    hosts: HostService;
    quotas: QuotaService;
    tags: ServerTags;
  };
}

/** What the hypervisor, service, quota and tag routes need. */
export type ComputeAdminRouteDeps = NonNullable<ComputeRouteDeps['admin']> & { publicUrl: string };

export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw errors.unauthorized();
  return request.auth;
}

export function versionOf(request: FastifyRequest): Microversion {
  return request.computeVersion ?? MIN_VERSION;
}

export function linkBase(request: FastifyRequest, publicUrl: string): LinkBase {
  if (publicUrl) return { root: `${publicUrl.replace(/\/+$/, '')}/compute` };
  return { root: `${request.protocol}://${request.host}/compute` };
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.badRequest('Request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** The object under `key` in the body (Nova wraps every resource: {"server": {...}}). */
export function wrapped(body: unknown, key: string): Record<string, unknown> {
  const inner = objectBody(body)[key];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    throw errors.badRequest(
      `Invalid input for field/attribute ${key}. Value: ${JSON.stringify(inner) ?? 'None'}.`,
    );
  }
  return inner as Record<string, unknown>;
}

export function optionalString(o: Record<string, unknown>, key: string, max = 255): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > max)
    throw errors.badRequest(`Invalid input for field/attribute ${key}.`);
  return v;
}

export function requiredString(o: Record<string, unknown>, key: string, max = 255): string {
  const v = optionalString(o, key, max);
  if (v === undefined || v.trim() === '')
    throw errors.badRequest(`Invalid input for field/attribute ${key}.`);
  return v;
}

/** Nova accepts integers as numbers or numeric strings. */
export function integer(o: Record<string, unknown>, key: string, min: number, fallback?: number): number {
  const raw = o[key];
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    throw errors.badRequest(`Invalid input for field/attribute ${key}. Value: None.`);
  }
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > 2 ** 31 - 1) {
    throw errors.badRequest(`Invalid input for field/attribute ${key}. Value: ${JSON.stringify(raw)}.`);
  }
  return n;
}

export function queryOf(request: FastifyRequest): Record<string, string | undefined> {
  return request.query as Record<string, string | undefined>;
}

/** `limit` query parameter, capped. */
export function limitOf(query: Record<string, string | undefined>, max = 1000): number | undefined {
  const raw = query.limit;
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw errors.badRequest('limit param must be an integer');
  return Math.min(Number(raw), max);
}
