// `nuage agent enroll`: mints a host agent's credential on an API node. The secret goes only to the
// credential file (mode 0600); the database keeps its scrypt hash. Enrolling a host again replaces (and
// so revokes) its previous credential.
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import { createAgentCredentialStore, type AgentCredentialTables } from './agent-credential-store.js';
import { hashAgentSecret, isHostName, newAgentSecret, writeCredentialFile } from './agent-credentials.js';

export async function enrollAgent(
  db: Kysely<AgentCredentialTables>,
  clock: Clock,
  host: string,
  outPath: string,
): Promise<void> {
  if (!isHostName(host)) throw new Error(`invalid host name: ${JSON.stringify(host)}`);
  const secret = newAgentSecret();
  // The file first: a failed write leaves the old credential in force rather than none usable.
  await writeCredentialFile(outPath, { host, secret });
  await createAgentCredentialStore(db).put(host, await hashAgentSecret(secret), clock.now().toISOString());
}
