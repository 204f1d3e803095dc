// Swift feature: temporary URLs. A request carrying temp_url_sig and temp_url_expires is allowed, with
// no token, to do exactly the signed method (HEAD is allowed by a GET, PUT or POST signature) on the
// signed object, or on any object under temp_url_prefix. The signature is an HMAC (sha1, sha256 or
// sha512) by an account or container Temp-URL key over "<method>\n<expires>\n<path>", optionally led by
// "ip=<range>\n". Anything else about it answers 401 "Temp URL invalid".
import { BlockList, isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '../../../../common/errors/api-error.js';
import { errors } from '../../../../common/errors/codes.js';
import { titleCase } from '../metadata-headers.js';
import { handleObjectRead } from '../object-read.js';
import { handleObjectWrite } from '../object-write.js';
import type { SwiftContext } from '../swift-context.js';
import { swiftReply } from '../swift-errors.js';
import type { InstallFeature } from './feature-deps.js';
import { dispositionFor, removePrivateMetadata, type DispositionInput } from './tempurl/disposition.js';
import {
  ALLOWED_DIGESTS,
  DEPRECATED_DIGESTS,
  hmac,
  parseSignature,
  sameSignature,
  signedPathVariants,
  signingKeys,
} from './tempurl/signature.js';

const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'];
/** Headers a temp URL may not set on writes: they would point the object at data it does not grant. */
const DISALLOWED_INCOMING = ['x-object-manifest', 'x-symlink-target'];

interface Grant extends DispositionInput {
  expires: number;
}

const grants = new WeakMap<FastifyRequest, Grant>();

/**
 * Unix seconds, or ISO 8601 "2026-11-29T20:00:00Z", as the number to compare and the text that was
 * signed (Python's str(int(value)): no sign, blanks or leading zeros); 0 when it is neither.
 */
function parseExpires(raw: string): { seconds: number; signed: string } {
  if (/^\s*[+-]?\d+\s*$/.test(raw)) {
    const signed = BigInt(raw.trim()).toString();
    return { seconds: Number(signed), signed };
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(raw);
  const ms = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
  const seconds = Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
  return { seconds, signed: String(seconds) };
}

function clientInRange(ip: string, range: string): boolean {
  try {
    const [address, bits] = range.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return false;
    const client = family === 4 ? ip.replace(/^::ffff:/, '') : ip;
    if (isIP(client) !== family) return false;
    const list = new BlockList();
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address as string, type);
    else list.addSubnet(address as string, Number(bits), type);
    return list.check(client, type);
  } catch {
    return false;
  }
}

/** tempurl's _invalid: a 401 with its own body (none for a HEAD) in swob's default content type. */
function invalid(ctx: SwiftContext): ApiError {
  const body = ctx.request.method === 'HEAD' ? '' : '401 Unauthorized: Temp URL invalid\n';
  return swiftReply(401, body, { contentType: 'text/html; charset=UTF-8' });
}

/** Checks the signature; returns the expiry (unix seconds) when valid. */
async function verify(ctx: SwiftContext, sig: string, rawExpires: string): Promise<number | undefined> {
  const { path, query } = ctx;
  const method = ctx.request.method;
  const { seconds: expires, signed } = parseExpires(rawExpires);
  if (expires * 1000 < ctx.now.getTime()) return undefined;
  const signature = parseSignature(sig);
  if (!signature || !METHODS.includes(method)) return undefined;
  if (path.container === undefined || path.object === undefined || path.object.replace(/\//g, '') === '')
    return undefined;
  const prefix = query.temp_url_prefix;
  if (prefix !== undefined && !path.object.startsWith(prefix)) return undefined;
  const range = query.temp_url_ip_range;
  if (range !== undefined && !clientInRange(ctx.request.ip, range)) return undefined;
  const keys = await signingKeys(ctx.objects, path.projectId, path.container);
  const rest = `${path.account}/${path.container}/${prefix ?? path.object}`;
  const paths = signedPathVariants(rest, prefix === undefined ? '' : 'prefix:');
  const methods = method === 'HEAD' ? ['HEAD', 'GET', 'POST', 'PUT'] : [method];
  const lead = range === undefined ? '' : `ip=${range}\n`;
  for (const { key } of keys)
    for (const p of paths)
      for (const m of methods) {
        const expected = hmac(signature.digest, key, `${lead}${m}\n${signed}\n${p}`);
        if (sameSignature(signature.bytes, expected)) return expires;
      }
  return undefined;
}

async function intercept(ctx: SwiftContext): Promise<FastifyReply | false> {
  const method = ctx.request.method;
  const { temp_url_sig: sig, temp_url_expires: rawExpires } = ctx.query;
  if (method === 'OPTIONS' || (sig === undefined && rawExpires === undefined)) return false;
  const expires = sig && rawExpires ? await verify(ctx, sig, rawExpires) : undefined;
  if (expires === undefined) throw invalid(ctx);
  if (method !== 'GET' && method !== 'HEAD') {
    const found = DISALLOWED_INCOMING.find((h) => ctx.headers[h] !== undefined);
    if (found) throw errors.badRequest(`The header '${titleCase(found)}' is not allowed in this tempurl`);
  }
  // Swift's incoming_remove_headers.
  delete ctx.request.headers['x-timestamp'];
  const headers = { ...ctx.headers };
  delete headers['x-timestamp'];
  // Like Swift, the request goes on with only the temp URL's own query parameters.
  const query: Record<string, string | undefined> = { temp_url_sig: sig, temp_url_expires: String(expires) };
  if (ctx.query.temp_url_prefix !== undefined) query.temp_url_prefix = ctx.query.temp_url_prefix;
  if (ctx.query.filename !== undefined) query.filename = ctx.query.filename;
  grants.set(ctx.request, {
    expires,
    filename: ctx.query.filename || undefined,
    inline: ctx.query.inline !== undefined,
    objectName: ctx.path.object as string,
  });
  const granted: SwiftContext = { ...ctx, query, headers };
  return method === 'GET' || method === 'HEAD'
    ? handleObjectRead(granted, true)
    : handleObjectWrite(granted, true);
}

function onSend(request: FastifyRequest, reply: FastifyReply): void {
  const grant = grants.get(request);
  if (!grant) return;
  removePrivateMetadata(reply);
  const method = request.method;
  if ((method !== 'GET' && method !== 'HEAD') || reply.statusCode < 200 || reply.statusCode >= 300) return;
  const existing = reply.getHeader('content-disposition');
  reply.header(
    'Content-Disposition',
    dispositionFor(grant, existing === undefined ? undefined : String(existing)),
  );
  const expires = new Date(grant.expires * 1000);
  if (!Number.isNaN(expires.getTime())) reply.header('Expires', expires.toUTCString());
}

export const install: InstallFeature = (extensions) => {
  extensions.info.tempurl = {
    methods: METHODS,
    incoming_remove_headers: ['x-timestamp'],
    incoming_allow_headers: [],
    outgoing_remove_headers: ['x-object-meta-*'],
    outgoing_allow_headers: ['x-object-meta-public-*'],
    allowed_digests: [...ALLOWED_DIGESTS],
    deprecated_digests: [...DEPRECATED_DIGESTS],
  };
  extensions.intercept.push(intercept);
  extensions.onSend.push(onSend);
};
