// Hooks through which optional Swift features (large objects, versioning, quotas, bulk operations…)
// join the core handlers without the core knowing them. Each hook is optional; absent means "not
// enabled", and /info lists only the features whose hooks are installed.
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { StoredObject } from '../../model.js';
import type { SwiftContext } from './swift-context.js';

export interface SwiftExtensions {
  /** Features to list in GET /info: name → capability document. */
  info: Record<string, unknown>;
  /** Handles the whole request if it is theirs (e.g. ?bulk-delete, ?multipart-manifest=put); else false. */
  intercept: Array<(ctx: SwiftContext) => Promise<FastifyReply | false>>;
  /** For a manifest object: its logical size, etag and a body stream; undefined for plain objects. */
  readManifest?: (ctx: SwiftContext, object: StoredObject) => Promise<ManifestView | undefined>;
  /** Called before an object PUT commits a new version / before a DELETE (versioning, quotas). */
  beforeObjectWrite: Array<(ctx: SwiftContext, incomingBytes: number | undefined) => Promise<void>>;
  beforeObjectDelete: Array<(ctx: SwiftContext, existing: StoredObject) => Promise<'proceed' | 'handled'>>;
}

export interface ManifestView {
  sizeBytes: number;
  etag: string;
  headers: Record<string, string>;
  open(range?: { start: number; end: number }): Promise<Readable>;
}

export function emptyExtensions(): SwiftExtensions {
  return { info: {}, intercept: [], beforeObjectWrite: [], beforeObjectDelete: [] };
}
