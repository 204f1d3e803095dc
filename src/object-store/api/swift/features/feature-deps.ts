// What an optional Swift feature receives when it installs its hooks.
import type { Clock } from '../../../../common/clock.js';
import type { Config } from '../../../../config/schema.js';
import type { ObjectService } from '../../../object-service.js';
import type { SwiftExtensions } from '../extensions.js';

export interface FeatureDeps {
  objects: ObjectService;
  clock: Clock;
  config: Config;
}

export type InstallFeature = (extensions: SwiftExtensions, deps: FeatureDeps) => void;
