// Validates and normalises the versioning headers of a container PUT or POST before the core handler
// stores them: X-Versions-Location and X-History-Location exclude each other (setting one clears the
// other, removing either removes both), X-Versions-Enabled is stored as "True"/"False" and cannot be
// removed, and the legacy and new modes never meet on one container.
import { errors } from '../../../../../common/errors/codes.js';
import type { Container } from '../../../../model.js';
import { VERSIONS_ENABLED_HEADER } from '../../../../versioning/index.js';
import { isLockEnabled } from '../../../../object-lock.js';
import { truthy, type SwiftContext } from '../../swift-context.js';

const STACK = 'x-versions-location';
const HISTORY = 'x-history-location';
const REMOVE_STACK = 'x-remove-versions-location';
const REMOVE_HISTORY = 'x-remove-history-location';

function setHeader(ctx: SwiftContext, name: string, value: string | undefined): void {
  if (value === undefined) {
    delete ctx.request.headers[name];
    delete ctx.headers[name];
  } else {
    ctx.request.headers[name] = value;
    ctx.headers[name] = value;
  }
}

/** Resolves the two legacy headers to at most one location; returns the location set, if any. */
function legacyRules(ctx: SwiftContext): string | undefined {
  const h = ctx.headers;
  if (h[STACK] !== undefined && h[HISTORY] !== undefined) {
    if (h[HISTORY] === '') setHeader(ctx, HISTORY, undefined);
    else if (h[STACK] !== '') throw errors.badRequest(`Only one of ${STACK} or ${HISTORY} may be specified`);
    else setHeader(ctx, STACK, undefined);
  }
  const header = h[STACK] !== undefined ? STACK : h[HISTORY] !== undefined ? HISTORY : undefined;
  const value = header === undefined ? undefined : h[header];
  if (header !== undefined && value) {
    if (value.includes('/') || decodeURIComponentSafe(value).includes('/'))
      throw errors.preconditionFailed('Container name cannot contain slashes');
    // Adding wins over removing; the other mode's location is cleared.
    setHeader(ctx, REMOVE_STACK, undefined);
    setHeader(ctx, REMOVE_HISTORY, undefined);
    setHeader(ctx, header === STACK ? HISTORY : STACK, '');
    return value;
  }
  if (header !== undefined || h[REMOVE_STACK] || h[REMOVE_HISTORY]) {
    setHeader(ctx, REMOVE_STACK, undefined);
    setHeader(ctx, REMOVE_HISTORY, undefined);
    setHeader(ctx, STACK, '');
    setHeader(ctx, HISTORY, '');
  }
  return undefined;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function applyContainerVersioningRules(ctx: SwiftContext, existing: Container | undefined): void {
  const location = legacyRules(ctx);
  const stored = existing?.metadata.headers ?? {};
  const enabled = ctx.headers[VERSIONS_ENABLED_HEADER];
  setHeader(ctx, 'x-remove-versions-enabled', undefined);
  if (enabled !== undefined) {
    const legacyKept =
      location === undefined && ctx.headers[STACK] !== '' && (stored[STACK] || stored[HISTORY]);
    if (location !== undefined || legacyKept)
      throw errors.badRequest(
        'Cannot enable object versioning on a container that is already using the legacy versioned writes feature.',
      );
    if (!truthy(enabled) && existing && isLockEnabled(existing)) {
      throw errors.conflict('Versioning cannot be turned off on a container with S3 Object Lock.');
    }
    setHeader(ctx, VERSIONS_ENABLED_HEADER, truthy(enabled) ? 'True' : 'False');
  } else if (location !== undefined && stored[VERSIONS_ENABLED_HEADER] !== undefined) {
    throw errors.badRequest(
      'Cannot use the legacy versioned writes feature on a container that uses object versioning.',
    );
  }
}
