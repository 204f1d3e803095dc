// Format inspection of uploaded image data with `qemu-img info --output=json`, before an image may
// become active. Only the head and the tail of the data are kept while it streams past (formats keep
// their headers and footers there); they are written into a sparse file of the real size, which is
// what qemu-img reads. Its output is untrusted: every field is type-checked before use.
import { execFile } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { errors } from '../common/errors/codes.js';

export const HEAD_BYTES = 16 * 1024 * 1024;
export const TAIL_BYTES = 1024 * 1024;
const QEMU_IMG = 'qemu-img';
const TIMEOUT_MS = 15_000;
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** Declared disk_format → the qemu formats that may carry it. */
const ACCEPTED: Record<string, readonly string[]> = {
  raw: ['raw'],
  iso: ['raw'],
  ami: ['raw'],
  ari: ['raw'],
  aki: ['raw'],
  qcow2: ['qcow2'],
  vmdk: ['vmdk'],
  vhd: ['vpc'],
  vhdx: ['vhdx'],
  vdi: ['vdi'],
  ploop: ['parallels'],
};

/** Keeps the first HEAD_BYTES and the last TAIL_BYTES of a stream, as it passes. */
export class HeadTailCapture {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;

  push(chunk: Buffer): void {
    if (this.headBytes < HEAD_BYTES) {
      const piece = chunk.subarray(0, HEAD_BYTES - this.headBytes);
      this.head.push(Buffer.from(piece));
      this.headBytes += piece.length;
    }
    // Chunks are never reused by their producers, so the tail keeps references instead of copies.
    this.tail.push(chunk.subarray(Math.max(0, chunk.length - TAIL_BYTES)));
    this.tailBytes += Math.min(chunk.length, TAIL_BYTES);
    while (this.tail.length > 1 && this.tailBytes - (this.tail[0]?.length ?? 0) >= TAIL_BYTES) {
      this.tailBytes -= this.tail.shift()?.length ?? 0;
    }
  }

  headBuffer(): Buffer {
    return Buffer.concat(this.head);
  }

  tailBuffer(): Buffer {
    const all = Buffer.concat(this.tail);
    return all.subarray(Math.max(0, all.length - TAIL_BYTES));
  }
}

export interface Inspection {
  format: string;
  virtualSizeBytes: number;
}

function runQemuImg(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      QEMU_IMG,
      ['info', '--output=json', path],
      {
        timeout: TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        env: { PATH: '/usr/bin:/bin' },
      },
      (err, stdout) => {
        // A missing qemu-img is our fault (500); a failure or timeout on the data is the upload's (400).
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(errors.internal(err));
          return;
        }
        if (err) {
          reject(
            errors.badRequest(
              'Image data could not be inspected: it is not a valid image of any known format.',
            ),
          );
          return;
        }
        try {
          resolve(JSON.parse(stdout) as unknown);
        } catch {
          reject(errors.badRequest('Image data could not be inspected.'));
        }
      },
    );
  });
}

/** Checks qemu-img's report against the declared format and refuses external references. */
export function judge(
  report: unknown,
  path: string,
  declared: string,
  tail: Buffer,
  sizeBytes: number,
): Inspection {
  if (typeof report !== 'object' || report === null) throw errors.badRequest('Image inspection failed.');
  const r = report as Record<string, unknown>;
  const format = typeof r.format === 'string' ? r.format : '';
  const virtual = typeof r['virtual-size'] === 'number' ? r['virtual-size'] : sizeBytes;
  if (r['backing-filename'] !== undefined || r['full-backing-filename'] !== undefined) {
    throw errors.badRequest('Image has a backing file, which is not allowed.');
  }
  const specific = r['format-specific'];
  const data =
    typeof specific === 'object' && specific !== null
      ? (specific as Record<string, unknown>).data
      : undefined;
  if (typeof data === 'object' && data !== null) {
    const d = data as Record<string, unknown>;
    if (d['data-file'] !== undefined)
      throw errors.badRequest('Image has an external data file, which is not allowed.');
    // Only self-contained VMDK (Glance's vmdk_allowed_types): a descriptor naming other files would make
    // whoever opens the image read host files.
    const createType = d['create-type'];
    if (createType !== undefined && createType !== 'monolithicSparse' && createType !== 'streamOptimized') {
      throw errors.badRequest(`VMDK create-type ${String(createType)} is not allowed.`);
    }
    const extents: unknown[] = Array.isArray(d.extents) ? d.extents : [];
    for (const extent of extents) {
      const name =
        typeof extent === 'object' && extent !== null ? (extent as Record<string, unknown>).filename : path;
      if (name !== path) throw errors.badRequest('Image refers to external extents, which is not allowed.');
    }
  }
  const accepted = ACCEPTED[declared] ?? [];
  const vhdFooter =
    declared === 'vhd' &&
    tail.subarray(Math.max(0, tail.length - 512)).toString('latin1', 0, 8) === 'conectix';
  if (!accepted.includes(format) && !(vhdFooter && format === 'raw')) {
    throw errors.badRequest(
      `Image data does not match its disk_format: declared ${declared}, detected ${format === 'vpc' ? 'vhd' : format || 'unknown'}.`,
    );
  }
  return { format, virtualSizeBytes: Math.max(0, Math.floor(virtual)) };
}

/** Inspects the captured data; throws a 400 ApiError when the image must not become active. */
export async function inspectImage(
  tmpDir: string,
  capture: HeadTailCapture,
  sizeBytes: number,
  declared: string,
): Promise<Inspection> {
  const path = join(tmpDir, `inspect-${randomUUID()}`);
  const tail = capture.tailBuffer();
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.write(capture.headBuffer(), 0, undefined, 0);
    await handle.write(tail, 0, undefined, Math.max(0, sizeBytes - tail.length));
    await handle.truncate(sizeBytes);
    await handle.close();
    return judge(await runQemuImg(path), path, declared, tail, sizeBytes);
  } finally {
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
  }
}
