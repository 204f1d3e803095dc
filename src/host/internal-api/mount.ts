// Mounts the internal API for host agents on the API listener (app.ts), over this database's credentials.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../common/clock.js';
import type { TokenCipher } from '../../common/crypto/token-cipher.js';
import { createAgentCredentialStore, type AgentCredentialTables } from '../agent-credential-store.js';
import { internalApiPlugin, type AgentReportSink } from './plugin.js';

export async function mountInternalApi(
  app: FastifyInstance,
  deps: { db: Kysely<AgentCredentialTables>; clock: Clock; reports: AgentReportSink; secrets: TokenCipher },
): Promise<void> {
  const credentials = createAgentCredentialStore(deps.db);
  await app.register(
    internalApiPlugin({ credentials, reports: deps.reports, clock: deps.clock, secrets: deps.secrets }),
    {
      prefix: '/internal',
    },
  );
}
