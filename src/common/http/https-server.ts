// The HTTPS server both listeners (API with its console WebSockets, S3) run on when TLS is configured.
// Fastify's serverFactory keeps FastifyInstance's plain http.Server type for the rest of the code:
// https.Server is an http.Server to every caller (upgrade events, close, address), and Fastify derives
// request.protocol from the socket, so self links and console URLs turn https:// and wss:// by themselves.
import type { Server } from 'node:http';
import { createServer } from 'node:https';
import type { FastifyServerFactory } from 'fastify';

export interface HttpsMaterial {
  cert: Buffer;
  key: Buffer;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
}

export function httpsServerFactory(material: HttpsMaterial): FastifyServerFactory<Server> {
  return (handler) =>
    createServer({ cert: material.cert, key: material.key, minVersion: material.minVersion }, handler);
}
