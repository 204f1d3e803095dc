// The ACPI power button, pressed again until the guest goes or the time is up. A guest that is still
// booting (acpid not started yet) misses a single press; Nova's libvirt driver sends the shutdown
// again every shutdown_retry_interval (10 s) for the same reason.
import type { GuestMonitor } from './guest-monitor.js';
import type { QmpClient } from './qmp.js';
import { wrapQmp } from './qemu-support.js';

/** Nova's [compute] shutdown_retry_interval. */
export const POWERDOWN_RETRY_MS = 10_000;

/** True once QEMU has exited, false if it still runs after timeoutMs. */
export async function powerdownAndWait(
  id: string,
  qmp: QmpClient,
  monitor: GuestMonitor,
  timeoutMs: number,
  retryMs = POWERDOWN_RETRY_MS,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let first = true; ; first = false) {
    try {
      await wrapQmp(id, () => qmp.execute({ execute: 'system_powerdown' }));
    } catch (err) {
      // A repeat press can race the guest's own exit (QMP closes); only the first must go through.
      if (first) throw err;
      if (monitor.hasExited) return true;
      throw err;
    }
    const left = deadline - Date.now();
    if (await monitor.waitForExit(Math.max(0, Math.min(left, retryMs)))) return true;
    if (Date.now() >= deadline) return false;
  }
}
