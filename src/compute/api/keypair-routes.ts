// Key pair routes (os-keypairs): import or generate, list (paginated from 2.35), show, delete.
// From 2.10 an admin may name another user with `user_id`.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { KeyPairType } from '../model.js';
import { atLeast } from './microversion.js';
import {
  type ComputeRouteDeps,
  callerOf,
  limitOf,
  linkBase,
  optionalString,
  queryOf,
  requiredString,
  versionOf,
  wrapped,
} from './route-deps.js';
import { keyPairBrief, keyPairCreated, keyPairDetail } from './views.js';
import { KEYPAIR_CREATE } from './schemas/keypair-schemas.js';

type Params = { name: string };

function typeOf(raw: string | undefined): KeyPairType | undefined {
  if (raw === undefined) return undefined;
  if (raw !== 'ssh' && raw !== 'x509') throw errors.badRequest('Invalid input for field/attribute type.');
  return raw;
}

export function registerKeyPairRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const { keyPairs } = deps;

  app.post('/v2.1/os-keypairs', { config: { nova: { body: KEYPAIR_CREATE } } }, async (request, reply) => {
    const v = versionOf(request);
    const k = wrapped(request.body, 'keypair');
    const type = atLeast(v, 2) ? typeOf(optionalString(k, 'type')) : undefined;
    const userId = atLeast(v, 10) ? optionalString(k, 'user_id') : undefined;
    const publicKey = optionalString(k, 'public_key', 65535);
    const created = await keyPairs.create(callerOf(request), {
      name: requiredString(k, 'name'),
      ...(type !== undefined && { type }),
      ...(publicKey !== undefined && { publicKey }),
      ...(userId !== undefined && { userId }),
    });
    // Nova answers 201 from 2.2 on, 200 before.
    return reply.status(atLeast(v, 2) ? 201 : 200).send({ keypair: keyPairCreated(created, v) });
  });

  app.get('/v2.1/os-keypairs', async (request) => {
    const v = versionOf(request);
    const query = queryOf(request);
    const paged = atLeast(v, 35);
    const limit = paged ? limitOf(query) : undefined;
    const list = await keyPairs.list(callerOf(request), {
      ...(atLeast(v, 10) && query.user_id !== undefined && { userId: query.user_id }),
      ...(limit !== undefined && { limit }),
      ...(paged && query.marker !== undefined && { marker: query.marker }),
    });
    const last = list.at(-1);
    return {
      keypairs: list.map((k) => ({ keypair: keyPairBrief(k, v) })),
      ...(limit !== undefined &&
        last !== undefined &&
        list.length === limit && {
          keypairs_links: [
            {
              rel: 'next',
              href: `${linkBase(request, deps.publicUrl).root}/v2.1/os-keypairs?limit=${limit}&marker=${encodeURIComponent(last.name)}`,
            },
          ],
        }),
    };
  });

  app.get<{ Params: Params }>('/v2.1/os-keypairs/:name', async (request) => {
    const v = versionOf(request);
    const userId = atLeast(v, 10) ? queryOf(request).user_id : undefined;
    return { keypair: keyPairDetail(await keyPairs.get(callerOf(request), request.params.name, userId), v) };
  });

  app.delete<{ Params: Params }>('/v2.1/os-keypairs/:name', async (request, reply) => {
    const v = versionOf(request);
    const userId = atLeast(v, 10) ? queryOf(request).user_id : undefined;
    await keyPairs.remove(callerOf(request), request.params.name, userId);
    return reply.status(atLeast(v, 2) ? 204 : 202).send();
  });
}
