// The metadata HTTP server guests reach at http://169.254.169.254. It listens only on a unix socket
// (mode 0600) that the per-router forwarders (network/driver/linux/metadata-forwarder.mjs) connect to:
// they set `X-Forwarded-For` (the guest's address) and `X-Nuage-Router-ID`, and nothing else can reach
// the socket, so the headers are trusted here and nowhere else.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm } from 'node:fs/promises';
import http from 'node:http';
import { isIP } from 'node:net';
import { dirname } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { MetadataSource } from './metadata-source.js';
import { metadataResponse } from './metadata-tree.js';

export const FORWARDED_FOR_HEADER = 'x-forwarded-for';
export const ROUTER_ID_HEADER = 'x-nuage-router-id';

export interface MetadataServerOptions {
  /** `<dataDir>/compute/metadata.sock`; a stale socket file there is replaced. */
  socketPath: string;
  source: MetadataSource;
  log: Pick<FastifyBaseLogger, 'debug' | 'info' | 'error'>;
  /** The base64 `random_seed` of each meta_data.json (default: 512 fresh random bytes, as Nova). */
  randomSeed?: () => string;
}

export interface MetadataServer {
  readonly socketPath: string;
  /** Stops accepting, drops open connections and removes the socket file. */
  close(): Promise<void>;
}

const MAX_CONNECTIONS = 256;
const REQUEST_TIMEOUT_MS = 30_000;
/** sockaddr_un holds 108 bytes, the terminating NUL included. */
const SOCKET_PATH_BYTES_MAX = 107;

const header = (req: http.IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
};

function send(
  res: http.ServerResponse,
  status: number,
  contentType: string,
  body: string | Uint8Array,
  head: boolean,
) {
  res.writeHead(status, {
    'content-type': `${contentType}; charset=UTF-8`,
    'content-length': Buffer.byteLength(body),
  });
  res.end(head ? undefined : body);
}

async function handle(options: MetadataServerOptions, req: http.IncomingMessage, res: http.ServerResponse) {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'text/plain', '405 Method Not Allowed\n', false);
  }
  const ip = header(req, FORWARDED_FOR_HEADER);
  const routerId = header(req, ROUTER_ID_HEADER);
  if (ip === undefined || isIP(ip) === 0 || routerId === undefined || routerId === '') {
    options.log.info(
      { event: 'compute.metadata.bad_request', ip, routerId },
      'metadata request without origin',
    );
    return send(res, 400, 'text/plain', '400 Bad Request\n', head);
  }
  const instance = await options.source.findInstance(routerId, ip);
  if (instance === undefined) {
    options.log.info(
      { event: 'compute.metadata.unknown_instance', ip, routerId },
      'metadata request from no instance',
    );
    return send(res, 404, 'text/plain', '404 Not Found\n', head);
  }
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const seed = options.randomSeed ?? (() => randomBytes(512).toString('base64'));
  const answer = metadataResponse(path, instance, seed());
  options.log.debug(
    { event: 'compute.metadata.request', serverId: instance.server.id, path, status: answer.status },
    'metadata request',
  );
  send(res, answer.status, answer.contentType, answer.body, head);
}

/**
 * Starts the metadata server on `socketPath` (its directory is created with mode 0700 if missing).
 * Example, in main.ts: `startMetadataServer({ socketPath, source, log: app.log })`.
 */
export async function startMetadataServer(options: MetadataServerOptions): Promise<MetadataServer> {
  const { socketPath } = options;
  if (Buffer.byteLength(socketPath) > SOCKET_PATH_BYTES_MAX)
    throw new Error(`metadata socket path is longer than ${SOCKET_PATH_BYTES_MAX} bytes: ${socketPath}`);
  await mkdir(dirname(socketPath), { recursive: true, mode: 0o700 });
  await rm(socketPath, { force: true });
  const server = http.createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      options.log.error({ event: 'compute.metadata.failed', err, url: req.url }, 'metadata request failed');
      if (!res.headersSent) send(res, 500, 'text/plain', '500 Internal Server Error\n', false);
      else res.destroy();
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS / 2;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600);
  return {
    socketPath,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(socketPath, { force: true });
    },
  };
}
