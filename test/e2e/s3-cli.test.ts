// The S3 API end to end: the started `nuage up` binary, an access key made with the real `openstack
// ec2 credentials create`, and Debian's real `aws` CLI (2.9) and `rclone` (generic "Other" S3 provider)
// against its S3 listener, region us-east-1 as those tools assume. No src imports.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3UrlOf, startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstackJson } from '../support/openstack-cli.js';

const AWS = '/usr/bin/aws';
const RCLONE = '/usr/bin/rclone';
const MiB = 1024 * 1024;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let nuage: NuageServer;
let s3Url: string;
let keys: { access: string; secret: string };
let work: string;

/** Our environment without anything that would steer the AWS tools elsewhere (profiles, CA bundles). */
function toolEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('AWS_') || key.startsWith('RCLONE_') || key.startsWith('PYTHON')) continue;
    env[key] = value;
  }
  env.PATH = ['/usr/bin', '/bin', process.env.PATH ?? ''].join(':');
  return { ...env, ...extra };
}

function run(bin: string, args: string[], env: Record<string, string>, timeoutMs = 240_000): Promise<Run> {
  return new Promise((resolveRun) => {
    const child = spawn(bin, args, { env: toolEnv(env), cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

function awsEnv(): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: keys.access,
    AWS_SECRET_ACCESS_KEY: keys.secret,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/nuage-e2e/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/nuage-e2e/aws-credentials',
    AWS_PAGER: '',
  };
}

/** `aws --endpoint-url <s3> …`; expects exit 0 and returns stdout. */
async function aws(...args: string[]): Promise<string> {
  const result = await run(AWS, ['--endpoint-url', s3Url, ...args], awsEnv());
  if (result.code !== 0)
    throw new Error(`aws ${args.join(' ')} → ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

async function awsJson<T = any>(...args: string[]): Promise<T> {
  return JSON.parse(await aws(...args, '--output', 'json')) as T;
}

async function rclone(...args: string[]): Promise<Run> {
  return run(RCLONE, args, {
    RCLONE_CONFIG: '/nonexistent/nuage-e2e/rclone.conf',
    RCLONE_CONFIG_NUAGE_TYPE: 's3',
    RCLONE_CONFIG_NUAGE_PROVIDER: 'Other',
    RCLONE_CONFIG_NUAGE_ACCESS_KEY_ID: keys.access,
    RCLONE_CONFIG_NUAGE_SECRET_ACCESS_KEY: keys.secret,
    RCLONE_CONFIG_NUAGE_ENDPOINT: s3Url,
    RCLONE_CONFIG_NUAGE_REGION: 'us-east-1',
  });
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file of `size` random bytes, written in 8 MiB pieces. */
async function randomFile(path: string, size: number): Promise<void> {
  const handle = await import('node:fs/promises').then((fs) => fs.open(path, 'w'));
  try {
    for (let written = 0; written < size; written += 8 * MiB) {
      await handle.write(randomBytes(Math.min(8 * MiB, size - written)));
    }
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  nuage = await startNuage();
  s3Url = await s3UrlOf(nuage);
  const created = await openstackJson<{ access: string; secret: string }>(['ec2', 'credentials', 'create'], {
    cloudsYaml: nuage.cloudsYaml,
  });
  keys = { access: created.access, secret: created.secret };
  work = await mkdtemp(join(tmpdir(), 'nuage-s3-e2e-'));
});

afterAll(async () => {
  await nuage?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('aws s3', () => {
  it('makes, lists, copies, syncs, removes and deletes buckets', async () => {
    expect(await aws('s3', 'mb', 's3://cli-bucket')).toContain('make_bucket: cli-bucket');
    expect(await aws('s3', 'ls')).toContain('cli-bucket');
    await writeFile(join(work, 'one.txt'), 'hello from aws\n');
    await aws('s3', 'cp', join(work, 'one.txt'), 's3://cli-bucket/docs/one.txt', '--only-show-errors');
    expect(await aws('s3', 'ls', 's3://cli-bucket/docs/')).toContain('one.txt');
    const tree = join(work, 'tree');
    for (const dir of ['a', 'a/b', 'c']) await mkdir(join(tree, dir), { recursive: true });
    for (const [i, dir] of ['a', 'a/b', 'c', 'a', 'c'].entries())
      await writeFile(join(tree, dir, `f${i}`), `file ${i}`);
    await aws('s3', 'sync', tree, 's3://cli-bucket/tree', '--only-show-errors');
    const back = join(work, 'tree-back');
    await aws('s3', 'sync', 's3://cli-bucket/tree', back, '--only-show-errors');
    for (const [i, dir] of ['a', 'a/b', 'c', 'a', 'c'].entries()) {
      expect(await readFile(join(back, dir, `f${i}`), 'utf8')).toBe(`file ${i}`);
    }
    await aws('s3', 'rm', 's3://cli-bucket', '--recursive', '--only-show-errors');
    expect(await aws('s3', 'rb', 's3://cli-bucket')).toContain('remove_bucket: cli-bucket');
    expect(await aws('s3', 'ls')).not.toContain('cli-bucket');
  });

  it('uploads 200 MiB in parts and downloads the same bytes', async () => {
    await aws('s3', 'mb', 's3://big-bucket');
    const source = join(work, 'big.bin');
    await randomFile(source, 200 * MiB);
    await aws('s3', 'cp', source, 's3://big-bucket/big.bin', '--only-show-errors');
    const head = await awsJson('s3api', 'head-object', '--bucket', 'big-bucket', '--key', 'big.bin');
    expect(head.ContentLength).toBe(200 * MiB);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-\d+"$/);
    const copy = join(work, 'big-back.bin');
    await aws('s3', 'cp', 's3://big-bucket/big.bin', copy, '--only-show-errors');
    expect(await sha256File(copy)).toBe(await sha256File(source));
    await rm(copy);
    await rm(source);
  });

  it('presigns a URL that plain curl can fetch', async () => {
    await writeFile(join(work, 'shared.txt'), 'presigned content');
    await aws('s3', 'cp', join(work, 'shared.txt'), 's3://big-bucket/shared.txt', '--only-show-errors');
    const url = (await aws('s3', 'presign', 's3://big-bucket/shared.txt', '--expires-in', '300')).trim();
    const curl = await run('/usr/bin/curl', ['-sS', '-f', url], {});
    expect(curl.code).toBe(0);
    expect(curl.stdout).toBe('presigned content');
    const unsigned = await run(
      '/usr/bin/curl',
      ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `${s3Url}/big-bucket/shared.txt`],
      {},
    );
    expect(unsigned.stdout).toBe('403');
  });
});

describe('aws s3api', () => {
  beforeAll(async () => {
    await aws('s3api', 'create-bucket', '--bucket', 'api-bucket');
  });

  it('puts, gets, heads, copies and deletes objects', async () => {
    await writeFile(join(work, 'obj.txt'), 'object body');
    const put = await awsJson(
      's3api',
      'put-object',
      '--bucket',
      'api-bucket',
      '--key',
      'dir/obj.txt',
      '--body',
      join(work, 'obj.txt'),
      '--content-type',
      'text/x-e2e',
      '--metadata',
      'colour=green',
    );
    expect(put.ETag).toBe(`"${createHash('md5').update('object body').digest('hex')}"`);
    const got = await awsJson(
      's3api',
      'get-object',
      '--bucket',
      'api-bucket',
      '--key',
      'dir/obj.txt',
      join(work, 'got.txt'),
    );
    expect(got.Metadata).toEqual({ colour: 'green' });
    expect(await readFile(join(work, 'got.txt'), 'utf8')).toBe('object body');
    const head = await awsJson('s3api', 'head-object', '--bucket', 'api-bucket', '--key', 'dir/obj.txt');
    expect(head.ContentType).toBe('text/x-e2e');
    await aws(
      's3api',
      'copy-object',
      '--bucket',
      'api-bucket',
      '--key',
      'dir/copy.txt',
      '--copy-source',
      'api-bucket/dir/obj.txt',
    );
    await aws(
      's3api',
      'copy-object',
      '--bucket',
      'api-bucket',
      '--key',
      'other/x.txt',
      '--copy-source',
      'api-bucket/dir/obj.txt',
    );
    const v1 = await awsJson('s3api', 'list-objects', '--bucket', 'api-bucket', '--delimiter', '/');
    expect(v1.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix)).toEqual(['dir/', 'other/']);
    const v2 = await awsJson(
      's3api',
      'list-objects-v2',
      '--bucket',
      'api-bucket',
      '--prefix',
      'dir/',
      '--delimiter',
      '/',
    );
    expect(v2.Contents.map((c: { Key: string }) => c.Key)).toEqual(['dir/copy.txt', 'dir/obj.txt']);
    await aws('s3api', 'delete-object', '--bucket', 'api-bucket', '--key', 'other/x.txt');
    const deleted = await awsJson(
      's3api',
      'delete-objects',
      '--bucket',
      'api-bucket',
      '--delete',
      JSON.stringify({ Objects: [{ Key: 'dir/obj.txt' }, { Key: 'dir/copy.txt' }] }),
    );
    expect(deleted.Deleted).toHaveLength(2);
    const empty = await aws('s3api', 'list-objects-v2', '--bucket', 'api-bucket', '--output', 'json');
    expect(empty.includes('"Contents"')).toBe(false);
  });

  it('creates, completes and aborts multipart uploads', async () => {
    const create = await awsJson(
      's3api',
      'create-multipart-upload',
      '--bucket',
      'api-bucket',
      '--key',
      'mp.bin',
    );
    const parts = [randomBytes(5 * MiB + 1), randomBytes(1000)];
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      await writeFile(join(work, `part${i}`), part);
      const uploaded = await awsJson(
        's3api',
        'upload-part',
        '--bucket',
        'api-bucket',
        '--key',
        'mp.bin',
        '--upload-id',
        create.UploadId,
        '--part-number',
        String(i + 1),
        '--body',
        join(work, `part${i}`),
      );
      etags.push(uploaded.ETag);
    }
    const done = await awsJson(
      's3api',
      'complete-multipart-upload',
      '--bucket',
      'api-bucket',
      '--key',
      'mp.bin',
      '--upload-id',
      create.UploadId,
      '--multipart-upload',
      JSON.stringify({ Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) }),
    );
    expect(done.ETag).toMatch(/-2"$/);
    await aws('s3api', 'get-object', '--bucket', 'api-bucket', '--key', 'mp.bin', join(work, 'mp-back.bin'));
    expect((await readFile(join(work, 'mp-back.bin'))).equals(Buffer.concat(parts))).toBe(true);
    const other = await awsJson(
      's3api',
      'create-multipart-upload',
      '--bucket',
      'api-bucket',
      '--key',
      'abandoned',
    );
    const listed = await awsJson('s3api', 'list-multipart-uploads', '--bucket', 'api-bucket');
    expect(listed.Uploads.map((u: { UploadId: string }) => u.UploadId)).toEqual([other.UploadId]);
    await aws(
      's3api',
      'abort-multipart-upload',
      '--bucket',
      'api-bucket',
      '--key',
      'abandoned',
      '--upload-id',
      other.UploadId,
    );
    const after = await aws('s3api', 'list-multipart-uploads', '--bucket', 'api-bucket', '--output', 'json');
    expect(after.includes(other.UploadId)).toBe(false);
  });

  it('reads and sets the bucket versioning state', async () => {
    const before = await run(
      AWS,
      ['--endpoint-url', s3Url, 's3api', 'get-bucket-versioning', '--bucket', 'api-bucket'],
      awsEnv(),
    );
    expect(before.code).toBe(0);
    expect(before.stdout.trim()).toBe('');
    await aws(
      's3api',
      'put-bucket-versioning',
      '--bucket',
      'api-bucket',
      '--versioning-configuration',
      'Status=Enabled',
    );
    const after = await awsJson('s3api', 'get-bucket-versioning', '--bucket', 'api-bucket');
    expect(after.Status).toBe('Enabled');
  });
});

describe('rclone', () => {
  it('syncs a 1,000-file tree up and back with no differences', async () => {
    const tree = join(work, 'rclone-tree');
    for (let d = 0; d < 10; d += 1) {
      await mkdir(join(tree, `d${d}`, 'sub'), { recursive: true });
      for (let i = 0; i < 50; i += 1) {
        await writeFile(join(tree, `d${d}`, `f${i}.bin`), randomBytes(i * 97));
        await writeFile(join(tree, `d${d}`, 'sub', `g${i}.txt`), `${d}/${i}\n`);
      }
    }
    const up = await rclone('sync', tree, 'nuage:rclone-bucket');
    expect(up.code, up.stderr).toBe(0);
    const back = join(work, 'rclone-back');
    const down = await rclone('sync', 'nuage:rclone-bucket', back);
    expect(down.code, down.stderr).toBe(0);
    const check = await rclone('check', tree, 'nuage:rclone-bucket');
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain('0 differences found');
    expect(check.stderr).toContain('1000 matching files');
    const local = await rclone('check', tree, back);
    expect(local.code, local.stderr).toBe(0);
  });
});
