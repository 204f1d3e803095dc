// Routes for image data: PUT/GET /file (streamed both ways, single byte ranges on download) and
// interoperable import (PUT /stage, POST /import with glance-direct).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { DataRange } from '../image-data.js';
import { IMPORT_BODY } from './body-schemas.js';
import { callerOf, checkedBody, type ImageRouteDeps } from './route-deps.js';

const RAW_BODY = { config: { declaredBody: 'raw' as const } };

type IdParams = { Params: { id: string } };

/** One `bytes=` range against a size; undefined for none, 416 when it cannot be satisfied. */
export function parseRange(header: string | undefined, sizeBytes: number): DataRange | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d{0,19})-(\d{0,19})$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw errors.rangeNotSatisfiable();
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, sizeBytes - Number(m[2]));
    end = sizeBytes - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? sizeBytes - 1 : Math.min(Number(m[2]), sizeBytes - 1);
  }
  if (start > end || start >= sizeBytes) throw errors.rangeNotSatisfiable();
  return { start, end };
}

function uploadOf(request: FastifyRequest): { body: AsyncIterable<Buffer>; contentLength?: number } {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/octet-stream') {
    throw errors.unsupportedMediaType('Image data must be sent as application/octet-stream.');
  }
  const length = request.headers['content-length'];
  const contentLength = length !== undefined && /^\d{1,16}$/.test(length) ? Number(length) : undefined;
  return {
    body: request.raw as AsyncIterable<Buffer>,
    ...(contentLength !== undefined ? { contentLength } : {}),
  };
}

export function registerDataRoutes(app: FastifyInstance, { data }: ImageRouteDeps): void {
  app.put<IdParams>('/v2/images/:id/file', RAW_BODY, async (request, reply) => {
    const { body, contentLength } = uploadOf(request);
    await data.upload(callerOf(request), request.params.id, body, contentLength);
    return reply.status(204).send();
  });

  app.get<IdParams>('/v2/images/:id/file', async (request, reply) => {
    const header = request.headers.range;
    const { image, stream, range } = await data.download(callerOf(request), request.params.id, (size) =>
      parseRange(header, size),
    );
    if (!stream) return reply.status(204).send();
    const size = image.sizeBytes ?? 0;
    reply.header('content-type', 'application/octet-stream');
    if (image.checksum) reply.header('content-md5', image.checksum);
    if (range) {
      reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`);
      reply.header('content-length', String(range.end - range.start + 1));
      return reply.status(206).send(stream);
    }
    reply.header('content-length', String(size));
    return reply.status(200).send(stream);
  });

  app.put<IdParams>('/v2/images/:id/stage', RAW_BODY, async (request, reply) => {
    const { body, contentLength } = uploadOf(request);
    await data.stage(callerOf(request), request.params.id, body, contentLength);
    return reply.status(204).send();
  });

  app.post<IdParams>(
    '/v2/images/:id/import',
    { config: { declaredBody: IMPORT_BODY } },
    async (request, reply) => {
      const { name } = checkedBody(IMPORT_BODY, 'import', request.body).method;
      if (name === 'web-download') {
        throw errors.badRequest(
          'Import method web-download is not available: this cloud has no outbound network.',
        );
      }
      if (name !== 'glance-direct') {
        throw errors.badRequest(`Import method ${String(name)} is not supported; available: glance-direct.`);
      }
      await data.importStaged(callerOf(request), request.params.id);
      return reply.status(202).send();
    },
  );
}
