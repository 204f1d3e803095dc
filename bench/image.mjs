// bench/image: upload and download throughput (MiB/s) of one raw image through the Glance API of the
// all-in-one server: streamed from memory on upload (inspection and hashing included), discarded on
// download. Run: npm run build && npm run bench:image [-- --mib N] (default 1024 MiB).
import http from 'node:http';
import { request, startServer } from './lib.mjs';

const argMib = process.argv.indexOf('--mib');
const mib = (argMib > 0 ? Number(process.argv[argMib + 1]) : 0) || 1024;
const chunk = Buffer.alloc(1024 * 1024, 0x5a);

function send(url, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < mib) {
        sent += 1;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

function receive(url, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let bytes = 0;
        res.on('data', (c) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode, bytes }));
      })
      .on('error', reject);
  });
}

const server = await startServer();
try {
  const { admin } = server;
  const auth = await request(`${server.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: admin.username, domain: { name: 'Default' }, password: admin.password } },
        },
        scope: { project: { name: admin.project_name, domain: { name: 'Default' } } },
      },
    }),
  });
  const token = auth.headers['x-subject-token'];
  const created = await request(`${server.url}/image/v2/images`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify({ name: 'bench', disk_format: 'raw', container_format: 'bare' }),
  });
  const { id } = JSON.parse(created.body.toString());
  const file = `${server.url}/image/v2/images/${id}/file`;
  console.log(`bench/image against ${server.url} (node ${process.version}, one ${mib} MiB raw image)`);

  let t = process.hrtime.bigint();
  const status = await send(file, {
    'x-auth-token': token,
    'content-type': 'application/octet-stream',
    'content-length': String(mib * 1024 * 1024),
  });
  let seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (status !== 204) throw new Error(`upload answered ${status}`);
  console.log(
    `upload   (PUT /v2/images/{id}/file): ${(mib / seconds).toFixed(1)} MiB/s (${seconds.toFixed(2)} s)`,
  );

  t = process.hrtime.bigint();
  const got = await receive(file, { 'x-auth-token': token });
  seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (got.status !== 200 || got.bytes !== mib * 1024 * 1024)
    throw new Error(`download: ${got.status} ${got.bytes}`);
  console.log(
    `download (GET /v2/images/{id}/file): ${(mib / seconds).toFixed(1)} MiB/s (${seconds.toFixed(2)} s)`,
  );
} finally {
  await server.stop();
}
