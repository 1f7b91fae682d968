// Mocha root hook: boot the local fleet once per test run (playbooks/local-fleet.yml), unless a fleet is given.
import { cli } from './lib/cli.js';
import { FLEET_INVENTORY } from './lib/fleet.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    if (process.env.SDTD_TEST_INVENTORY) return;
    this.timeout(15 * 60_000);
    // the same command users run: the fleet is built and booted by the product itself
    const r = await cli(['playbooks/local-fleet.yml']);
    if (r.code !== 0)
      throw new Error(`the local fleet did not come up (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    process.env.SDTD_TEST_INVENTORY = FLEET_INVENTORY;
  },
};
