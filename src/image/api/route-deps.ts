// What the image routes need: the services, the quota figures, and the public URL for version links.
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { AuthContext } from '../../common/http/context.js';
import type { ImageData } from '../image-data.js';
import type { ImageService } from '../image-service.js';
import type { MemberService } from '../member-service.js';

export interface ImageRouteDeps {
  images: ImageService;
  data: ImageData;
  members: MemberService;
  usage(auth: AuthContext): Promise<Record<string, { limit: number; usage: number }>>;
  publicUrl: string;
}

export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw errors.unauthorized();
  return request.auth;
}

export function imageBase(request: FastifyRequest, publicUrl: string): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, '')}/image`;
  return `${request.protocol}://${request.host}/image`;
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.badRequest('Request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** The body checked against its schema, refused as Glance refuses a body that does not match one. */
export function checkedBody<T extends TSchema>(schema: T, name: string, body: unknown): Static<T> {
  const check = compiled.get(schema) ?? TypeCompiler.Compile(schema);
  compiled.set(schema, check);
  const first = check.Errors(body).First();
  if (first !== undefined) {
    const where = first.path ? ` at ${first.path}` : '';
    throw errors.badRequest(`Provided object does not match schema '${name}': ${first.message}${where}`);
  }
  return body as Static<T>;
}
const compiled = new Map<TSchema, TypeCheck<TSchema>>();
