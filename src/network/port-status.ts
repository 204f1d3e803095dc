// A port's status: up when an administrator lets it be and something is attached to it.
import type { Rec } from './network-store.js';

export function portStatus(p: Rec): 'ACTIVE' | 'DOWN' {
  return p.admin_state_up !== false && p.device_owner ? 'ACTIVE' : 'DOWN';
}
