// Image data: direct upload (PUT file), download (GET file, with ranges), staging and glance-direct
// import. Bytes stream into the owner's reserved object-store container (so they count in that
// project's usage) and are hashed and format-inspected on the way; nothing holds a whole image in memory.
import { createHash, type Hash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Clock } from '../common/clock.js';
import { isApiError } from '../common/errors/api-error.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import type { ObjectService } from '../object-store/object-service.js';
import { isAdmin, requireModify } from './image-access.js';
import type { ImageService } from './image-service.js';
import type { ImageStore } from './image-store.js';
import { HeadTailCapture, inspectImage } from './inspect.js';
import { IMAGE_CONTAINER, type Image, type ImageStatus } from './model.js';

export interface ImageDataDeps {
  store: ImageStore;
  images: ImageService;
  objects: ObjectService;
  clock: Clock;
  /** Scratch directory for inspection files. */
  tmpDir: string;
  quota: { imageSizeTotalBytes: number };
}

/** Everything learnt about data while it streamed past. */
class Digest {
  /** Computed here only when the bytes are not being written (the blob store computes it otherwise). */
  readonly md5: Hash | undefined;
  md5Hex: string | undefined;
  readonly sha512: Hash = createHash('sha512');
  readonly capture = new HeadTailCapture();
  sizeBytes = 0;

  constructor(
    private readonly maxBytes: number,
    withMd5: boolean,
  ) {
    this.md5 = withMd5 ? createHash('md5') : undefined;
  }

  push(chunk: Buffer): void {
    this.sizeBytes += chunk.length;
    if (this.sizeBytes > this.maxBytes) {
      throw errors.payloadTooLarge(
        'The image would exceed the project quota for image data (image_size_total).',
      );
    }
    this.md5?.update(chunk);
    this.sha512.update(chunk);
    this.capture.push(chunk);
  }
}

export interface DataRange {
  start: number;
  end: number;
}

