// Serves the built web console (web/ → dist/web by `npm run build`) at / on the API port: the same
// origin as the OpenStack APIs the browser calls. Files are read once at start-up and kept gzipped in
// memory (the whole build is a few MiB); hashed assets are cached for a year, the pages never.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const MAX_FILES = 2_000;
const MAX_FILE_BYTES = 16 * 1024 * 1024;

// The pages talk only to this origin; the console token in the noVNC page's URL must not leak as a referrer.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** dist/web beside dist/console (built), or from src/console when tests run the sources. */
export function webBuildDir(): string | undefined {
  const here = import.meta.dirname;
  return [join(here, '..', 'web'), join(here, '..', '..', 'dist', 'web')].find((dir) =>
    existsSync(join(dir, 'index.html')),
  );
}

function loadFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const pending = [root];
  while (pending.length > 0 && files.size < MAX_FILES) {
    const dir = pending.pop() as string;
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const stat = statSync(full);
      if (stat.isDirectory()) pending.push(full);
      else if (stat.isFile() && stat.size <= MAX_FILE_BYTES) {
        const urlPath = `/${relative(root, full).split(sep).join('/')}`;
        const type = TYPES[extname(name)] ?? 'application/octet-stream';
        const body = readFileSync(full);
        const compressible = /^(text|application\/json|image\/svg)/.test(type) && body.length > 512;
        files.set(urlPath, {
          body,
          gzip: compressible ? gzipSync(body, { level: 9 }) : undefined,
          type,
          immutable: urlPath.startsWith('/assets/'),
        });
      }
    }
  }
  return files;
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile) {
  reply.headers(SECURITY_HEADERS).header('content-type', file.type).header('vary', 'accept-encoding');
  reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  const accepts = String(request.headers['accept-encoding'] ?? '');
  if (file.gzip !== undefined && /\bgzip\b/.test(accepts)) {
    return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

/** GET / (the app), /console/novnc (the noVNC page of a console URL), /assets/* and the top-level files. */
export function registerStaticFiles(app: FastifyInstance, root: string | undefined): void {
  const files = root === undefined ? new Map<string, StaticFile>() : loadFiles(root);
  const page = (name: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const file = files.get(name);
    if (file === undefined)
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web console is not built: run `npm run build`.\n');
    return send(request, reply, file);
  };
  const config = { public: true, staticFile: true };
  app.get('/', { config }, page('/index.html'));
  app.get('/console/novnc', { config }, page('/novnc.html'));
  app.get<{ Params: { '*': string } }>('/assets/*', { config }, async (request, reply) => {
    const file = files.get(`/assets/${request.params['*']}`);
    if (file === undefined) return reply.status(404).type('text/plain').send('Not Found\n');
    return send(request, reply, file);
  });
  for (const [urlPath, file] of files) {
    if (urlPath.startsWith('/assets/') || urlPath.endsWith('.html')) continue;
    app.get(urlPath, { config }, async (request, reply) => send(request, reply, file));
  }
}
