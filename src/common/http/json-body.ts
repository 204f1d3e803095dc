// The JSON body parser every OpenStack API shares. Real clients send `Content-Type: application/json`
// with an empty body where the body is optional (Tempest's role grants, keystoneauth's PUTs, DELETE
// with a JSON content type): Keystone and Nova read that as "no body", and so do we. A route whose
// schema requires a body still answers 400 through its validation, in its own family's error shape.
// Everything else is Fastify's own parser (prototype-poisoning protection, charset parameters).
import type { FastifyInstance } from 'fastify';

export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
