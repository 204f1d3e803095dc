// Kysely queries for agent_credentials: the hashed secret of each enrolled host agent, and the URL and
// per-start secret the agent reported in its last heartbeat (how the control plane calls it back), sealed
// by the caller under <dataDir>/keys/agents so that a database dump cannot call any agent.
import type { Kysely } from 'kysely';

export interface AgentCredentialTable {
  host: string;
  secret_hash: string;
  created_at: string;
  agent_url: string | null;
  control_secret: string | null;
  last_seen_at: string | null;
}

export interface AgentCredentialTables {
  agent_credentials: AgentCredentialTable;
}

export interface AgentCredential {
  host: string;
  secretHash: string;
  createdAt: string;
  /** Where the agent serves the HostAgent contract, and the secret to present there (last heartbeat). */
  agentUrl: string | null;
  controlSecret: string | null;
  lastSeenAt: string | null;
}

export function createAgentCredentialStore(db: Kysely<AgentCredentialTables>) {
  return {
    /** Creates or replaces the host's credential (a re-enroll revokes the old secret). */
    async put(host: string, secretHash: string, at: string): Promise<void> {
      await db
        .insertInto('agent_credentials')
        .values({ host, secret_hash: secretHash, created_at: at })
        .onConflict((oc) =>
          oc.column('host').doUpdateSet({
            secret_hash: secretHash,
            created_at: at,
            agent_url: null,
            control_secret: null,
          }),
        )
        .execute();
    },

    async get(host: string): Promise<AgentCredential | undefined> {
      const row = await db
        .selectFrom('agent_credentials')
        .selectAll()
        .where('host', '=', host)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        host: row.host,
        secretHash: row.secret_hash,
        createdAt: row.created_at,
        agentUrl: row.agent_url,
        controlSecret: row.control_secret,
        lastSeenAt: row.last_seen_at,
      };
    },

    /** Records what the agent's heartbeat said about how to reach it. */
    async recordAgent(host: string, agentUrl: string, controlSecret: string, at: string): Promise<void> {
      await db
        .updateTable('agent_credentials')
        .set({ agent_url: agentUrl, control_secret: controlSecret, last_seen_at: at })
        .where('host', '=', host)
        .execute();
    },
  };
}

export type AgentCredentialStore = ReturnType<typeof createAgentCredentialStore>;
