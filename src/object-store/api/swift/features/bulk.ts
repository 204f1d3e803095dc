// Swift feature: bulk (not yet implemented; installs nothing, so /info does not list it).
import type { InstallFeature } from './feature-deps.js';

export const install: InstallFeature = () => undefined;
