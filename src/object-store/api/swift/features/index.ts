// Installs every optional Swift feature's hooks. Order matters for intercepts: authentication-like
// features (tempurl, formpost, CORS preflight) first, then bulk operations and large objects.
import type { SwiftExtensions } from '../extensions.js';
import type { FeatureDeps } from './feature-deps.js';
import { install as bulk } from './bulk.js';
import { install as cors } from './cors.js';
import { install as formpost } from './formpost.js';
import { install as largeObjects } from './large-objects.js';
import { install as quotas } from './quotas.js';
import { install as tempurl } from './tempurl.js';
import { install as versioning } from './versioning.js';

export function installSwiftFeatures(extensions: SwiftExtensions, deps: FeatureDeps): void {
  for (const install of [cors, tempurl, formpost, bulk, largeObjects, quotas, versioning])
    install(extensions, deps);
}
