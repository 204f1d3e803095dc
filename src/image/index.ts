// Composition of the image service (Glance v2): its store over the database, the record, data and member
// services, and the Fastify plugin served under /image. Image bytes go to the object service.
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import type { AuthContext, TokenValidator } from '../common/http/context.js';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/schema.js';
import type { ObjectService } from '../object-store/object-service.js';
import { imagePlugin } from './api/plugin.js';
import { callerProject } from './image-access.js';
import { createImageData, type ImageData } from './image-data.js';
import { createImageService } from './image-service.js';
import { createImageStore } from './image-store.js';
import type { ImageUsageHook } from '../metering/hooks/image.js';
import { createMemberService } from './member-service.js';
import { createSnapshotImages } from './snapshot-images.js';

export interface ImageModuleDeps {
  db: Kysely<Database>;
  clock: Clock;
  config: Config;
  validator: TokenValidator;
  objects: ObjectService;
  /** Metering: called in the transaction of each image record write (src/metering/hooks/image.ts). */
  usage?: ImageUsageHook;
}

export function createImageModule(deps: ImageModuleDeps) {
  const { clock, config } = deps;
  const store = createImageStore(deps.db, deps.usage);
  const quota = config.image;
  // The record service deletes data through the data service, which needs the record service first.
  const late: { data?: ImageData } = {};
  const images = createImageService({
    store,
    clock,
    quota,
    removeData: async (image) => late.data?.removeData(image),
  });
  const data = createImageData({
    store,
    images,
    objects: deps.objects,
    clock,
    tmpDir: join(config.dataDir, 'images', 'tmp'),
    quota,
  });
  late.data = data;
  const members = createMemberService({ store, images, clock });
  // Compute snapshots (createImage), made by the compute worker as the service.
  const snapshots = createSnapshotImages({ store, clock, quota, removeData: (i) => data.removeData(i) });

  async function usage(auth: AuthContext) {
    const project = callerProject(auth);
    const used = project === undefined ? { count: 0, bytes: 0 } : await store.usage(project);
    return {
      image_count_total: { limit: quota.imageCountTotal, usage: used.count },
      image_size_total: { limit: quota.imageSizeTotalBytes, usage: used.bytes },
    };
  }

  return {
    services: { images, data, members, snapshots },
    /**
     * Start-up recovery for a single-process deployment (SQLite): uploads and imports that a crash
     * interrupted can never finish, so their images become `killed`. Do not call while another API
     * node may be uploading. Resolves how many images were marked.
     */
    recoverInterrupted: () => store.killInterrupted(clock.now().toISOString()),
    plugin: imagePlugin({
      images,
      data,
      members,
      usage,
      publicUrl: config.publicUrl,
      validator: deps.validator,
    }),
  };
}

export type ImageModule = ReturnType<typeof createImageModule>;
