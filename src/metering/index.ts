// Composition of metering: the usage recorder the services call inside their transactions, the usage
// views (Nova's os-simple-tenant-usage, served beside the compute API by its own plugin), and rating.
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import type { TokenValidator } from '../common/http/context.js';
import { computeUsagePlugin } from './api/compute-usage-plugin.js';
import { ratingPlugin } from './api/rating-plugin.js';
import { createRatingService, type RatingService } from './rating-service.js';
import type { MeteringTables } from './metering-tables.js';
import { createTenantUsageService, type TenantUsageService } from './tenant-usage-service.js';
import { createUsageRecorder, type UsageRecorder } from './usage-recorder.js';
import { createObjectTrafficMeter, type ObjectTrafficMeter } from './object-traffic.js';
import { createObjectStorageUsageHook, type ObjectStorageUsageHook } from './hooks/object-store.js';

export type { UsageRecorder, UsageStart } from './usage-recorder.js';
export { meters } from './model.js';

export interface MeteringModuleDeps {
  /** The app's database; it must hold the tables of migrations/2026-12-07-metering-usage.ts. */
  db: Kysely<MeteringTables>;
  clock: Clock;
  validator: TokenValidator;
  publicUrl: string;
  /** The region whose price lists rate usage, and their currency. */
  region: string;
  currency: string;
}

export interface MeteringModule {
  /** What the services call, inside their own transaction, when a usage starts, changes or stops. */
  recorder: UsageRecorder;
  usages: TenantUsageService;
  /** Object storage: bytes per account and policy, written with the object rows. */
  objectStorage: ObjectStorageUsageHook;
  /** Object traffic: requests by class and bytes out, summed per minute and flushed. */
  objectTraffic: ObjectTrafficMeter;
  /** os-simple-tenant-usage; app.ts mounts it at /compute/v2.1. */
  computePlugin: ReturnType<typeof computeUsagePlugin>;
  rating: RatingService;
  /** CloudKitty's API; app.ts mounts it at /rating (catalog type rating). */
  ratingPlugin: ReturnType<typeof ratingPlugin>;
}

export function createMeteringModule(deps: MeteringModuleDeps): MeteringModule {
  const recorder = createUsageRecorder(deps.clock);
  const usages = createTenantUsageService(deps.db, deps.clock);
  const rating = createRatingService({
    db: deps.db,
    clock: deps.clock,
    region: deps.region,
    currency: deps.currency,
  });
  return {
    rating,
    ratingPlugin: ratingPlugin({ rating, validator: deps.validator }),
    recorder,
    usages,
    objectStorage: createObjectStorageUsageHook(recorder, deps.clock),
    objectTraffic: createObjectTrafficMeter(deps.db, recorder),
    computePlugin: computeUsagePlugin({ usages, validator: deps.validator, publicUrl: deps.publicUrl }),
  };
}