export function createImageData(deps: ImageDataDeps) {
  const { store, objects, clock } = deps;
  mkdirSync(deps.tmpDir, { recursive: true, mode: 0o700 });

  async function ensureContainer(owner: string): Promise<void> {
    if (await objects.getContainer(owner, IMAGE_CONTAINER)) return;
    await objects.putContainer(owner, IMAGE_CONTAINER, objects.emptyMetadata());
  }

  async function remaining(image: Image): Promise<number> {
    const used = (await store.usage(image.owner)).bytes - (image.sizeBytes ?? 0);
    return Math.max(0, deps.quota.imageSizeTotalBytes - used);
  }

  async function removeObject(owner: string, name: string | null): Promise<void> {
    if (name === null) return;
    await objects.deleteObject(owner, IMAGE_CONTAINER, name).catch(() => undefined);
  }

  /** Moves a writable image into a transient status, or throws 409 as Glance does. */
  async function claim(auth: AuthContext, id: string, from: ImageStatus[], to: ImageStatus): Promise<Image> {
    const image = await deps.images.visible(auth, id);
    requireModify(auth, image);
    if (!from.includes(image.status)) {
      throw errors.conflict(`Image status transition from ${image.status} to ${to} is not allowed.`);
    }
    if (!image.diskFormat || !image.containerFormat) {
      throw errors.badRequest('Properties disk_format, container_format must be set prior to saving data.');
    }
    const next = { ...image, status: to, updatedAt: clock.now().toISOString() };
    if (!(await store.save(next, image.status))) throw errors.conflict('The image changed; try again.');
    return next;
  }

  async function fail(image: Image, err: unknown, status: ImageStatus): Promise<never> {
    await store.save({ ...image, status, updatedAt: clock.now().toISOString() }, image.status);
    throw err;
  }

  /** Writes a body into an object of the image's owner, digesting it on the way. */
  async function receive(image: Image, name: string, body: AsyncIterable<Buffer>, contentLength?: number) {
    await ensureContainer(image.owner);
    const digest = new Digest(await remaining(image), false);
    const { object } = await objects.putObject({
      projectId: image.owner,
      container: IMAGE_CONTAINER,
      name,
      body,
      contentLength,
      contentType: 'application/octet-stream',
      metadata: objects.emptyMetadata(),
      deleteAt: null,
      onChunk: (chunk) => digest.push(chunk),
    });
    digest.md5Hex = object.etag;
    return digest;
  }

  /**
   * Inspects digested data and commits the image as active with its checksums; on refusal removes the
   * data and leaves the image `refusedStatus` (a direct upload goes back to queued, as in Glance).
   */
  async function activate(
    image: Image,
    digest: Digest,
    dataObject: string,
    refusedStatus: ImageStatus = 'killed',
  ): Promise<Image> {
    let virtualSizeBytes: number | null;
    try {
      virtualSizeBytes = (
        await inspectImage(
          deps.tmpDir,
          digest.capture,
          digest.sizeBytes,
          image.diskFormat ?? 'raw',
          image.containerFormat ?? 'bare',
        )
      ).virtualSizeBytes;
    } catch (err) {
      await removeObject(image.owner, dataObject);
      return fail({ ...image, sizeBytes: null, stagedObject: null }, err, refusedStatus);
    }
    const active: Image = {
      ...image,
      status: 'active',
      sizeBytes: digest.sizeBytes,
      virtualSizeBytes,
      checksum: digest.md5Hex ?? digest.md5?.digest('hex') ?? null,
      osHashAlgo: 'sha512',
      osHashValue: digest.sha512.digest('hex'),
      dataObject,
      stagedObject: null,
      updatedAt: clock.now().toISOString(),
    };
    if (!(await store.save(active, image.status))) {
      await removeObject(image.owner, dataObject);
      throw errors.conflict('The image was deleted or changed during the upload.');
    }
    return active;
  }

  return {
    async upload(auth: AuthContext, id: string, body: AsyncIterable<Buffer>, contentLength?: number) {
      const image = await claim(auth, id, ['queued'], 'saving');
      let digest: Digest;
      try {
        digest = await receive(image, image.id, body, contentLength);
      } catch (err) {
        return fail(image, err, 'killed');
      }
      // Glance answers data it refuses with 415 and puts the image back to queued (image_data.upload).
      return activate(image, digest, image.id, 'queued').catch((err: unknown) => {
        throw isApiError(err) && err.status === 400 ? errors.unsupportedMediaType(err.publicMessage) : err;
      });
    },

    async stage(auth: AuthContext, id: string, body: AsyncIterable<Buffer>, contentLength?: number) {
      const image = await claim(auth, id, ['queued'], 'uploading');
      const name = `${image.id}.staged`;
      let digest: Digest;
      try {
        digest = await receive(image, name, body, contentLength);
      } catch (err) {
        return fail(image, err, 'queued');
      }
      const staged = { ...image, sizeBytes: digest.sizeBytes, stagedObject: name };
      await store.save(staged, 'uploading');
      return staged;
    },

    /** glance-direct: inspects the staged data, then makes it the image's data without copying bytes. */
    async importStaged(auth: AuthContext, id: string): Promise<Image> {
      const image = await claim(auth, id, ['uploading'], 'importing');
      const staged = image.stagedObject;
      if (staged === null)
        return fail(image, errors.conflict('No data has been staged for this image.'), 'queued');
      const source = await objects.requireObject(image.owner, IMAGE_CONTAINER, staged);
      const digest = new Digest(Number.MAX_SAFE_INTEGER, true);
      for await (const chunk of await objects.openObject(source)) digest.push(chunk as Buffer);
      await objects.copyObject(source, {
        projectId: image.owner,
        container: IMAGE_CONTAINER,
        name: image.id,
        metadata: objects.emptyMetadata(),
        contentType: 'application/octet-stream',
        deleteAt: null,
      });
      await removeObject(image.owner, staged);
      return activate(image, digest, image.id);
    },

    /** The image's data for download; undefined when it has none (Glance answers 204). */
    async download(
      auth: AuthContext,
      id: string,
      rangeFor: (sizeBytes: number) => DataRange | undefined,
    ): Promise<{ image: Image; stream: Readable | undefined; range: DataRange | undefined }> {
      const image = await deps.images.visible(auth, id);
      if (image.status === 'deactivated' && !isAdmin(auth)) {
        throw errors.forbidden('The requested image has been deactivated. Image data download is forbidden.');
      }
      const none = { image, stream: undefined, range: undefined };
      if (image.status !== 'active' && image.status !== 'deactivated') return none;
      if (image.dataObject === null) return none;
      const object = await objects.requireObject(image.owner, IMAGE_CONTAINER, image.dataObject);
      const range = rangeFor(object.sizeBytes);
      return { image, stream: await objects.openObject(object, range), range };
    },

    /**
     * The bytes of an active image, read as the service rather than as a caller: the compute worker
     * fills its base-image cache outside any request. Rejects with 404 when the image has no data.
     */
    async openActive(id: string): Promise<{ image: Image; stream: Readable }> {
      const image = await store.get(id);
      if (!image || image.status !== 'active' || image.dataObject === null)
        throw errors.notFound('image', id);
      // Data that inspection did not show to be its disk_format is never opened as a disk.
      if (image.virtualSizeBytes === null) {
        throw errors.badRequest(
          `Image ${id} data was not verified to be ${image.diskFormat ?? 'raw'} and cannot be used as a disk.`,
        );
      }
      const object = await objects.requireObject(image.owner, IMAGE_CONTAINER, image.dataObject);
      return { image, stream: await objects.openObject(object) };
    },

    /**
     * Direct upload as the service rather than as a caller (compute snapshots, written by a worker
     * outside any request): the same queued → saving → active path, quota and inspection as upload().
     */
    async uploadAsService(id: string, body: AsyncIterable<Buffer>, contentLength?: number): Promise<Image> {
      const image = await store.get(id);
      if (!image) throw errors.notFound('image', id);
      if (image.status !== 'queued' || !image.diskFormat || !image.containerFormat) {
        throw errors.conflict(`Image status transition from ${image.status} to saving is not allowed.`);
      }
      const saving: Image = { ...image, status: 'saving', updatedAt: clock.now().toISOString() };
      if (!(await store.save(saving, 'queued'))) throw errors.conflict('The image changed; try again.');
      let digest: Digest;
      try {
        digest = await receive(saving, saving.id, body, contentLength);
      } catch (err) {
        return fail(saving, err, 'killed');
      }
      return activate(saving, digest, saving.id);
    },

    async removeData(image: Image): Promise<void> {
      await removeObject(image.owner, image.dataObject);
      await removeObject(image.owner, image.stagedObject);
    },
  };
}

export type ImageData = ReturnType<typeof createImageData>;
