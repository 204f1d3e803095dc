// Remembers where each bound port's device was plugged (tap, or veth into a namespace), in a JSON file
// of the state directory, so a restart or a sync recreates a device removed by hand.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlugTarget, PortSpec, Topology } from '../driver.js';
import { namespaces } from './exec.js';

export function createPlugRegistry(stateDir: string) {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, 'plugs.json');
  const plugs: Record<string, PlugTarget | null> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, PlugTarget | null>)
    : {};
  const save = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify(plugs));
    renameSync(`${file}.tmp`, file);
  };
  return {
    remember(portId: string, target: PlugTarget | undefined) {
      plugs[portId] = target ?? null;
      save();
    },
    forget(portId: string) {
      delete plugs[portId];
      save();
    },
    /** Re-plugs every remembered port that still exists; forgets the others. */
    async restore(
      topology: Topology,
      plug: (port: PortSpec, target: PlugTarget | undefined) => Promise<string>,
    ) {
      const ports = new Map(topology.networks.flatMap((n) => n.ports.map((p) => [p.id, p] as const)));
      const nsNow = await namespaces();
      let changed = false;
      for (const [id, target] of Object.entries(plugs)) {
        const port = ports.get(id);
        if (!port || (target?.netns && !nsNow.has(target.netns))) {
          delete plugs[id];
          changed = true;
          continue;
        }
        await plug(port, target ?? undefined);
      }
      if (changed) save();
    },
  };
}
