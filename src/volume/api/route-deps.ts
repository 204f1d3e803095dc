// What the block-storage routes need (the services, the zone, the public URL) and the request helpers
// they share. Bodies and query strings are validated by validation.ts against schemas/.
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
