// The metadata service (http://169.254.169.254 for guests): the server on its unix socket, the path
// tree, and the source that finds the instance behind a request.
import { join, resolve } from 'node:path';

export { startMetadataServer, type MetadataServer, type MetadataServerOptions } from './metadata-server.js';
export type { MetadataInstance, MetadataSource } from './metadata-source.js';
export { createStoreMetadataSource } from './store-metadata-source.js';

/**
 * Where the metadata server listens and the linux network driver's forwarders connect:
 * `<dataDir>/compute/metadata.sock`, absolute (the forwarders run under `ip netns exec`).
 */
export const metadataSocketPath = (dataDir: string) => join(resolve(dataDir), 'compute', 'metadata.sock');
