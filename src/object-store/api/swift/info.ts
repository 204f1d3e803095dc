// GET /info: the capabilities this Swift really implements, with their limits (clients branch on it:
// swiftclient uses SLO only when "slo" is listed).
import { LIMITS } from '../../model.js';
import type { SwiftExtensions } from './extensions.js';
import { policiesInfo } from './storage-policy.js';

export function swiftInfo(extensions: SwiftExtensions): Record<string, unknown> {
  return {
    swift: {
      version: '2.34.0',
      max_file_size: LIMITS.maxFileSize,
      max_meta_name_length: LIMITS.maxMetaNameLength,
      max_meta_value_length: LIMITS.maxMetaValueLength,
      max_meta_count: LIMITS.maxMetaCount,
      max_meta_overall_size: LIMITS.maxMetaOverallSize,
      max_header_size: LIMITS.maxHeaderSize,
      max_object_name_length: LIMITS.maxObjectNameBytes,
      container_listing_limit: LIMITS.containerListingLimit,
      account_listing_limit: LIMITS.accountListingLimit,
      max_account_name_length: 256,
      max_container_name_length: LIMITS.maxContainerNameBytes,
      extra_header_count: 0,
      valid_api_versions: ['v1'],
      strict_cors_mode: true,
      policies: policiesInfo(),
      allow_account_management: false,
      account_autocreate: true,
    },
    ...extensions.info,
  };
}
