// The status map and the action table agree with Nova's.
import { describe, expect, it } from 'vitest';
import { ACTION_RULES, actionForTask, serverStatus, vmStatesForStatus } from './server-state.js';

describe('serverStatus', () => {
  it('maps vm_state and task_state like Nova', () => {
    expect(serverStatus('building', 'spawning')).toBe('BUILD');
    expect(serverStatus('active', null)).toBe('ACTIVE');
    expect(serverStatus('active', 'rebooting')).toBe('REBOOT');
    expect(serverStatus('active', 'rebooting_hard')).toBe('HARD_REBOOT');
    expect(serverStatus('active', 'powering-off')).toBe('ACTIVE');
    expect(serverStatus('stopped', null)).toBe('SHUTOFF');
    expect(serverStatus('error', 'deleting')).toBe('ERROR');
    expect(vmStatesForStatus('shutoff')).toEqual(['stopped']);
  });

  it('finds the action of every action task state', () => {
    for (const [name, rule] of Object.entries(ACTION_RULES)) expect(actionForTask(rule.taskState)).toBe(name);
    expect(actionForTask('spawning')).toBeUndefined();
  });
});
