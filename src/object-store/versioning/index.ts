// Object versioning shared by the Swift and S3 front ends (see version-store.ts for the model).
export {
  createVersionStore,
  versioningStateOf,
  VERSIONS_ENABLED_HEADER,
  VersionStore,
  type VersioningState,
  type WritePreparation,
} from './version-store.js';
export {
  MAX_VERSIONS_LIMIT,
  versionIdOf,
  type ListVersionsOptions,
  type ObjectVersion,
  type VersionListing,
} from './version-listing.js';
export {
  DELETE_MARKER_CONTENT_TYPE,
  isVersionsAccount,
  normalizeVersionId,
  NULL_VERSION_ID,
  VERSION_ID_HEADER,
} from './version-names.js';
