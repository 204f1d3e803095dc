// The one primitive the service hooks share: make the resource's open usage equal what its row now
// says, in the caller's transaction. Nothing is written when the open record already matches (the
// common case: most row updates change no billed state), so a hook costs one indexed read.
import { Decimal } from 'decimal.js';
import type { AnyExecutor, UsageRecorder, UsageStart } from '../usage-recorder.js';
import { openRecords, type ResourceRef } from '../usage-store.js';
import type { MeteringExecutor } from '../metering-tables.js';

/**
 * Brings the open usage of `ref` to `desired` at `at`: closes it when `desired` is null, splits when
 * the meter, project or quantity differ (state change, resize, extend, transfer), else leaves it.
 */
export async function syncUsage(
  recorder: UsageRecorder,
  trx: AnyExecutor,
  ref: ResourceRef,
  desired: UsageStart | null,
  at: Date,
): Promise<void> {
  const open = await openRecords(trx as MeteringExecutor, ref);
  if (desired === null) {
    if (open.length > 0) await recorder.closeUsage(trx, ref, at);
    return;
  }
  const [only] = open;
  const same =
    open.length === 1 &&
    only !== undefined &&
    only.meter === desired.meter &&
    only.projectId === desired.projectId &&
    new Decimal(only.quantity).eq(desired.quantity);
  if (!same) await recorder.splitUsage(trx, desired, at);
}
