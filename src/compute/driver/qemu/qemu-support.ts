// Pure pieces of the QEMU driver: spec validation, QEMU run state → Nova power state, and the
// mapping of QMP and system failures onto DriverError.
import { DriverError, PowerState, type InstanceSpec } from '../driver.js';
import { QmpError } from './qmp.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function validateSpec(spec: InstanceSpec): void {
  const problems: string[] = [];
  if (!UUID.test(spec.id)) problems.push('id must be a lower-case dashed UUID');
  if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1 || spec.vcpus > 64)
    problems.push('vcpus must be 1..64');
  if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 16) problems.push('memoryMiB must be ≥ 16');
  for (const nic of spec.networkInterfaces) {
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(nic.macAddress)) problems.push(`bad MAC ${nic.macAddress}`);
    if (nic.kind === 'tap' && !/^[A-Za-z0-9_.-]{1,15}$/.test(nic.tapName))
      problems.push(`bad tap ${nic.tapName}`);
  }
  if (problems.length > 0) {
    throw new DriverError('HypervisorError', `invalid instance spec: ${problems.join('; ')}`, {
      instanceId: spec.id,
    });
  }
}

export function powerStateOf(status: string, suspended: boolean): PowerState {
  switch (status) {
    case 'running':
      return PowerState.Running;
    case 'paused':
    case 'suspended':
      return suspended ? PowerState.Suspended : PowerState.Paused;
    case 'shutdown':
      return PowerState.Shutdown;
    case 'guest-panicked':
    case 'internal-error':
    case 'io-error':
      return PowerState.Crashed;
    default:
      return PowerState.NoState;
  }
}

export function invalidState(id: string, what: string): DriverError {
  return new DriverError('InvalidState', `instance ${id} ${what}`, { instanceId: id });
}

export function asDriverError(err: unknown, id: string, what: string): DriverError {
  if (err instanceof DriverError) return err;
  return new DriverError('HypervisorError', `${what}: ${(err as Error).message}`, {
    instanceId: id,
    cause: err,
  });
}

/** Run a QMP exchange; QMP timeouts become Timeout, anything else HypervisorError. */
export async function wrapQmp<T>(id: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (err instanceof QmpError && err.errorClass === 'Timeout') {
      throw new DriverError('Timeout', err.message, { instanceId: id, cause: err });
    }
    throw asDriverError(err, id, 'QMP');
  }
}
