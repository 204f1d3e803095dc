// Swift feature: form posts. A browser POSTs a multipart/form-data form to a container (or a prefix in
// it) and its files become objects, without a token: the form carries an HMAC signature by a Temp-URL
// key over "<path>\n<redirect>\n<max_file_size>\n<max_file_count>\n<expires>". The answer is a 303 to
// the redirect URL with ?status=&message=, or a plain-text status without one.
import type { FastifyReply } from 'fastify';
import type { SwiftContext } from '../swift-context.js';
import { swiftReply } from '../swift-errors.js';
import { decodeName } from '../swift-path.js';
import type { InstallFeature } from './feature-deps.js';
import { statusLine, uploadFile, type FormOutcome, type FormTarget } from './formpost/form.js';
import { FormError, MultipartReader, parseParameters } from './formpost/multipart.js';
import { pyQuote } from '../py-quote.js';
import { ALLOWED_DIGESTS, DEPRECATED_DIGESTS, signingKeys } from './tempurl/signature.js';

/** Swift's MAX_VALUE_LENGTH: longer attribute values are truncated. */
const MAX_VALUE_BYTES = 4096;
const MAX_PARTS = 1000;

function pythonTitle(text: string): string {
  return text.replace(/[A-Za-z]+/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
}

async function readForm(
  ctx: SwiftContext,
  reader: MultipartReader,
  target: FormTarget,
): Promise<FormOutcome> {
  const attributes = new Map<string, string>();
  let outcome: FormOutcome | undefined;
  let files = 0;
  for (let parts = 0; parts < MAX_PARTS; parts += 1) {
    const headers = await reader.nextPart();
    if (!headers) break;
    const { type, params } = parseParameters(headers['content-disposition'] ?? '');
    if (type === 'form-data' && params.filename) {
      files += 1;
      const maxFiles = attributes.get('max_file_count') || '0';
      if (!/^\s*[+-]?\d+\s*$/.test(maxFiles)) throw new FormError(400, 'max_file_count not an integer');
      if (files > Number(maxFiles)) {
        outcome = { status: 400, message: 'max file count exceeded' };
        break;
      }
      const fileAttributes = new Map(attributes).set('filename', params.filename);
      if (!attributes.has('content-type') && headers['content-type'] !== undefined)
        fileAttributes.set('content-type', headers['content-type'] || 'application/octet-stream');
      if (!attributes.has('content-encoding') && headers['content-encoding'] !== undefined)
        fileAttributes.set('content-encoding', headers['content-encoding']);
      const result = await uploadFile(ctx, fileAttributes, reader, target);
      outcome = { status: result.status, message: '', body: result.body };
      if (result.status < 200 || result.status >= 300) break;
    } else {
      const value = await reader.value(MAX_VALUE_BYTES);
      if (params.name !== undefined)
        attributes.set(params.name.toLowerCase(), value.replace(/[\r\n-]+$/, ''));
    }
  }
  return {
    ...(outcome ?? { status: 400, message: 'no files to process' }),
    redirect: attributes.get('redirect'),
  };
}

/** Percent-encodes what a header value cannot carry (controls, spaces, non-ASCII). */
function headerSafe(url: string): string {
  return url.replace(/[^\x21-\x7e]+/g, (run) => pyQuote(run, ''));
}

function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function respond(ctx: SwiftContext, outcome: FormOutcome): FastifyReply {
  const { reply } = ctx;
  if (!outcome.redirect) {
    let body = statusLine(outcome.status);
    if (outcome.message) body += `\r\nFormPost: ${pythonTitle(outcome.message)}`;
    const failed = outcome.status < 200 || outcome.status >= 300;
    if (failed && outcome.body) body = outcome.body;
    // A failed upload (always a 4xx: 5xx are thrown) is an error reply, in formpost's plain text.
    if (failed) throw swiftReply(outcome.status, body, { contentType: 'text/plain' });
    reply.header('content-type', 'text/plain');
    return reply.status(outcome.status).send(body);
  }
  // The redirect is the signer's, but it still must make a valid header and harmless HTML.
  const location = headerSafe(
    outcome.redirect +
      (outcome.redirect.includes('?') ? '&' : '?') +
      `status=${pyQuote(String(outcome.status), '/')}&message=${pyQuote(outcome.message, '/')}`,
  );
  reply.header('location', location);
  reply.header('content-type', 'text/html; charset=UTF-8');
  return reply
    .status(303)
    .send(`<html><body><p><a href="${htmlEscape(location)}">Click to continue...</a></p></body></html>`);
}

async function intercept(ctx: SwiftContext): Promise<FastifyReply | false> {
  if (ctx.request.method !== 'POST') return false;
  const { type, params } = parseParameters(ctx.headers['content-type'] ?? '');
  if (type !== 'multipart/form-data' || !params.boundary) return false;
  const rawPath = (ctx.request.raw.url ?? '').split('?')[0] ?? '';
  const target: FormTarget = {
    signedRest: decodeName(rawPath.replace(/^\/object-store\/v1\//, '')),
    keys:
      ctx.path.container === undefined
        ? []
        : (await signingKeys(ctx.objects, ctx.path.projectId, ctx.path.container)).map((k) => k.key),
  };
  try {
    const reader = new MultipartReader(ctx.request.raw[Symbol.asyncIterator](), params.boundary);
    await reader.start();
    return respond(ctx, await readForm(ctx, reader, target));
  } catch (err) {
    if (!(err instanceof FormError)) throw err;
    // formpost's own replies: a 401 is swob's (its default content type), a 400 plain text.
    if (err.status === 401) {
      const message = `FormPost: ${pythonTitle(err.message)}`;
      throw swiftReply(401, message, { contentType: 'text/html; charset=UTF-8' });
    }
    throw swiftReply(400, `FormPost: ${err.message}`, { contentType: 'text/plain' });
  }
}

export const install: InstallFeature = (extensions) => {
  extensions.info.formpost = {
    allowed_digests: [...ALLOWED_DIGESTS],
    deprecated_digests: [...DEPRECATED_DIGESTS],
  };
  extensions.intercept.push(intercept);
};
