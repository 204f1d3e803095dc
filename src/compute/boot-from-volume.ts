// Request-time checks of what a server boots from: an image on a local overlay (today's path: image
// visible and active, flavor RAM and disk big enough) or a root volume (boot from volume: the source
// checked by the block-storage service through BootVolumes, flavor RAM against the image's min_ram; the
// flavor's disk does not apply, as in Nova). Resolves the row's imageId and one RootVolume per server.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import type { BootSource } from './block-device-mapping.js';
import type { BootVolumes, ImageSource } from './collaborators.js';
import type { Flavor, RootVolume } from './model.js';

export type RootVolumeSource = Extract<BootSource, { kind: 'volume' }>;

export interface CheckedBootSource {
  /** The image the server boots from; null for a volume-backed server (its view shows image ""). */
  imageId: string | null;
  /** The root volume of each server the create makes (a new volume id each for image/snapshot sources). */
  rootVolume(): RootVolume | null;
}

export async function checkBootSource(
  deps: { images: ImageSource; bootVolumes?: BootVolumes | undefined },
  auth: AuthContext,
  input: { imageRef: string; rootVolume?: RootVolumeSource | undefined; maxCount?: number | undefined },
  flavor: Flavor,
): Promise<CheckedBootSource> {
  const root = input.rootVolume;
  if (root === undefined) {
    const image = await deps.images.describe(auth, input.imageRef).catch(() => {
      throw errors.badRequest(`Image ${input.imageRef} could not be found.`);
    });
    if (image.status !== 'active') throw errors.badRequest(`Image ${image.id} is not active.`);
    if (flavor.ramMiB < image.minRamMiB)
      throw errors.badRequest("Flavor's memory is too small for requested image.");
    if (flavor.diskGib !== 0 && flavor.diskGib < image.minDiskGib) {
      throw errors.badRequest("Flavor's disk is too small for requested image.");
    }
    return { imageId: image.id, rootVolume: () => null };
  }
  if (!deps.bootVolumes) throw errors.badRequest('Boot from volume is not available on this cloud.');
  const facts = await deps.bootVolumes.check(auth, {
    sourceType: root.sourceType,
    sourceId: root.sourceId,
    sizeGib: root.sizeGib,
    volumeType: root.volumeType,
    count: input.maxCount ?? 1,
  });
  if (flavor.ramMiB < facts.minRamMiB)
    throw errors.badRequest("Flavor's memory is too small for requested image.");
  return {
    imageId: null,
    rootVolume: () => ({
      sourceType: root.sourceType,
      sourceId: root.sourceId,
      // An existing volume is the root itself; image and snapshot sources get a volume made for the server.
      volumeId: root.sourceType === 'volume' ? root.sourceId : newUuid(),
      sizeGib: root.sourceType === 'volume' ? null : facts.sizeGib,
      volumeType: root.volumeType,
      deleteOnTermination: root.deleteOnTermination,
      deviceName: root.deviceName,
      diskBus: root.diskBus,
    }),
  };
}
