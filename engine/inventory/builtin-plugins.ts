// The inventory plugins that ship with sdtd-play, registered by name.
import { localFleet } from './plugins/local-fleet.js';
import { registerInventoryPlugin } from './plugins.js';

registerInventoryPlugin('local_fleet', localFleet);
