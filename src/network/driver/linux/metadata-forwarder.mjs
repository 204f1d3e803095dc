// The metadata forwarder of one router: runs inside the router's qrouter namespace (started by
// metadata-proxy.ts through `ip netns exec`), listens on 0.0.0.0:<port> (the target of the nft
// redirect of 169.254.169.254:80) and forwards each HTTP request to the metadata server's unix socket,
// adding the guest's source address and the router id, as Neutron's haproxy-based metadata proxy does.
// Self-contained on purpose (Node built-ins only): it is one small process per router.
//
//   node metadata-forwarder.mjs --port 8775 --router <router id> --socket <path>
//
// It exits when its standard input closes, so a killed parent leaves no forwarder behind.
import http from 'node:http';

const MAX_CONNECTIONS = 64;
const TIMEOUT_MS = 30_000;
/** Headers the guest may not choose: the server trusts them because only we can reach its socket. */
const TRUSTED = ['x-forwarded-for', 'x-nuage-router-id', 'forwarded', 'x-real-ip'];

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key?.startsWith('--') || value === undefined) throw new Error(`bad argument ${String(key)}`);
    out[key.slice(2)] = value;
  }
  const port = Number(out.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error('--port must be a TCP port');
  if (!out.router || !out.socket) throw new Error('--router and --socket are required');
  return { port, router: out.router, socket: out.socket };
}

function reply(res, status, text) {
  if (res.headersSent) return res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
  res.end(text);
}

function forward(options, req, res) {
  const headers = { ...req.headers };
  for (const name of TRUSTED) delete headers[name];
  const source = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = source;
  headers['x-nuage-router-id'] = options.router;
  headers.connection = 'close';
  const upstream = http.request(
    { socketPath: options.socket, method: req.method, path: req.url, headers, timeout: TIMEOUT_MS },
    (answer) => {
      const out = { ...answer.headers };
      delete out.connection;
      delete out['keep-alive'];
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    },
  );
  upstream.on('timeout', () => upstream.destroy(new Error('metadata server timed out')));
  upstream.on('error', () => reply(res, 502, 'metadata service unavailable\n'));
  req.pipe(upstream);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const server = http.createServer((req, res) => forward(options, req, res));
  // Simple clients (busybox nc) half-close after sending the request; without this, Node drops the
  // response and closes the socket when the client's FIN arrives before the answer.
  server.httpAllowHalfOpen = true;
  server.maxConnections = MAX_CONNECTIONS;
  server.requestTimeout = TIMEOUT_MS;
  server.headersTimeout = TIMEOUT_MS / 2;
  server.keepAliveTimeout = 5_000;
  server.on('error', (err) => {
    process.stderr.write(`metadata forwarder: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(options.port, '0.0.0.0');
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
  process.on('SIGTERM', () => process.exit(0));
}

main();
