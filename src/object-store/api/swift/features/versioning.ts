// Swift feature: object versioning, both the legacy versioned writes (X-Versions-Location stack mode,
// X-History-Location history mode) and the new object versioning (X-Versions-Enabled, ?versions,
// ?version-id), whose bookkeeping lives in src/object-store/versioning for the S3 front end too.
import type { FastifyReply } from 'fastify';
import { errors } from '../../../../common/errors/codes.js';
import {
  createVersionStore,
  isVersionsAccount,
  versioningStateOf,
  type VersionStore,
} from '../../../versioning/index.js';
import type { StoredObject } from '../../../model.js';
import { authorizeSwift } from '../access.js';
import type { ObjectWritePlan } from '../extensions.js';
import type { SwiftContext } from '../swift-context.js';
import type { InstallFeature } from './feature-deps.js';
import { applyContainerVersioningRules } from './versioning/container-rules.js';
import { legacyBeforeDelete, legacyBeforeWrite, legacyVersioningOf } from './versioning/legacy.js';
import { handleVersionRequest, listContainerVersions } from './versioning/version-requests.js';

/** The version store's hidden accounts are no one's: not even a cloud admin may address them. */
async function guardVersionStore(ctx: SwiftContext): Promise<false> {
  if (isVersionsAccount(ctx.path.projectId)) throw errors.notFound('account', ctx.path.account.slice(0, 64));
  return false;
}

async function containerDelete(ctx: SwiftContext, versions: VersionStore): Promise<false> {
  const c = await ctx.objects.getContainer(ctx.path.projectId, ctx.path.container as string);
  if (!c || versioningStateOf(c.metadata) === 'unversioned') return false;
  const account = await ctx.objects.getAccount(ctx.path.projectId);
  authorizeSwift({
    auth: ctx.auth,
    projectId: ctx.path.projectId,
    operation: 'container-write',
    account: account.metadata,
  });
  if (await versions.hasVersions(ctx.path.projectId, c.name))
    throw errors.conflict('Delete all versions before deleting container.', {
      internalContext: { verbatimBody: true },
    });
  await versions.dropStore(ctx.path.projectId, c.name);
  return false;
}

async function intercept(ctx: SwiftContext, versions: VersionStore): Promise<FastifyReply | false> {
  const { path } = ctx;
  const method = ctx.request.method;
  if (path.container === undefined) return false;
  if (path.object === undefined) {
    if (method === 'PUT' || method === 'POST') {
      applyContainerVersioningRules(ctx, await ctx.objects.getContainer(path.projectId, path.container));
    } else if (method === 'GET' && ctx.query.versions !== undefined) {
      return listContainerVersions(ctx, versions);
    } else if (method === 'DELETE') {
      return containerDelete(ctx, versions);
    }
    return false;
  }
  if (ctx.query['version-id'] !== undefined && method !== 'OPTIONS')
    return handleVersionRequest(ctx, versions);
  if (method === 'GET' || method === 'HEAD') {
    const c = await ctx.objects.getContainer(path.projectId, path.container);
    // Objects written while versioning was off are the "null" version; versioned ones carry their id.
    if (c && versioningStateOf(c.metadata) !== 'unversioned') ctx.reply.header('X-Object-Version-Id', 'null');
  }
  return false;
}

async function beforeWrite(ctx: SwiftContext, versions: VersionStore): Promise<ObjectWritePlan | void> {
  const { projectId, container, object } = ctx.path;
  const c = await ctx.objects.getContainer(projectId, container as string);
  if (!c || object === undefined) return;
  const legacy = legacyVersioningOf(c);
  if (legacy) await legacyBeforeWrite(ctx.objects, c, object, legacy);
  const prepared = await versions.prepareWrite(projectId, c.name, object, versioningStateOf(c.metadata));
  return {
    headers: prepared.headers,
    afterCommit: async () => {
      if (prepared.versionId !== undefined) ctx.reply.header('X-Object-Version-Id', prepared.versionId);
    },
  };
}

async function beforeDelete(
  ctx: SwiftContext,
  versions: VersionStore,
  existing: StoredObject,
): Promise<'proceed' | 'handled'> {
  const c = await ctx.objects.getContainer(existing.projectId, existing.container);
  if (!c) return 'proceed';
  const legacy = legacyVersioningOf(c);
  if (legacy) return legacyBeforeDelete(ctx.objects, existing, legacy);
  const state = versioningStateOf(c.metadata);
  const markerId = await versions.prepareDelete(existing.projectId, c.name, existing.name, state);
  if (markerId !== undefined) ctx.reply.header('X-Object-Version-Id', markerId);
  return 'proceed';
}

export const install: InstallFeature = (extensions, deps) => {
  const versions = createVersionStore(deps.objects);
  extensions.info.versioned_writes = { allowed_flags: ['x-versions-location', 'x-history-location'] };
  extensions.info.object_versioning = {};
  extensions.intercept.unshift(guardVersionStore);
  extensions.intercept.push((ctx) => intercept(ctx, versions));
  extensions.beforeObjectWrite.push((ctx) => beforeWrite(ctx, versions));
  extensions.beforeObjectDelete.push((ctx, existing) => beforeDelete(ctx, versions, existing));
};
