// Writes a config drive: an ISO 9660 image labelled `config-2` (Joliet + Rock Ridge) holding the files
// from metadata.ts, made with genisoimage as Nova does.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ConfigDriveIsoOptions {
  genisoimageBinary?: string;
  /** Where the staging tree goes; defaults to the OS temp dir. It is removed in every case. */
  scratchDir?: string;
}

/**
 * Write `files` (ISO-relative path → content) as a `config-2` ISO at `isoPath`, through a temporary
 * name so that a failure leaves no partial ISO. Paths must be relative and must not contain `..`.
 */
export async function writeConfigDriveIso(
  files: ReadonlyMap<string, string | Uint8Array>,
  isoPath: string,
  options: ConfigDriveIsoOptions = {},
): Promise<void> {
  const staging = await mkdtemp(path.join(options.scratchDir ?? tmpdir(), 'nuage-config-drive-'));
  const temporaryIso = `${isoPath}.tmp-${process.pid}`;
  try {
    for (const [relative, content] of files) {
      const target = path.join(staging, relative);
      if (path.isAbsolute(relative) || !target.startsWith(`${staging}${path.sep}`)) {
        throw new Error(`config drive path escapes the drive: ${relative}`);
      }
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const args = ['-o', temporaryIso, '-V', 'config-2', '-J', '-R', '-quiet', '-input-charset', 'utf-8'];
    args.push('-publisher', 'Nuage', staging);
    await execFileAsync(options.genisoimageBinary ?? 'genisoimage', args, { timeout: 60_000 });
    await rename(temporaryIso, isoPath);
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(temporaryIso, { force: true });
  }
}
