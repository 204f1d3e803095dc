// bench/identity: password token issue/s and token validation/s against the all-in-one server, with
// HTTP keep-alive at concurrency 16, driven by wrk (apt package `wrk`).
// Run: npm run build && npm run bench:identity [-- --seconds N]
import { request, startServer, wrk } from './lib.mjs';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;
const server = await startServer();
try {
  const { admin } = server;
  const tokensUrl = `${server.url}/identity/v3/auth/tokens`;
  const authBody = JSON.stringify({
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: admin.username, domain: { name: 'Default' }, password: admin.password } },
      },
      scope: { project: { name: admin.project_name, domain: { name: 'Default' } } },
    },
  });
  const first = await request(tokensUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: authBody,
  });
  if (first.status !== 201) throw new Error(`cannot authenticate: ${first.status} ${first.body}`);
  const token = first.headers['x-subject-token'];
  const validate = { headers: { 'X-Auth-Token': token, 'X-Subject-Token': token } };

  console.log(
    `bench/identity against ${server.url} (node ${process.version}, ${seconds} s per figure, after a 3 s warm-up)`,
  );
  await wrk('warm-up (not a figure)', tokensUrl, { ...validate, seconds: 3 });
  await wrk('password token issue (POST /v3/auth/tokens)', tokensUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: authBody,
    seconds,
  });
  await wrk('token validation (GET /v3/auth/tokens, with catalog)', tokensUrl, { ...validate, seconds });
  await wrk('token validation, nocatalog', `${tokensUrl}?nocatalog`, { ...validate, seconds });
} finally {
  await server.stop();
}
