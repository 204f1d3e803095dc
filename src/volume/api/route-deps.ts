// What the block-storage routes need (the services, the zone, the public URL) and the small request
// parsers they share. Cinder validates bodies with JSON schema; the messages follow its wording.
import type { FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { AuthContext } from '../../common/http/context.js';
import type { AttachmentService } from '../attachment-service.js';
import type { BackupService } from '../backup-service.js';
import type { QuotaService } from '../quota-service.js';
import type { SnapshotService } from '../snapshot-service.js';
import type { TypeService } from '../type-service.js';
import type { VolumeActions } from '../volume-actions.js';
import type { VolumeService } from '../volume-service.js';
import { isAdmin } from '../volume-policy.js';
import { MIN_VERSION, atLeast, type Microversion } from './microversion.js';
import type { ViewContext } from './views.js';

export interface VolumeRouteDeps {
  volumes: VolumeService;
  actions: VolumeActions;
  snapshots: SnapshotService;
  backups: BackupService;
  types: TypeService;
  attachments: AttachmentService;
  quotas: QuotaService;
  availabilityZone: string;
  publicUrl: string;
}

export type Body = Record<string, unknown>;

export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw errors.unauthorized();
  return request.auth;
}

export function versionOf(request: FastifyRequest): Microversion {
  return request.volumeVersion ?? MIN_VERSION;
}

/** The service root for links, e.g. http://host:port/volume. */
export function rootOf(request: FastifyRequest, publicUrl: string): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, '')}/volume`;
  return `${request.protocol}://${request.host}/volume`;
}

export function objectBody(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.badRequest('Malformed request body');
  }
  return body as Body;
}

/** The object under `key` (Cinder wraps every resource: {"volume": {...}}). */
export function wrapped(body: unknown, key: string): Body {
  const inner = objectBody(body)[key];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    throw errors.badRequest(`Missing required element '${key}' in request body.`);
  }
  return inner as Body;
}

const invalid = (key: string, raw: unknown, why: string) =>
  errors.badRequest(
    `Invalid input for field/attribute ${key}. Value: ${JSON.stringify(raw) ?? 'None'}. ${why}`,
  );

/** An optional string; null counts as absent (cinderclient sends every unset field as null). */
export function optionalString(o: Body, key: string, max = 255): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(key, v, `${JSON.stringify(v)} is not of type 'string'`);
  if (v.length > max) throw invalid(key, v, `'${v.slice(0, 20)}…' is too long`);
  return v;
}

/** A string that may also be null (names and descriptions). */
export function nullableString(o: Body, key: string, max = 255): string | null | undefined {
  if (o[key] === null) return null;
  return optionalString(o, key, max);
}

export function requiredString(o: Body, key: string, max = 255): string {
  const v = optionalString(o, key, max);
  if (v === undefined)
    throw errors.badRequest(`Invalid input for field/attribute ${key}. '${key}' is a required property`);
  return v;
}

/** Cinder accepts integers as numbers or digit strings. */
export function optionalInteger(o: Body, key: string, min: number): number | undefined {
  const raw = o[key];
  if (raw === undefined || raw === null) return undefined;
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw invalid(key, raw, `${JSON.stringify(raw)} is not of type 'integer', 'string'`);
  if (n < min) throw invalid(key, raw, `${n} is less than the minimum of ${min}`);
  if (n > 2 ** 31 - 1) throw invalid(key, raw, `${n} is greater than the maximum of ${2 ** 31 - 1}`);
  return n;
}

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);

/** Cinder's boolean: a JSON boolean or one of the usual strings. */
export function optionalBoolean(o: Body, key: string): boolean | undefined {
  const raw = o[key];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && TRUE.has(raw.toLowerCase())) return true;
  if (typeof raw === 'string' && FALSE.has(raw.toLowerCase())) return false;
  throw invalid(key, raw, `${JSON.stringify(raw)} is not a valid boolean`);
}

export function metadataOf(o: Body, key = 'metadata'): Record<string, string> | undefined {
  const raw = o[key];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(key, raw, `is not of type 'object'`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Body)) {
    if (k.length < 1 || k.length > 255) throw invalid(key, raw, 'keys must be 1 to 255 characters');
    if (typeof v !== 'string' || v.length > 255)
      throw invalid(key, raw, `the value of ${k} must be a string of at most 255 characters`);
    out[k] = v;
  }
  return out;
}

export function queryOf(request: FastifyRequest): Record<string, string | undefined> {
  return request.query as Record<string, string | undefined>;
}

export function limitOf(q: Record<string, string | undefined>): number | undefined {
  if (q.limit === undefined) return undefined;
  if (!/^\d+$/.test(q.limit)) throw errors.badRequest('limit param must be an integer');
  return Math.min(Number(q.limit), 1000);
}

export function offsetOf(q: Record<string, string | undefined>): number | undefined {
  if (q.offset === undefined) return undefined;
  if (!/^\d+$/.test(q.offset)) throw errors.badRequest('offset param must be an integer');
  return Number(q.offset);
}

export function allTenantsOf(q: Record<string, string | undefined>): boolean {
  return q.all_tenants !== undefined && !FALSE.has(q.all_tenants.toLowerCase());
}

/** What the views need from the request. */
export function viewContext(request: FastifyRequest, deps: VolumeRouteDeps): ViewContext {
  const params = request.params as { project?: string };
  return {
    root: rootOf(request, deps.publicUrl),
    projectId: params.project ?? '',
    version: versionOf(request),
    admin: isAdmin(callerOf(request)),
  };
}

/** Routes added at a microversion answer 404 below it, as Cinder's versioned methods do. */
export function requireVersion(request: FastifyRequest, minor: number): void {
  if (!atLeast(versionOf(request), minor)) {
    throw errors.routeNotFound(request.method, request.url);
  }
}
