// What the S3 front end needs from the rest of the platform.
import type { ObjectTraffic } from '../../traffic.js';
import type { Clock } from '../../../common/clock.js';
import type { AuthContext } from '../../../common/http/context.js';
import type { Config } from '../../../config/schema.js';
import type { ObjectService } from '../../object-service.js';
import type { BucketService } from '../../s3/bucket-service.js';
import type { LifecycleService } from '../../s3/lifecycle-service.js';
import type { MultipartService } from '../../s3/multipart-service.js';
import type { VersionStore } from '../../versioning/index.js';

/** Resolves an S3 access key (a Keystone EC2 credential) to its owner and secret, or undefined. */
export interface AccessKeyResolver {
  findEc2ByAccess(access: string): Promise<{ userId: string; projectId: string; secret: string } | undefined>;
}

/**
 * Builds the caller an access key stands for from live identity state (user, project and domains
 * enabled, a role on the project), or undefined when the key must not be used now.
 */
export interface CallerResolver {
  ec2Context(userId: string, projectId: string): Promise<AuthContext | undefined>;
}

export interface S3PluginDeps {
  objects: ObjectService;
  accessKeys: AccessKeyResolver;
  callers: CallerResolver;
  buckets: BucketService;
  multipart: MultipartService;
  versions: VersionStore;
  /** Applies lifecycle rules; the plugin runs it on the expirer interval while the listener is up. */
  lifecycle?: LifecycleService | undefined;
  clock: Clock;
  config: Config;
  /** Metering of requests and egress (billed to the bucket's owner); none counted without it. */
  traffic?: ObjectTraffic | undefined;
}
