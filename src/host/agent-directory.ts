// Which HostAgent serves a host: the local agent for this process's own host (all-in-one), else the HTTP
// client of the remote agent at the URL and with the secret its last heartbeat recorded.
import type { Kysely } from 'kysely';
import type { TokenCipher } from '../common/crypto/token-cipher.js';
import { DriverError } from '../compute/driver/driver.js';
import type { HostAgent } from './agent-contract.js';
import { createAgentCredentialStore, type AgentCredentialTables } from './agent-credential-store.js';
import { HttpHostAgent } from './http-agent.js';

export interface AgentDirectory {
  /** The agent of `host`; rejects with HypervisorError when no agent has reported for it. */
  forHost(host: string): Promise<HostAgent>;
}

export function createAgentDirectory(deps: {
  db: Kysely<AgentCredentialTables>;
  local?: HostAgent;
  callTimeoutMs?: number;
  /** Opens the control secrets heartbeats recorded (sealed under <dataDir>/keys/agents). */
  secrets?: TokenCipher;
}): AgentDirectory {
  const credentials = createAgentCredentialStore(deps.db);
  // One client per host, replaced when the agent restarts (new URL or secret).
  const clients = new Map<string, { key: string; agent: HttpHostAgent }>();
  return {
    async forHost(host) {
      if (deps.local !== undefined && host === deps.local.host) return deps.local;
      const row = await credentials.get(host);
      const sealed = row?.controlSecret ?? null;
      const opened = sealed === null ? null : deps.secrets?.open(sealed);
      if (row?.agentUrl == null || opened == null) {
        throw new DriverError('HypervisorError', `no agent has reported for host ${host}`);
      }
      const controlSecret = Buffer.from(opened).toString('utf8');
      const key = `${row.agentUrl} ${sealed}`;
      const cached = clients.get(host);
      if (cached?.key === key) return cached.agent;
      const agent = new HttpHostAgent({
        host,
        url: row.agentUrl,
        controlSecret,
        ...(deps.callTimeoutMs !== undefined && { timeoutMs: deps.callTimeoutMs }),
      });
      clients.set(host, { key, agent });
      return agent;
    },
  };
}
