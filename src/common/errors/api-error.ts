// The one error type thrown by domain code. Each API family renders it in its own wire format
// (render-*.ts); handlers never catch to translate.
export interface ApiErrorOptions {
  /** Extra facts for the log only; never sent to the client. */
  internalContext?: Record<string, unknown>;
  cause?: unknown;
  /** Headers the renderer must add (e.g. WWW-Authenticate, Retry-After). */
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  readonly status: number;
  /** Stable machine-readable code, listed in docs/errors.md. */
  readonly code: string;
  readonly publicMessage: string;
  readonly internalContext: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, code: string, publicMessage: string, options: ApiErrorOptions = {}) {
    super(publicMessage, { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.publicMessage = publicMessage;
    this.internalContext = options.internalContext;
    this.headers = options.headers;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}
