// The audit trail through the API, mounted beside the identity API at /identity/v3/OS-NUAGE (an
// extension in Keystone's naming, with Keystone's error format): project admins read their own
// project's events, cloud admins and cloud readers every event; filters by time, user, action, outcome.
// Newest first, keyset-paged by the chain's seq (`marker`), with a `next` link as Keystone lists have.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { renderKeystoneError } from '../../common/errors/render-keystone.js';
import { authenticateUnlessPublic } from '../../common/http/authenticate.js';
import type { AuthContext, TokenValidator } from '../../common/http/context.js';
import { installErrorHandler } from '../../common/http/error-handler.js';
import { hasProjectRole, isCloudReader } from '../../identity/policy.js';
import type { AuditQuery, AuditStore } from '../audit-store.js';
import { cadfView as view } from '../audit-view.js';

const Iso = Type.String({ format: 'date-time' });
const EventsQuery = Type.Object(
  {
    project_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    since: Type.Optional(Iso),
    until: Type.Optional(Iso),
    // Query strings are strings (the framework does not coerce): digits, checked here, parsed below.
    limit: Type.Optional(Type.String({ pattern: '^(1000|[1-9][0-9]{0,2})$' })),
    marker: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
  },
  { additionalProperties: false },
);
type EventsQuery = Static<typeof EventsQuery>;

/** The project whose events the caller may read, or undefined for all (cloud readers). */
function readableProject(auth: AuthContext, asked: string | undefined): string | undefined {
  if (isCloudReader(auth)) return asked;
  const own = auth.scope.kind === 'project' ? auth.scope.projectId : undefined;
  if (own === undefined || !hasProjectRole(auth, own, 'admin')) {
    throw errors.forbidden(
      'You are not authorized to read the audit trail: a project admin or cloud reader may.',
    );
  }
  if (asked !== undefined && asked !== own) {
    throw errors.forbidden('A project admin reads only the audit trail of the project of the token.');
  }
  return own;
}

export interface AuditPluginDeps {
  store: AuditStore;
  validator: TokenValidator;
}

export function auditPlugin(deps: AuditPluginDeps) {
  return async function audit(app: FastifyInstance): Promise<void> {
    installErrorHandler(app, (err, message) => renderKeystoneError(err, message));
    app.addHook('onRequest', authenticateUnlessPublic(deps.validator));
    app.get<{ Querystring: EventsQuery }>(
      '/audit/events',
      { schema: { querystring: EventsQuery } },
      async (request: FastifyRequest<{ Querystring: EventsQuery }>) => {
        const auth = request.auth;
        if (!auth) throw errors.unauthorized();
        const q = request.query;
        const limit = q.limit === undefined ? 100 : Number(q.limit);
        const projectId = readableProject(auth, q.project_id);
        const query: AuditQuery = {
          limit,
          ...(projectId !== undefined && { projectId }),
          ...(q.user_id !== undefined && { userId: q.user_id }),
          ...(q.action !== undefined && { action: q.action }),
          ...(q.outcome !== undefined && { outcome: q.outcome }),
          ...(q.since !== undefined && { since: q.since }),
          ...(q.until !== undefined && { until: q.until }),
          ...(q.marker !== undefined && { beforeSeq: Number(q.marker) }),
        };
        const events = (await deps.store.list(query)).map(view);
        const last = events.at(-1)?.seq;
        const next = events.length === limit && last ? nextLink(request, last) : null;
        return { events, links: { self: request.url, next, previous: null } };
      },
    );
  };
}

function nextLink(request: FastifyRequest, marker: number): string {
  const url = new URL(request.url, 'http://x');
  url.searchParams.set('marker', String(marker));
  return `${url.pathname}${url.search}`;
}
