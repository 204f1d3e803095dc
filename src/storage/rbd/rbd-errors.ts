// The one error the RBD client throws, with a code derived from the `rbd` tool's exit status (it exits
// with the errno of the failed librbd call) so that callers can tell a missing image from a busy one.

export type RbdErrorCode =
  /** ENOENT: the pool, image or snapshot does not exist. */
  | 'NotFound'
  /** EEXIST: an image or snapshot with that name exists. */
  | 'Exists'
  /** EBUSY: a protected snapshot with children, an image with watchers (a running guest), a lock. */
  | 'Busy'
  /** ENOTEMPTY: the image still has snapshots. */
  | 'HasSnapshots'
  /** EINVAL, or a name the client refuses before calling Ceph. */
  | 'InvalidArgument'
  /** EACCES/EPERM: the cephx user's caps do not allow it. */
  | 'PermissionDenied'
  /** The command outlived its timeout and was killed. */
  | 'Timeout'
  | 'Failed';

export class RbdError extends Error {
  readonly code: RbdErrorCode;
  /** The operation, e.g. `rbd snap protect`, without arguments (no paths, never a key). */
  readonly operation: string;
  readonly stderr: string;

  constructor(
    code: RbdErrorCode,
    operation: string,
    message: string,
    options: { stderr?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'RbdError';
    this.code = code;
    this.operation = operation;
    this.stderr = options.stderr ?? '';
  }
}

export function isRbdError(err: unknown, code?: RbdErrorCode): err is RbdError {
  return err instanceof RbdError && (code === undefined || err.code === code);
}

const BY_ERRNO: Record<number, RbdErrorCode> = {
  1: 'PermissionDenied',
  2: 'NotFound',
  13: 'PermissionDenied',
  16: 'Busy',
  17: 'Exists',
  22: 'InvalidArgument',
  39: 'HasSnapshots',
  110: 'Timeout',
};

/** The last line of stderr that says something (librbd prefixes its own lines with a timestamp). */
export function lastMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const own = lines.filter((line) => line.startsWith('rbd:') || line.startsWith('qemu-img:'));
  return own.at(-1) ?? lines.at(-1) ?? '';
}

/** Maps a failed `rbd` (or `qemu-img`) run to an RbdError. `exitCode` null: killed by a signal. */
export function rbdErrorFromExit(
  operation: string,
  exitCode: number | null,
  stderr: string,
  options: { timedOut?: boolean; cause?: unknown } = {},
): RbdError {
  const said = lastMessage(stderr);
  if (options.timedOut === true) {
    return new RbdError('Timeout', operation, `${operation} timed out${said ? `: ${said}` : ''}`, {
      stderr,
      cause: options.cause,
    });
  }
  const code: RbdErrorCode = (exitCode !== null && BY_ERRNO[exitCode]) || 'Failed';
  const why = said || (exitCode === null ? 'killed by a signal' : `exit status ${exitCode}`);
  return new RbdError(code, operation, `${operation} failed: ${why}`, { stderr, cause: options.cause });
}
