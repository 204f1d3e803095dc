// Swift feature: bulk operations (Swift's bulk middleware). Bulk delete answers POST or DELETE with
// ?bulk-delete at any path of the account; archive extraction answers PUT with ?extract-archive.
// Like Swift's, the middleware runs before authorisation: every item is authorised on its own.
import type { FastifyReply } from 'fastify';
import type { SwiftContext } from '../swift-context.js';
import { handleBulkDelete, MAX_DELETES_PER_REQUEST, MAX_FAILED_DELETES } from './bulk/bulk-delete.js';
import {
  handleExtractArchive,
  MAX_CONTAINERS_PER_EXTRACTION,
  MAX_FAILED_EXTRACTIONS,
} from './bulk/extract-archive.js';
import type { InstallFeature } from './feature-deps.js';

async function intercept(ctx: SwiftContext): Promise<FastifyReply | false> {
  const method = ctx.request.method;
  const extract = ctx.query['extract-archive'];
  if (extract !== undefined && method === 'PUT') return handleExtractArchive(ctx, extract);
  if (ctx.query['bulk-delete'] !== undefined && (method === 'POST' || method === 'DELETE'))
    return handleBulkDelete(ctx);
  return false;
}

export const install: InstallFeature = (extensions) => {
  extensions.info.bulk_delete = {
    max_deletes_per_request: MAX_DELETES_PER_REQUEST,
    max_failed_deletes: MAX_FAILED_DELETES,
  };
  extensions.info.bulk_upload = {
    max_containers_per_extraction: MAX_CONTAINERS_PER_EXTRACTION,
    max_failed_extractions: MAX_FAILED_EXTRACTIONS,
  };
  extensions.intercept.push(intercept);
};
