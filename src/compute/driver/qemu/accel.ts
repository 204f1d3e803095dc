// Which accelerator this host can really use. /dev/kvm may exist and still be unusable (nested
// virtualisation half exposed: `-cpu host|max` aborts with "failed to set MSR 0x10a"), so we try it.
import { access, constants } from 'node:fs/promises';
import { spawn } from 'node:child_process';

export type Accelerator = 'kvm' | 'tcg';

/**
 * Start `qemu -accel kvm -machine pc -cpu host` with no disks (SeaBIOS keeps the vCPU busy) and see
 * whether it is still alive after `probeMs`. `-machine none` is not enough: it creates no vCPU and
 * passes on hosts where every real guest aborts. Kills only the probe process it started.
 */
export async function probeKvm(qemuBinary: string, probeMs = 1_000): Promise<boolean> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return false;
  }
  const args = ['-accel', 'kvm', '-machine', 'pc', '-cpu', 'host', '-m', '16', '-smp', '1'];
  args.push('-nodefaults', '-no-user-config', '-display', 'none');
  const child = spawn(qemuBinary, args, { stdio: 'ignore' });
  return new Promise<boolean>((resolve) => {
    let settled = false;
    const finish = (usable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(usable);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(true);
    }, probeMs);
    child.once('error', () => finish(false));
    child.once('exit', () => finish(false));
  });
}

/** Resolve `auto` once per driver. */
export async function chooseAccelerator(
  wanted: 'auto' | Accelerator,
  qemuBinary: string,
): Promise<Accelerator> {
  if (wanted !== 'auto') return wanted;
  return (await probeKvm(qemuBinary)) ? 'kvm' : 'tcg';
}
