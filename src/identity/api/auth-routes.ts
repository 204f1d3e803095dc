// /v3/auth/*: issue (POST), validate (GET/HEAD) and revoke (DELETE) tokens, and the token's catalog,
// projects, domains and system scopes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { parseAuthRequest } from '../auth-request.js';
import { isCloudAdmin, isCloudReader } from '../policy.js';
import { InvalidToken, type ValidatedToken } from '../token-service.js';
import { RECEIPT_HEADER } from '../mfa/receipts.js';
import { receiptView } from './receipt-view.js';
import type { RouteDeps } from './route-deps.js';
import { AuthTokensBody } from './schemas.js';
import { catalogView, tokenView } from './token-views.js';
import { callerOf, identityBase, queryOf } from './request-util.js';
import { collection, views } from './views.js';

function subjectTokenOf(request: FastifyRequest): string {
  const header = request.headers['x-subject-token'];
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw errors.badRequest('X-Subject-Token is required.');
  return value;
}

function receiptHeaderOf(request: FastifyRequest): string | undefined {
  const header = request.headers[RECEIPT_HEADER];
  return Array.isArray(header) ? header[0] : header;
}

export function registerAuthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { auth, tokens, catalog, assignments } = deps.services;
  const { adminProjectConfigured } = deps;

  async function catalogOf(v: ValidatedToken) {
    const s = v.context.scope;
    if (s.kind === 'unscoped') return undefined;
    return catalog.catalogFor(s.kind === 'project' ? s.projectId : undefined, v.context.userId);
  }

  async function subject(request: FastifyRequest): Promise<ValidatedToken> {
    const token = subjectTokenOf(request);
    const caller = callerOf(request);
    let validated: ValidatedToken;
    try {
      validated = await tokens.validateToken(token);
    } catch (err) {
      if (err instanceof InvalidToken) throw errors.notFound('token', 'the subject token');
      throw err;
    }
    // Keystone: anyone may validate their own token; others need a cloud reader.
    if (validated.context.userId !== caller.userId && !isCloudReader(caller)) throw errors.forbidden();
    return validated;
  }

  app.post(
    '/v3/auth/tokens',
    { config: { public: true }, schema: { body: AuthTokensBody } },
    async (request, reply) => {
      // Set first, so a refused authentication is recorded as one too (with no initiator).
      request.auditTarget = { action: 'authenticate', targetType: 'token', targetId: null };
      const outcome = await auth.authenticate(parseAuthRequest(request.body, receiptHeaderOf(request)));
      if (outcome.kind === 'receipt') {
        request.auditTarget = {
          action: 'authenticate',
          targetType: 'token',
          targetId: outcome.answer.user.id,
        };
        reply.header(RECEIPT_HEADER, outcome.answer.id);
        return reply.status(401).send(receiptView(outcome.answer));
      }
      const { token, validated } = outcome;
      request.auditTarget = {
        action: 'authenticate',
        targetType: 'token',
        targetId: validated.context.userId,
      };
      const noCatalog = queryOf(request).nocatalog !== undefined;
      reply.header('x-subject-token', token);
      const view = tokenView(
        validated,
        noCatalog ? undefined : await catalogOf(validated),
        adminProjectConfigured,
      );
      return reply.status(201).send(view);
    },
  );

  // Fastify answers HEAD through this GET route (exposeHeadRoutes), without the body.
  app.get('/v3/auth/tokens', async (request, reply) => {
    const validated = await subject(request);
    const noCatalog = queryOf(request).nocatalog !== undefined;
    reply.header('x-subject-token', subjectTokenOf(request));
    return tokenView(validated, noCatalog ? undefined : await catalogOf(validated), adminProjectConfigured);
  });

  app.delete('/v3/auth/tokens', async (request, reply) => {
    const validated = await subject(request);
    const caller = callerOf(request);
    if (validated.context.userId !== caller.userId && !isCloudAdmin(caller)) throw errors.forbidden();
    await tokens.revoke(validated.payload);
    request.auditTarget = { action: 'revoke', targetType: 'token', targetId: validated.context.userId };
    return reply.status(204).send();
  });

  app.get('/v3/auth/catalog', async (request) => {
    const ctx = callerOf(request);
    if (ctx.scope.kind === 'unscoped') throw errors.forbidden('The catalog needs a scoped token.');
    const entries = await catalog.catalogFor(
      ctx.scope.kind === 'project' ? ctx.scope.projectId : undefined,
      ctx.userId,
    );
    return {
      catalog: catalogView(entries),
      links: { self: `${identityBase(request, deps.publicUrl)}/v3/auth/catalog`, previous: null, next: null },
    };
  });

  app.get('/v3/auth/projects', async (request) => {
    const base = identityBase(request, deps.publicUrl);
    const projects = await assignments.projectsOfUser(callerOf(request).userId);
    return collection(
      'projects',
      projects.map((p) => views.project(p, base)),
      `${base}/v3/auth/projects`,
    );
  });

  app.get('/v3/auth/domains', async (request) => {
    const base = identityBase(request, deps.publicUrl);
    const domains = await assignments.domainsOfUser(callerOf(request).userId);
    return collection(
      'domains',
      domains.map((d) => views.domain(d, base)),
      `${base}/v3/auth/domains`,
    );
  });

  app.get('/v3/auth/system', async (request) => {
    const base = identityBase(request, deps.publicUrl);
    const has = await assignments.hasSystemRole(callerOf(request).userId);
    return {
      system: has ? [{ all: true }] : [],
      links: { self: `${base}/v3/auth/system`, previous: null, next: null },
    };
  });

  app.get<{ Params: { id: string } }>('/v3/users/:id/projects', async (request) => {
    const ctx = callerOf(request);
    if (ctx.userId !== request.params.id && !isCloudReader(ctx)) throw errors.forbidden();
    const base = identityBase(request, deps.publicUrl);
    const projects = await assignments.projectsOfUser(request.params.id);
    return collection(
      'projects',
      projects.map((p) => views.project(p, base)),
      `${base}/v3/users/${request.params.id}/projects`,
    );
  });
}
