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
  qcow2: ['qcow2'],
  vmdk: ['vmdk'],
  vhd: ['vpc'],
  vhdx: ['vhdx'],
  vdi: ['vdi'],
  ploop: ['parallels'],
};

/** Formats Glance cannot inspect (the kernel, ramdisk and machine images of AWS): raw data is theirs. */
const NOT_INSPECTABLE = new Set(['ami', 'ari', 'aki']);

/** Glance's InvalidImageData (a direct upload answers it with 415, see image-data.ts). */
const invalidImageData = (message: string) => errors.badRequest(message);

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

/**
 * The verdict on uploaded data. `virtualSizeBytes` is null when the data was not shown to be what its
 * disk_format says (Glance then leaves virtual_size unset): consumers that open image data as a disk
 * (compute, volumes) must refuse such images.
 */
export interface Inspection {
  format: string;
  virtualSizeBytes: number | null;
}

/** qemu-img's report; data it cannot read is refused when `strict` (bare), else reported as unknown. */
function runQemuImg(path: string, strict: boolean): Promise<unknown> {
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
        // A missing qemu-img is our fault (500); a failure or timeout on the data is the upload's.
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(errors.internal(err));
          return;
        }
        if (err) {
          if (strict) reject(invalidImageData('Image format inspection failed'));
          else resolve({ format: '' });
          return;
        }
        try {
          resolve(JSON.parse(stdout) as unknown);
        } catch {
          reject(invalidImageData('Image format inspection failed'));
        }
      },
    );
  });
}

/** Refuses data that would make whoever opens it read other files (Glance's safety checks). */
function safetyCheck(r: Record<string, unknown>, path: string): string | undefined {
  if (r['backing-filename'] !== undefined || r['full-backing-filename'] !== undefined)
    return 'Image has a backing file, which is not allowed.';
  const specific = r['format-specific'];
  const data =
    typeof specific === 'object' && specific !== null
      ? (specific as Record<string, unknown>).data
      : undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (d['data-file'] !== undefined) return 'Image has an external data file, which is not allowed.';
  // Only self-contained VMDK (Glance's vmdk_allowed_types): a descriptor naming other files would make
  // whoever opens the image read host files.
  const createType = d['create-type'];
  if (createType !== undefined && createType !== 'monolithicSparse' && createType !== 'streamOptimized')
    return `VMDK create-type ${String(createType)} is not allowed.`;
  const extents: unknown[] = Array.isArray(d.extents) ? d.extents : [];
  for (const extent of extents) {
    const name =
      typeof extent === 'object' && extent !== null ? (extent as Record<string, unknown>).filename : path;
    if (name !== path) return 'Image refers to external extents, which is not allowed.';
  }
  return undefined;
}

/**
 * Judges qemu-img's report as Glance's upload does (glance/location.py set_data) for its default
 * configuration: Glance inspects only `bare` containers, refuses unsafe data and data that does not
 * match a declared inspectable format (require_image_format_match), and accepts anything declared
 * raw (as raw bytes). Other containers are not refused, but data that does not match (or is not safe)
 * gets no virtual size, so that it is never opened as a disk here.
 */
export function judge(
  report: unknown,
  path: string,
  declared: string,
  tail: Buffer,
  sizeBytes: number,
  container = 'bare',
): Inspection {
  if (typeof report !== 'object' || report === null) throw invalidImageData('Image format inspection failed');
  const r = report as Record<string, unknown>;
  const qemuFormat = typeof r.format === 'string' ? r.format : '';
  const virtual = Math.max(
    0,
    Math.floor(typeof r['virtual-size'] === 'number' ? r['virtual-size'] : sizeBytes),
  );
  const vhdFooter =
    declared === 'vhd' &&
    tail.subarray(Math.max(0, tail.length - 512)).toString('latin1', 0, 8) === 'conectix';
  const matches = (ACCEPTED[declared] ?? []).includes(qemuFormat) || (vhdFooter && qemuFormat === 'raw');
  const bare = container === 'bare';
  const unsafe = safetyCheck(r, path);
  if (unsafe !== undefined) {
    if (bare) throw invalidImageData(unsafe);
    return { format: qemuFormat, virtualSizeBytes: null };
  }
  if (matches) return { format: qemuFormat, virtualSizeBytes: virtual };
  // Declared raw: the bytes are used as raw bytes, whatever they look like.
  if (declared === 'raw') return { format: 'raw', virtualSizeBytes: sizeBytes };
  if (qemuFormat === 'raw' && NOT_INSPECTABLE.has(declared)) return { format: 'raw', virtualSizeBytes: null };
  if (bare) {
    const detected =
      qemuFormat === 'vpc' ? 'vhd' : qemuFormat === 'parallels' ? 'ploop' : qemuFormat || 'unknown';
    throw invalidImageData(`Image disk_format ${declared} does not match stream data ${detected}`);
  }
  return { format: qemuFormat, virtualSizeBytes: null };
}

/** Inspects the captured data; throws a 400 ApiError when the image must not become active. */
export async function inspectImage(
  tmpDir: string,
  capture: HeadTailCapture,
  sizeBytes: number,
  declared: string,
  container = 'bare',
): Promise<Inspection> {
  const path = join(tmpDir, `inspect-${randomUUID()}`);
  const tail = capture.tailBuffer();
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.write(capture.headBuffer(), 0, undefined, 0);
    await handle.write(tail, 0, undefined, Math.max(0, sizeBytes - tail.length));
    await handle.truncate(sizeBytes);
    await handle.close();
    return judge(await runQemuImg(path, container === 'bare'), path, declared, tail, sizeBytes, container);
  } finally {
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
  }
}
