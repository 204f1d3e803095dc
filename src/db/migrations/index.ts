// The ordered list of migrations. Names are ISO-dated so that their order is their history.
import type { Migration } from 'kysely';
import * as identity from './2026-11-29-identity.js';
import * as objectStore from './2026-11-29-object-store.js';
import * as s3 from './2026-11-30-s3.js';
import * as network from './2026-11-30-network.js';
import * as image from './2026-11-30-image.js';
import * as compute from './2026-11-30-compute.js';
import * as computeHosts from './2026-12-01-compute-hosts.js';
import * as volume from './2026-12-01-volume.js';
import * as computeResize from './2026-12-02-compute-resize.js';
import * as computeRootVolume from './2026-12-03-compute-root-volume.js';
import * as computeVolumeAttachments from './2026-12-03-compute-volume-attachments.js';
import * as computeAccessIps from './2026-12-07-compute-access-ips.js';
import * as keyManager from './2026-12-07-key-manager.js';
import * as meteringUsage from './2026-12-07-metering-usage.js';
import * as volumeAdminMetadata from './2026-12-07-volume-admin-metadata.js';
import * as workLeases from './2026-12-07-work-leases.js';
import * as s3ContainerNameIndex from './2026-12-07-s3-container-name-index.js';
import * as identityPasswordHistory from './2026-12-07-identity-password-history.js';
import * as auditChain from './2026-12-07-audit-chain.js';
import * as ratingHashmap from './2026-12-08-rating-hashmap.js';
import * as auditTargetProject from './2026-12-08-audit-target-project.js';
import * as auditRetention from './2026-12-08-audit-retention.js';
import * as agentCredentials from './2026-12-08-agent-credentials.js';

export const migrations: Record<string, Migration> = {
  '2026-11-29-identity': identity,
  '2026-11-29-object-store': objectStore,
  '2026-11-30-s3': s3,
  '2026-11-30-network': network,
  '2026-11-30-image': image,
  '2026-11-30-compute': compute,
  '2026-12-01-compute-hosts': computeHosts,
  '2026-12-01-volume': volume,
  '2026-12-02-compute-resize': computeResize,
  '2026-12-03-compute-root-volume': computeRootVolume,
  '2026-12-03-compute-volume-attachments': computeVolumeAttachments,
  '2026-12-07-compute-access-ips': computeAccessIps,
  '2026-12-07-key-manager': keyManager,
  '2026-12-07-metering-usage': meteringUsage,
  '2026-12-07-volume-admin-metadata': volumeAdminMetadata,
  '2026-12-07-work-leases': workLeases,
  '2026-12-07-s3-container-name-index': s3ContainerNameIndex,
  '2026-12-07-identity-password-history': identityPasswordHistory,
  '2026-12-07-audit-chain': auditChain,
  '2026-12-08-rating-hashmap': ratingHashmap,
  '2026-12-08-audit-target-project': auditTargetProject,
  '2026-12-08-audit-retention': auditRetention,
  '2026-12-08-agent-credentials': agentCredentials,
};
