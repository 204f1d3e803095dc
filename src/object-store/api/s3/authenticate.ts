// Request authentication: SigV4 (header or presigned) checked against the secret of the Keystone EC2
// credential named by the access key, then the key's owner checked against live identity state, so a
// deleted credential, a disabled user or project, or a removed role stops the key at once.
import type { FastifyRequest } from 'fastify';
import { s3Error } from '../../s3/s3-errors.js';
import { SigningKeyCache, parseSigV4Request, verifyParsedSigV4 } from './auth/index.js';
import type { Caller } from './s3-context.js';
import type { S3PluginDeps } from './s3-deps.js';

/** The regions a signature may name: the configured one, and us-east-1, which many clients assume. */
export function signingRegions(region: string): string[] {
  return region === 'us-east-1' ? [region] : [region, 'us-east-1'];
}

export interface Authenticator {
  authenticate(request: FastifyRequest, rawPath: string, query: URLSearchParams, now: Date): Promise<Caller>;
}

export function createAuthenticator(deps: S3PluginDeps): Authenticator {
  // Keyed by secret, date, region and service: a deleted key's entry is never reached again.
  const keyCache = new SigningKeyCache(1024);
  const allowedRegions = signingRegions(deps.config.region);
  return {
    async authenticate(request, rawPath, query, now) {
      const parsed = parseSigV4Request({
        method: request.method,
        rawPath,
        query,
        headers: request.headers,
        now,
        allowedRegions,
      });
      if (!parsed) return { kind: 'anonymous' };
      if (parsed.securityToken !== undefined) {
        throw s3Error('InvalidToken', 'The provided token is malformed or otherwise invalid.');
      }
      const key = await deps.accessKeys.findEc2ByAccess(parsed.accessKeyId);
      if (!key) {
        throw s3Error(
          'InvalidAccessKeyId',
          'The AWS Access Key Id you provided does not exist in our records.',
          {
            accessKeyId: parsed.accessKeyId,
          },
        );
      }
      const verified = verifyParsedSigV4(parsed, key.secret, { keyCache });
      const auth = await deps.callers.ec2Context(key.userId, key.projectId);
      if (!auth) {
        throw s3Error('AccessDenied', 'Access Denied', {
          reason: 'the key owner is disabled or holds no role on the key project',
          userId: key.userId,
          projectId: key.projectId,
        });
      }
      return { kind: 'key', auth, userId: key.userId, projectId: key.projectId, verified };
    },
  };
}
