// Rating as CloudKitty presents it: a summary per project and resource type, rated dataframes, and the
// hashmap price rules. Policy as CloudKitty's: a project's members read their own project's rating, the
// cloud admin any project's and all of them; only the cloud admin edits the hashmap.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { isCloudAdmin } from '../identity/policy.js';
import { createHashmapStore } from './hashmap-store.js';
import { createHashmapService } from './hashmap-service.js';
import { hashmapRules, withHashmap } from './hashmap-rules.js';
import type { MeteringExecutor } from './metering-tables.js';
import { priceListsOf } from './price-list-store.js';
import { rate, type RatedLine } from './rating.js';
import { recordsInWindow } from './usage-store.js';

/** Records read for one rating request at most (a summary of a huge cloud needs the batch rating). */
const MAX_RECORDS = 100_000;

export interface RatingQuery {
  begin?: Date | undefined;
  end?: Date | undefined;
  tenantId?: string | undefined;
  allTenants: boolean;
  resourceType?: string | undefined;
}

export interface RatedPeriod {
  /** The project rated, or undefined for every project. */
  tenantId: string | undefined;
  begin: string;
  end: string;
  currency: string;
  lines: RatedLine[];
}

export interface RatingServiceDeps {
  db: MeteringExecutor;
  clock: Clock;
  region: string;
  currency: string;
}

/** CloudKitty's default period: the current calendar month (UTC). */
function monthOf(now: Date): [Date, Date] {
  const begin = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return [begin, end];
}

export function createRatingService(deps: RatingServiceDeps) {
  const hashmap = createHashmapStore(deps.db);

  /** The project the caller may rate: its own, or any (or all: undefined) for the cloud admin. */
  function projectScope(auth: AuthContext, q: RatingQuery): string | undefined {
    if (isCloudAdmin(auth))
      return q.allTenants && q.tenantId === undefined ? undefined : (q.tenantId ?? own(auth));
    const mine = own(auth);
    if (q.allTenants || (q.tenantId !== undefined && q.tenantId !== mine)) {
      throw errors.forbidden('Policy does not allow this operation to be performed.');
    }
    return mine;
  }

  function own(auth: AuthContext): string {
    if (auth.scope.kind !== 'project') throw errors.forbidden('A project-scoped token is required.');
    return auth.scope.projectId;
  }

  async function rated(auth: AuthContext, q: RatingQuery): Promise<RatedPeriod> {
    const projectId = projectScope(auth, q);
    const now = deps.clock.now();
    const [monthBegin, monthEnd] = monthOf(now);
    const begin = q.begin ?? monthBegin;
    // Open records count until now: a period reaching into the future is rated "so far".
    const end = new Date(Math.min((q.end ?? monthEnd).getTime(), now.getTime()));
    const window = {
      tenantId: projectId,
      begin: begin.toISOString(),
      end: (q.end ?? monthEnd).toISOString(),
    };
    if (end <= begin) return { ...window, currency: deps.currency, lines: [] };
    const records = await recordsInWindow(deps.db, {
      start: begin.toISOString(),
      end: end.toISOString(),
      limit: MAX_RECORDS,
      ...(projectId !== undefined && { projectId }),
      ...(q.resourceType !== undefined && { resourceType: q.resourceType }),
    });
    const [services, fields, mappings] = await Promise.all([
      hashmap.services(),
      hashmap.fields(),
      hashmap.mappings(),
    ]);
    const stored = await priceListsOf(deps.db, deps.region, deps.currency);
    const lists = withHashmap(stored, hashmapRules(services, fields, mappings), deps.region, deps.currency);
    const period = { start: begin.toISOString(), end: end.toISOString() };
    return { ...window, currency: deps.currency, lines: rate(records, lists, period, deps.currency).lines };
  }

  return {
    rated,
    hashmap: createHashmapService(hashmap, deps.clock),
  };
}

export type RatingService = ReturnType<typeof createRatingService>;
