// Policy evaluation cost per check (the trace-free decision services make), on the built engine:
// `npm run build && node bench/policy.mjs`. Prints µs per check for a denied and an allowed case.
import { defaultPolicyRegistry } from '../dist/common/policy/index.js';

const enforcer = defaultPolicyRegistry().resolve().get('network');
const member = { userId: 'u', projectId: 'p1', roles: ['member', 'reader'] };
const cases = [
  ['get_network', { project_id: 'p2', shared: false, 'router:external': false }, 'denied'],
  ['get_port', { project_id: 'p1', 'network:project_id': 'p1', shared: false }, 'allowed'],
  ['create_port', { project_id: 'p2', 'network:project_id': 'p2', shared: false }, 'denied'],
];
const runs = 200_000;
for (const [rule, target, outcome] of cases) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) enforcer.allows(rule, member, target);
  const nsPerCheck = Number(process.hrtime.bigint() - start) / runs;
  console.log(`${rule} (${outcome}): ${(nsPerCheck / 1000).toFixed(2)} µs per check`);
}
