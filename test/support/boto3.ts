// Runs a Python snippet against the S3 listener with Debian's boto3 (/usr/bin/python3), as a real
// client would. The snippet gets `s3` (a path-style client for the given keys), `client(access,
// secret)` for other keys, `anon()` for an unsigned client, `http(method, url, headers, body)`, `raw(method, path, query, body, headers)` for a SigV4-signed request that
// returns (status, headers, body bytes) untouched, `strict_xml(body)` (expat, which rejects anything
// XML 1.0 forbids), `error_code(fn, ...)` and `out(value)`, which hands a JSON value back to the test.
// botocore parses every response with expat too, so a malformed XML body fails the snippet.
import { spawn } from 'node:child_process';

const PRELUDE = `
import json, sys, os
import boto3, botocore
from botocore.config import Config
endpoint = os.environ['NUAGE_S3_ENDPOINT']
def client(access, secret, **kw):
    return boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1',
        aws_access_key_id=access, aws_secret_access_key=secret,
        config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}, **kw))
s3 = client(os.environ['NUAGE_S3_ACCESS'], os.environ['NUAGE_S3_SECRET'])
def anon():
    return boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1',
        config=Config(signature_version=botocore.UNSIGNED, s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
def http(method, url, headers=None, body=None):
    r = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        resp = _opener.open(r)
        return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
def error_code(fn, *args, **kw):
    try:
        fn(*args, **kw)
        return 'OK'
    except botocore.exceptions.ClientError as e:
        return e.response['Error']['Code']
import urllib.request, urllib.parse, urllib.error
import xml.etree.ElementTree as ET
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
# Redirects are returned to the snippet, never followed (the test talks to the loopback listener only).
_opener = urllib.request.build_opener(_NoRedirect)
def raw(method, path, query=None, body=b'', headers=None, keys=None, signed=True):
    url = endpoint + urllib.parse.quote(path, safe='/~')
    if query:
        url += '?' + urllib.parse.urlencode(query, quote_via=urllib.parse.quote, safe='~')
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    if signed:
        access, secret = keys or (os.environ['NUAGE_S3_ACCESS'], os.environ['NUAGE_S3_SECRET'])
        req.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD'
        S3SigV4Auth(Credentials(access, secret), 's3', 'us-east-1').add_auth(req)
    prepared = req.prepare()
    r = urllib.request.Request(prepared.url, data=body if body else None, headers=dict(prepared.headers), method=method)
    try:
        resp = _opener.open(r)
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()
def strict_xml(body):
    return ET.fromstring(body)
def out(value):
    sys.stdout.write('\\n@@OUT@@' + json.dumps(value, default=str) + '\\n')
`;

export interface Boto3Keys {
  access: string;
  secret: string;
}

/**
 * Runs `code` (Python, dedented) after `setup` (Python at column 0: definitions the test shares between
 * snippets) and returns the value it passed to out(); throws on a failure.
 */
export async function runBoto3<T = unknown>(
  s3Url: string,
  keys: Boto3Keys,
  code: string,
  setup = '',
  /** A CA bundle to verify an https endpoint against (AWS_CA_BUNDLE), e.g. a self-signed certificate. */
  opts: { caBundle?: string } = {},
): Promise<T> {
  const script = `${PRELUDE}\n${setup}\n${dedent(code)}\n`;
  const child = spawn('/usr/bin/python3', ['-c', script], {
    env: {
      PATH: '/usr/bin:/bin',
      NUAGE_S3_ENDPOINT: s3Url,
      NUAGE_S3_ACCESS: keys.access,
      NUAGE_S3_SECRET: keys.secret,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ...(opts.caBundle !== undefined && { AWS_CA_BUNDLE: opts.caBundle }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (status !== 0) throw new Error(`boto3 script failed (${status}):\n${stderr}\n${stdout}`);
  const marker = stdout.lastIndexOf('@@OUT@@');
  if (marker < 0) return undefined as T;
  return JSON.parse(stdout.slice(marker + 7).split('\n')[0]!) as T;
}

function dedent(code: string): string {
  const lines = code.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const cut = Math.min(...indents);
  return lines.map((l) => l.slice(cut)).join('\n');
}
