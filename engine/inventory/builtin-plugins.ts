// The inventory plugins that ship with sdtd-play, registered by name.
import { awsEc2 } from './plugins/aws-ec2.js';
import { localFleet } from './plugins/local-fleet.js';
import { registerInventoryPlugin } from './plugins.js';

registerInventoryPlugin('local_fleet', localFleet);
registerInventoryPlugin('aws_ec2', awsEc2);
