// Runs the `rbd` and `qemu-img` tools for the RBD client: every rbd call names the cluster by config
// file and cephx user (`--conf`, `--id`, `--keyring`), so no key is ever on a command line; failures
// become RbdErrors; data streams (export to stdout, import from stdin) are child processes whose exit
// status settles the stream.
import { spawn } from 'node:child_process';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rbdErrorFromExit, RbdError } from './rbd-errors.js';
import type { CephClientConfig } from './rbd-names.js';

/** Most of stderr we keep for an error message; the tools print progress and librbd's debug lines. */
const STDERR_LIMIT_BYTES = 64 * 1024;
const STDOUT_LIMIT_BYTES = 16 * 1024 * 1024;

export interface CliOptions {
  client: CephClientConfig;
  rbdBinary: string;
  qemuImgBinary: string;
}

export interface RunOptions {
  timeoutMs: number;
  /** Bytes fed to stdin. */
  input?: Readable;
}

/** The arguments that name the cluster and the user for the rbd CLI. */
export function clientArgs(client: CephClientConfig): string[] {
  const args = ['--conf', client.confPath, '--id', client.user];
  if (client.keyringPath !== undefined) args.push('--keyring', client.keyringPath);
  return args;
}

function appendLimited(chunks: Buffer[], chunk: Buffer, state: { bytes: number }, limit: number): void {
  if (state.bytes >= limit) return;
  chunks.push(chunk);
  state.bytes += chunk.length;
}

/**
 * Runs a tool to completion and resolves its stdout; rejects with an RbdError named `operation`.
 * A timed-out child gets SIGKILL (librbd ignores nothing, but a hung monitor connection never returns).
 */
export function runTool(
  binary: string,
  args: readonly string[],
  operation: string,
  options: RunOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args], { stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const outState = { bytes: 0 };
    const errState = { bytes: 0 };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => appendLimited(out, chunk, outState, STDOUT_LIMIT_BYTES));
    child.stderr?.on('data', (chunk: Buffer) => appendLimited(err, chunk, errState, STDERR_LIMIT_BYTES));
    let inputFailure: unknown;
    if (options.input && child.stdin) {
      pipeline(options.input, child.stdin as Writable).catch((failure: unknown) => {
        inputFailure = failure;
        child.kill('SIGKILL');
      });
    }
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(
        new RbdError('Failed', operation, `${operation}: cannot run ${binary}: ${cause.message}`, { cause }),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0 && inputFailure === undefined) return resolve(Buffer.concat(out).toString('utf8'));
      reject(rbdErrorFromExit(operation, code, stderr, { timedOut, cause: inputFailure }));
    });
  });
}

/**
 * Starts a tool whose stdout is the data (rbd export … -). The stream ends only after the tool exited
 * 0, and errors with an RbdError when it failed, so a consumer never takes a truncated image for a
 * whole one. Destroying the stream kills the tool.
 */
export function streamTool(
  binary: string,
  args: readonly string[],
  operation: string,
  timeoutMs: number,
): Readable {
  const child = spawn(binary, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const data = new PassThrough();
  const err: Buffer[] = [];
  const errState = { bytes: 0 };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  child.stdout.pipe(data, { end: false });
  child.stderr.on('data', (chunk: Buffer) => appendLimited(err, chunk, errState, STDERR_LIMIT_BYTES));
  child.on('error', (cause) => {
    clearTimeout(timer);
    data.destroy(
      new RbdError('Failed', operation, `${operation}: cannot run ${binary}: ${cause.message}`, { cause }),
    );
  });
  // 'close' comes after stdout has delivered everything it read.
  child.on('close', (code) => {
    clearTimeout(timer);
    if (code === 0) data.end();
    else data.destroy(rbdErrorFromExit(operation, code, Buffer.concat(err).toString('utf8'), { timedOut }));
  });
  data.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return data;
}
