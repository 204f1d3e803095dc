// The image service as Nova's image proxy API (GET/DELETE /images, /images/{id}/metadata, up to 2.35
// and 2.38) sees it: every image the caller may list, one image, delete, and property changes, all with
// the caller's rights. app.ts hands in the image module's service; only the shapes below are used.
import type { AuthContext } from '../common/http/context.js';

/** The image fields the proxy shows (Glance's v2 image, custom properties apart). */
export interface ProxiedImage {
  id: string;
  name: string | null;
  status: string;
  minDisk: number;
  minRam: number;
  sizeBytes: number | null;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** The image service methods the adapter calls (structurally the image module's ImageService). */
export interface ImageServiceLike {
  visible(auth: AuthContext, id: string): Promise<ProxiedImage>;
  list(
    auth: AuthContext,
    query: Record<string, string | undefined>,
  ): Promise<{ items: ProxiedImage[]; nextMarker: string | undefined }>;
  update(
    auth: AuthContext,
    id: string,
    ops: { op: 'add' | 'replace' | 'remove'; key: string; value?: unknown }[],
  ): Promise<ProxiedImage>;
  remove(auth: AuthContext, id: string): Promise<void>;
}

export interface ImageProxy {
  /** Every image the caller may list, in the image service's default order. */
  list(auth: AuthContext): Promise<ProxiedImage[]>;
  get(auth: AuthContext, id: string): Promise<ProxiedImage>;
  remove(auth: AuthContext, id: string): Promise<void>;
  /** Sets (adds or replaces) and removes custom properties in one update. */
  changeProperties(
    auth: AuthContext,
    id: string,
    change: { set: Record<string, string>; remove: string[] },
  ): Promise<ProxiedImage>;
}

/** Pages the image service uses when the proxy reads every image. */
const PAGE = 1000;

export function createImageProxy(images: ImageServiceLike): ImageProxy {
  return {
    async list(auth) {
      const out: ProxiedImage[] = [];
      let marker: string | undefined;
      do {
        const page = await images.list(auth, {
          limit: String(PAGE),
          ...(marker !== undefined && { marker }),
        });
        out.push(...page.items);
        marker = page.nextMarker;
      } while (marker !== undefined);
      return out;
    },
    get: (auth, id) => images.visible(auth, id),
    remove: (auth, id) => images.remove(auth, id),
    async changeProperties(auth, id, change) {
      const image = await images.visible(auth, id);
      const ops = [
        ...Object.entries(change.set).map(([key, value]) => ({
          op: key in image.properties ? ('replace' as const) : ('add' as const),
          key,
          value,
        })),
        ...change.remove
          .filter((key) => key in image.properties)
          .map((key) => ({ op: 'remove' as const, key })),
      ];
      return ops.length === 0 ? image : images.update(auth, id, ops);
    },
  };
}
