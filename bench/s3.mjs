// bench/s3: PUT and GET throughput (MiB/s) of one large object through the S3 API of `nuage up`, in
// the payload modes clients use: SigV4 with a signed SHA-256 of the body, aws-chunked with an unsigned
// CRC32 trailer (the AWS SDK's default for streams), and UNSIGNED-PAYLOAD; then a streamed GET.
// Run: npm run build && npm run bench:s3 [-- --mib N]   (default 1024 MiB)
import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { crc32 } from 'node:zlib';
import { request, startServer } from './lib.mjs';

const mibArg = process.argv.indexOf('--mib');
const totalMiB = (mibArg > 0 && Number(process.argv[mibArg + 1])) || 1024;
const MiB = 1024 * 1024;
const PIECE = randomBytes(16 * MiB);
const totalBytes = totalMiB * MiB;

/** The object's bytes: a 16 MiB random piece repeated (cheap to produce, incompressible enough). */
function* pieces() {
  for (let sent = 0; sent < totalBytes; sent += PIECE.length)
    yield PIECE.subarray(0, Math.min(PIECE.length, totalBytes - sent));
}

const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');

function sign({ method, host, path, headers, payloadHash, access, secret }) {
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const all = { ...headers, host, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash };
  const names = Object.keys(all).sort();
  const canonical = [
    method,
    path,
    '',
    names.map((n) => `${n}:${all[n]}\n`).join(''),
    names.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${day}/us-east-1/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), 'us-east-1'), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  all.authorization = `AWS4-HMAC-SHA256 Credential=${access}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return all;
}

/** Streams `body` (an iterable of Buffers) as one request; resolves status and elapsed seconds. */
function send(url, method, headers, body) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(url, { method, headers }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () =>
        resolve({ status: res.statusCode, bytes, seconds: Number(process.hrtime.bigint() - started) / 1e9 }),
      );
    });
    req.on('error', reject);
    (async () => {
      for (const chunk of body) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      req.end();
    })().catch(reject);
  });
}

/** aws-chunked framing (64 KiB chunks) with an unsigned x-amz-checksum-crc32 trailer. */
function* trailerFramed() {
  let crc = 0;
  const CHUNK = 64 * 1024;
  for (const piece of pieces()) {
    for (let at = 0; at < piece.length; at += CHUNK) {
      const chunk = piece.subarray(at, at + CHUNK);
      crc = crc32(chunk, crc);
      yield Buffer.from(`${chunk.length.toString(16)}\r\n`);
      yield chunk;
      yield Buffer.from('\r\n');
    }
  }
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc >>> 0);
  yield Buffer.from(`0\r\nx-amz-checksum-crc32:${sum.toString('base64')}\r\n\r\n`);
}

async function credentials(server) {
  const auth = await request(`${server.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: server.admin.username,
              domain: { name: 'Default' },
              password: server.admin.password,
            },
          },
        },
        scope: { project: { name: server.admin.project_name, domain: { name: 'Default' } } },
      },
    }),
  });
  const token = auth.headers['x-subject-token'];
  const { token: view } = JSON.parse(auth.body.toString('utf8'));
  const made = await request(`${server.url}/identity/v3/users/${view.user.id}/credentials/OS-EC2`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify({ tenant_id: view.project.id }),
  });
  if (made.status !== 201) throw new Error(`cannot create EC2 credentials: ${made.status} ${made.body}`);
  return JSON.parse(made.body.toString('utf8')).credential;
}

const server = await startServer();
try {
  const keys = await credentials(server);
  const host = new URL(server.s3Url).host;
  const signed = (method, path, headers, payloadHash) =>
    sign({ method, host, path, headers, payloadHash, access: keys.access, secret: keys.secret });
  const put = await request(`${server.s3Url}/bench`, {
    method: 'PUT',
    headers: signed('PUT', '/bench', {}, sha256Hex('')),
  });
  if (put.status !== 200) throw new Error(`cannot create the bucket: ${put.status} ${put.body}`);
  const hash = createHash('sha256');
  for (const piece of pieces()) hash.update(piece);
  const bodySha256 = hash.digest('hex');
  console.log(
    `bench/s3 against ${server.s3Url} (node ${process.version}), one ${totalMiB} MiB object per figure`,
  );

  const report = (label, result, expected) => {
    if (result.status !== expected) throw new Error(`${label}: HTTP ${result.status}`);
    console.log(
      `${label.padEnd(58)} ${(totalMiB / result.seconds).toFixed(1).padStart(8)} MiB/s  (${result.seconds.toFixed(2)} s)`,
    );
  };
  const length = { 'content-length': String(totalBytes) };
  report(
    'PUT, SigV4 signed payload (SHA-256 verified while streaming)',
    await send(
      `${server.s3Url}/bench/signed`,
      'PUT',
      signed('PUT', '/bench/signed', length, bodySha256),
      pieces(),
    ),
    200,
  );
  const framedLength = [...trailerFramed()].reduce((n, b) => n + b.length, 0);
  const trailerHeaders = {
    'content-encoding': 'aws-chunked',
    'content-length': String(framedLength),
    'x-amz-decoded-content-length': String(totalBytes),
    'x-amz-trailer': 'x-amz-checksum-crc32',
  };
  report(
    'PUT, STREAMING-UNSIGNED-PAYLOAD-TRAILER (aws-chunked, CRC32)',
    await send(
      `${server.s3Url}/bench/trailer`,
      'PUT',
      signed('PUT', '/bench/trailer', trailerHeaders, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'),
      trailerFramed(),
    ),
    200,
  );
  report(
    'PUT, UNSIGNED-PAYLOAD',
    await send(
      `${server.s3Url}/bench/unsigned`,
      'PUT',
      signed('PUT', '/bench/unsigned', length, 'UNSIGNED-PAYLOAD'),
      pieces(),
    ),
    200,
  );
  const got = await send(
    `${server.s3Url}/bench/signed`,
    'GET',
    signed('GET', '/bench/signed', {}, sha256Hex('')),
    [],
  );
  if (got.bytes !== totalBytes) throw new Error(`GET returned ${got.bytes} bytes`);
  report('GET (streamed, discarded)', got, 200);
} finally {
  await server.stop();
}
