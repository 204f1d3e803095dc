// Cinder's error messages (cinder/exception.py), as ApiErrors with the platform's stable codes. Quota
// faults carry the exception class name in front of the message and a Retry-After header, as Cinder's
// FaultWrapper renders them (the Cinder renderer turns the header into `retryAfter`).
import { ApiError } from '../common/errors/api-error.js';
import { errors } from '../common/errors/codes.js';

function overQuota(exception: string, message: string): ApiError {
  return new ApiError(413, 'PayloadTooLarge', `${exception}: ${message}`, {
    headers: { 'Retry-After': '0' },
  });
}

export const volumeErrors = {
  /** A Cinder NotFound with its own message (metadata keys, groups). */
  notFound: (message: string) => new ApiError(404, 'NotFound', message),
  volumeNotFound: (id: string) => new ApiError(404, 'NotFound', `Volume ${id} could not be found.`),
  snapshotNotFound: (id: string) => new ApiError(404, 'NotFound', `Snapshot ${id} could not be found.`),
  backupNotFound: (id: string) => new ApiError(404, 'NotFound', `Backup ${id} could not be found.`),
  typeNotFound: (id: string) => new ApiError(404, 'NotFound', `Volume type ${id} could not be found.`),
  typeNameNotFound: (name: string) =>
    new ApiError(404, 'NotFound', `Volume type with name ${name} could not be found.`),
  attachmentNotFound: (id: string) =>
    new ApiError(404, 'NotFound', `Volume attachment could not be found with filter: attachment_id = ${id}.`),
  invalidVolume: (reason: string) => errors.badRequest(`Invalid volume: ${reason}`),
  invalidSnapshot: (reason: string) => errors.badRequest(`Invalid snapshot: ${reason}`),
  invalidBackup: (reason: string) => errors.badRequest(`Invalid backup: ${reason}`),
  invalidInput: (reason: string) => errors.badRequest(`Invalid input received: ${reason}`),
  gigabytesQuota: (requested: number, quota: number, consumed: number) =>
    overQuota(
      'VolumeSizeExceedsAvailableQuota',
      `Requested volume or snapshot exceeds allowed gigabytes quota. Requested ${requested}G, quota is ${quota}G and ${consumed}G has been consumed.`,
    ),
  perVolumeQuota: (size: number, limit: number) =>
    overQuota(
      'VolumeSizeExceedsLimit',
      `Requested volume size ${size}G is larger than maximum allowed limit ${limit}G.`,
    ),
  volumesQuota: (allowed: number) =>
    overQuota(
      'VolumeLimitExceeded',
      `Maximum number of volumes allowed (${allowed}) exceeded for quota 'volumes'.`,
    ),
  snapshotsQuota: (allowed: number) =>
    overQuota('SnapshotLimitExceeded', `Maximum number of snapshots allowed (${allowed}) exceeded`),
  backupsQuota: (allowed: number) =>
    overQuota('BackupLimitExceeded', `Maximum number of backups allowed (${allowed}) exceeded`),
  backupGigabytesQuota: (requested: number, quota: number, consumed: number) =>
    overQuota(
      'VolumeBackupSizeExceedsAvailableQuota',
      `Requested backup exceeds allowed Backup gigabytes quota. Requested ${requested}G, quota is ${quota}G and ${consumed}G has been consumed.`,
    ),
};
