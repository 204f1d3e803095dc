// Factories for every ApiError the key manager raises. Barbican words its errors in three ways, and the
// renderer (api/render-error.ts) needs to know which one applies, because two of them name the operation
// of the route ("Secret retrieval"):
//   - abort:  the description is sent verbatim (pecan.abort in a controller, or a validator's message);
//   - issue:  "<operation> issue seen - <reason>." (a BarbicanHTTPException raised while handling);
//   - policy: "<operation> attempt not allowed - please review your user/project privileges".
// Failures that are not Barbican's own (bugs, a lost root of trust, a destroyed key) render as
// "<operation> failure seen - please contact site administrator.", as Barbican's handle_exceptions does.
import { ApiError } from '../common/errors/api-error.js';

export type BarbicanForm = 'abort' | 'issue' | 'policy';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
};

function barbican(status: number, form: BarbicanForm, message: string, code?: string): ApiError {
  return new ApiError(status, code ?? CODE_BY_STATUS[status] ?? 'BadRequest', message, {
    internalContext: { barbican: form },
  });
}

export const kmErrors = {
  /** pecan.abort(status, description): sent as is. */
  abort: (status: number, description: string) => barbican(status, 'abort', description),
  /** A BarbicanHTTPException raised by the handler: "<operation> issue seen - <reason>.". */
  issue: (status: number, reason: string) => barbican(status, 'issue', reason),
  /** Barbican's InvalidObject, raised by a body validator. */
  invalidObject: (schema: string, reason: string, property: string) =>
    barbican(
      400,
      'abort',
      `Provided object does not match schema '${schema}': ${reason}. Invalid property: '${property}'`,
      'ValidationFailed',
    ),
  /** The caller's roles do not satisfy the operation's policy rule. */
  policy: () => barbican(403, 'policy', 'Forbidden by the key manager policy.'),
  secretNotFound: () => barbican(404, 'abort', 'Secret not found.'),
  invalidSecretId: () => barbican(404, 'abort', 'Not Found. Provided secret id is invalid.'),
  containerNotFound: () => barbican(404, 'abort', 'Secrets container not found.'),
  invalidContainerId: () => barbican(404, 'abort', 'Not Found. Provided container id is invalid.'),
  orderNotFound: () => barbican(404, 'abort', 'Order not found.'),
  /** 413 with Barbican's LimitExceeded client message. */
  tooLarge: () => barbican(413, 'abort', 'Provided information too large to process'),
  /**
   * The project's key-encryption key was destroyed (crypto-erase): data wrapped under it can never be
   * decrypted again. In-process callers see this message; the Barbican API answers as Barbican does for a
   * secret it cannot decrypt (500, "... failure seen - please contact site administrator.").
   */
  keyDestroyed: (projectId: string, kekId: string) =>
    new ApiError(
      500,
      'KeyDestroyed',
      `The key-encryption key ${kekId} of project ${projectId} was destroyed (crypto-erase); data wrapped under it can never be decrypted again.`,
      { internalContext: { projectId, kekId } },
    ),
  /** A wrapped key that is not ours, was tampered with, or belongs to another project. */
  unwrapFailed: (why: string) =>
    new ApiError(500, 'InternalError', `A wrapped key could not be unwrapped: ${why}.`),
  /** The root of trust (key file, PKCS#11 token) cannot be used. */
  rootUnavailable: (detail: string, cause?: unknown) =>
    new ApiError(503, 'ServiceUnavailable', `The key manager root of trust is unavailable: ${detail}`, {
      cause,
    }),
} as const;

/** The Barbican form of an error made by the factories above, if any. */
export function barbicanForm(err: ApiError): BarbicanForm | undefined {
  const form = err.internalContext?.barbican;
  return form === 'abort' || form === 'issue' || form === 'policy' ? form : undefined;
}
