// Hooks through which optional Swift features (large objects, versioning, quotas, bulk operations…)
// join the core handlers without the core knowing them. Each hook is optional; absent means "not
// enabled", and /info lists only the features whose hooks are installed.
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StoredMetadata, StoredObject } from '../../model.js';
import type { SwiftContext } from './swift-context.js';

export interface SwiftExtensions {
  /** Features to list in GET /info: name → capability document. */
  info: Record<string, unknown>;
  /** Handles the whole request if it is theirs (e.g. ?bulk-delete, ?multipart-manifest=put); else false. */
  intercept: Array<(ctx: SwiftContext) => Promise<FastifyReply | false>>;
  /** For a manifest object: its logical size, etag and a body stream; undefined for plain objects. */
  readManifest?: (ctx: SwiftContext, object: StoredObject) => Promise<ManifestView | undefined>;
  /**
   * Called before an object PUT or server-side copy writes (versioning, quotas); a hook may return a plan
   * for the write it precedes. Run them all with planObjectWrite.
   */
  beforeObjectWrite: Array<
    (ctx: SwiftContext, incomingBytes: number | undefined) => Promise<ObjectWritePlan | void>
  >;
  beforeObjectDelete: Array<(ctx: SwiftContext, existing: StoredObject) => Promise<'proceed' | 'handled'>>;
  /** Adjusts a response's headers just before it is sent, errors included (CORS, temp URL disposition). */
  onSend: Array<(request: FastifyRequest, reply: FastifyReply) => Promise<void> | void>;
}

/** What a beforeObjectWrite hook asks of the write it precedes. */
export interface ObjectWritePlan {
  /** Persisted object headers to set on the new object (null removes one), e.g. its version id. */
  headers?: Record<string, string | null>;
  /** Runs once the written size is known, before the row commits; throws an ApiError to refuse it. */
  beforeCommit?: (written: { sizeBytes: number }) => void;
  /** Runs after the new object was committed (not when a newer write won). */
  afterCommit?: (object: StoredObject) => Promise<void>;
}

export interface CombinedWritePlan {
  applyHeaders(metadata: StoredMetadata): StoredMetadata;
  beforeCommit(written: { sizeBytes: number }): void;
  afterCommit(object: StoredObject): Promise<void>;
}

/** Runs every beforeObjectWrite hook, in order, and combines their plans. */
export async function planObjectWrite(
  ctx: SwiftContext,
  incomingBytes: number | undefined,
): Promise<CombinedWritePlan> {
  const plans: ObjectWritePlan[] = [];
  for (const hook of ctx.extensions.beforeObjectWrite) {
    const plan = await hook(ctx, incomingBytes);
    if (plan) plans.push(plan);
  }
  return {
    applyHeaders(metadata) {
      const headers = { ...metadata.headers };
      for (const [name, value] of plans.flatMap((p) => Object.entries(p.headers ?? {}))) {
        if (value === null) delete headers[name];
        else headers[name] = value;
      }
      return { meta: metadata.meta, headers };
    },
    beforeCommit(written) {
      for (const p of plans) p.beforeCommit?.(written);
    },
    async afterCommit(object) {
      for (const p of plans) await p.afterCommit?.(object);
    },
  };
}

export interface ManifestView {
  sizeBytes: number;
  etag: string;
  headers: Record<string, string>;
  open(range?: { start: number; end: number }): Promise<Readable>;
}

export function emptyExtensions(): SwiftExtensions {
  return { info: {}, intercept: [], beforeObjectWrite: [], beforeObjectDelete: [], onSend: [] };
}
