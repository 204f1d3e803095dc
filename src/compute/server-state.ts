// The server state machine: Nova's status derived from (vm_state, task_state), and the table of actions
// — which vm_states allow each one, the task_state it writes while the worker runs, and where it lands.
// Pure data and functions; server-service.ts writes the desire, server-worker.ts carries it out.
import { PowerState } from './driver/driver.js';
import type { TaskState, VmState } from './model.js';

/** Nova's `status` (nova/api/openstack/common.py _STATE_MAP), restricted to the states Nuage uses. */
export function serverStatus(vmState: VmState, taskState: TaskState | null): string {
  switch (vmState) {
    case 'building':
      return 'BUILD';
    case 'active':
      if (taskState === 'rebooting') return 'REBOOT';
      if (taskState === 'rebooting_hard') return 'HARD_REBOOT';
      return lifecycleStatus(taskState) ?? 'ACTIVE';
    case 'stopped':
      if (taskState === 'rebooting') return 'REBOOT';
      if (taskState === 'rebooting_hard') return 'HARD_REBOOT';
      return lifecycleStatus(taskState) ?? 'SHUTOFF';
    case 'resized':
      return taskState === 'resize_reverting' ? 'REVERT_RESIZE' : 'VERIFY_RESIZE';
    case 'paused':
      return 'PAUSED';
    case 'suspended':
      return 'SUSPENDED';
    case 'error':
      return taskState === 'rebuilding' || taskState === 'rebuild_spawning' ? 'REBUILD' : 'ERROR';
    case 'deleted':
      return 'DELETED';
  }
}

/** Nova's REBUILD and RESIZE statuses of an active or stopped server while those tasks run. */
function lifecycleStatus(taskState: TaskState | null): string | undefined {
  if (taskState === 'rebuilding' || taskState === 'rebuild_spawning') return 'REBUILD';
  if (taskState === 'resize_prep' || taskState === 'resize_migrating' || taskState === 'resize_finish')
    return 'RESIZE';
  return undefined;
}

/** The reverse, for `GET /servers?status=X`: the vm_states whose default status is X. */
export function vmStatesForStatus(status: string): VmState[] | undefined {
  const map: Record<string, VmState[]> = {
    BUILD: ['building'],
    ACTIVE: ['active'],
    SHUTOFF: ['stopped'],
    PAUSED: ['paused'],
    SUSPENDED: ['suspended'],
    ERROR: ['error'],
    DELETED: ['deleted'],
    VERIFY_RESIZE: ['resized'],
  };
  return map[status.toUpperCase()];
}

export type ServerActionName =
  'os-start' | 'os-stop' | 'reboot-soft' | 'reboot-hard' | 'pause' | 'unpause' | 'suspend' | 'resume';

export interface ActionRule {
  /** Nova's instance-action name (`os-instance-actions`): start, stop, reboot, pause… */
  actionName: string;
  allowedFrom: readonly VmState[];
  taskState: TaskState;
  /** Where the server lands when the driver call succeeds. */
  target: { vmState: VmState; powerState: PowerState };
}

export const ACTION_RULES: Record<ServerActionName, ActionRule> = {
  'os-start': {
    actionName: 'start',
    allowedFrom: ['stopped'],
    taskState: 'powering-on',
    target: { vmState: 'active', powerState: PowerState.Running },
  },
  'os-stop': {
    actionName: 'stop',
    allowedFrom: ['active', 'error'],
    taskState: 'powering-off',
    target: { vmState: 'stopped', powerState: PowerState.Shutdown },
  },
  'reboot-soft': {
    actionName: 'reboot',
    allowedFrom: ['active'],
    taskState: 'rebooting',
    target: { vmState: 'active', powerState: PowerState.Running },
  },
  'reboot-hard': {
    actionName: 'reboot',
    allowedFrom: ['active', 'stopped', 'paused', 'suspended', 'error'],
    taskState: 'rebooting_hard',
    target: { vmState: 'active', powerState: PowerState.Running },
  },
  pause: {
    actionName: 'pause',
    allowedFrom: ['active'],
    taskState: 'pausing',
    target: { vmState: 'paused', powerState: PowerState.Paused },
  },
  unpause: {
    actionName: 'unpause',
    allowedFrom: ['paused'],
    taskState: 'unpausing',
    target: { vmState: 'active', powerState: PowerState.Running },
  },
  suspend: {
    actionName: 'suspend',
    allowedFrom: ['active'],
    taskState: 'suspending',
    target: { vmState: 'suspended', powerState: PowerState.Suspended },
  },
  resume: {
    actionName: 'resume',
    allowedFrom: ['suspended'],
    taskState: 'resuming',
    target: { vmState: 'active', powerState: PowerState.Running },
  },
};

/** The action a task_state belongs to (the worker's dispatch), or undefined for boot/delete. */
export function actionForTask(taskState: TaskState): ServerActionName | undefined {
  for (const [name, rule] of Object.entries(ACTION_RULES)) {
    if (rule.taskState === taskState) return name as ServerActionName;
  }
  return undefined;
}

/** Task states that belong to the boot saga (vm_state building). */
export const BOOT_TASK_STATES: readonly TaskState[] = [
  'scheduling',
  'networking',
  'block_device_mapping',
  'spawning',
];

/** Task states of rebuild, resize, revert and snapshot (server-tasks.ts carries them out). */
export const LIFECYCLE_TASK_STATES: readonly TaskState[] = [
  'rebuilding',
  'rebuild_spawning',
  'resize_prep',
  'resize_migrating',
  'resize_finish',
  'resize_reverting',
  'image_snapshot',
  'image_uploading',
];
