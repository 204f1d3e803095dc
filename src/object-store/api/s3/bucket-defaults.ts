// Bucket settings this server has no way to turn on (transfer acceleration, requester pays, access
// logging, event notifications, static websites, replication) still have a well-defined answer for a
// bucket that never set them, which S3 clients and tools (the AWS CLI, Terraform's bucket refresh) read:
// the GETs return S3's "not configured" state; PUTs that would switch a feature on remain NotImplemented.
import type { FastifyReply } from 'fastify';
import { s3Error } from '../../s3/s3-errors.js';
import { authorize, type S3Action } from './access.js';
import { requireBucket, sendXml, type S3Context } from './s3-context.js';
import { leaf, xmlDocument } from './xml.js';

type Reader = (ctx: S3Context) => Promise<FastifyReply>;

function reader(action: S3Action, answer: (ctx: S3Context) => FastifyReply): Reader {
  return async (ctx) => {
    const bucket = await requireBucket(ctx);
    await authorize(ctx, bucket, action);
    return answer(ctx);
  };
}

/** GET handlers by sub-resource. */
export const DEFAULT_BUCKET_READERS: Record<string, Reader> = {
  accelerate: reader('s3:GetAccelerateConfiguration', (ctx) =>
    sendXml(ctx, 200, xmlDocument('AccelerateConfiguration')),
  ),
  requestPayment: reader('s3:GetBucketRequestPayment', (ctx) =>
    sendXml(ctx, 200, xmlDocument('RequestPaymentConfiguration', leaf('Payer', 'BucketOwner'))),
  ),
  logging: reader('s3:GetBucketLogging', (ctx) => sendXml(ctx, 200, xmlDocument('BucketLoggingStatus'))),
  notification: reader('s3:GetBucketNotification', (ctx) =>
    sendXml(ctx, 200, xmlDocument('NotificationConfiguration')),
  ),
  website: reader('s3:GetBucketWebsite', () => {
    throw s3Error('NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration');
  }),
  replication: reader('s3:GetReplicationConfiguration', () => {
    throw s3Error('ReplicationConfigurationNotFoundError', 'The replication configuration was not found');
  }),
};

/** The sub-resource of a GET this module answers, if any. */
export function defaultReaderOf(ctx: S3Context): Reader | undefined {
  if (ctx.request.method !== 'GET') return undefined;
  const name = Object.keys(DEFAULT_BUCKET_READERS).find((n) => ctx.query.has(n));
  return name === undefined ? undefined : DEFAULT_BUCKET_READERS[name];
}
