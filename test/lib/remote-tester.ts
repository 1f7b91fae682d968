// Table tests for system modules on a real fleet host (apt, systemd, monit...): changed, no-op, invalid, failing cases.
import { expect } from 'chai';
import type { Module } from '../../engine/module.js';
import { prepareArgs } from '../../engine/module-args.js';
import { type ModuleOutcome, runModule } from '../../engine/run-module.js';
import { closeFleet, type FleetHost, fleetHost } from './fleet.js';
import { itRejects, tables } from './module-tester.js';

export interface RemoteCase {
  name: string;
  args: unknown;
  /** Put the host in the state the case starts from. */
  setup?: (h: FleetHost) => Promise<unknown>;
  /** Check the effect with plain commands on the host. */
  verify?: (h: FleetHost, out: ModuleOutcome) => Promise<unknown>;
  idempotent?: boolean;
  /** Which fleet host (default node1). */
  host?: string;
}

export interface RemoteTable {
  changed: RemoteCase[];
  ok: RemoteCase[];
  invalid: { name: string; args: unknown; error: RegExp }[];
  failed?: (RemoteCase & { error: RegExp })[];
  /** What the host looks like for this module (package list, unit states...): must not move in check mode. */
  snapshot: (h: FleetHost) => Promise<string>;
  /** Put the host back after the table (remove test packages, units). */
  cleanup?: (h: FleetHost) => Promise<unknown>;
  timeout?: number;
}

async function run(mod: Module, raw: unknown, h: FleetHost, check: boolean): Promise<ModuleOutcome> {
  const args = prepareArgs(mod, structuredClone(raw), { where: `${mod.name} test` });
  return runModule(mod, args, h.host, { check });
}

export function testRemoteModule(mod: Module, t: RemoteTable): void {
  tables.set(mod.name, {
    changed: t.changed.length,
    ok: t.ok.length,
    invalid: t.invalid.length,
    failed: t.failed?.length ?? 0,
  });
  describe(`module ${mod.name} (on a fleet host)`, function () {
    this.timeout(t.timeout ?? 120_000);
    const hostOf = (c: { host?: string }) => fleetHost(c.host ?? 'node1');
    after(async () => {
      if (t.cleanup) await t.cleanup(await fleetHost('node1'));
      await closeFleet();
    });
    for (const c of t.changed) {
      it(`changes: ${c.name}`, async () => {
        const h = await hostOf(c);
        await c.setup?.(h);
        const before = await t.snapshot(h);
        const predicted = await run(mod, c.args, h, true);
        expect(await t.snapshot(h), 'check mode changed the host').to.equal(before);
        const idem = c.idempotent !== false;
        expect(predicted.status, `check mode (${predicted.msg ?? ''})`).to.equal(
          idem ? 'changed' : predicted.status,
        );
        const out = await run(mod, c.args, h, false);
        expect(out.status, `first run (${out.msg ?? ''})`).to.equal('changed');
        await c.verify?.(h, out);
        if (idem) {
          const again = await run(mod, c.args, h, false);
          expect(again.status, `second run should change nothing, steps: ${again.steps.join('; ')}`).to.equal(
            'ok',
          );
        }
      });
    }
    for (const c of t.ok) {
      it(`no-op: ${c.name}`, async () => {
        const h = await hostOf(c);
        await c.setup?.(h);
        const before = await t.snapshot(h);
        const predicted = await run(mod, c.args, h, true);
        expect(predicted.status, `check mode, steps: ${predicted.steps.join('; ')}`).to.equal('ok');
        const out = await run(mod, c.args, h, false);
        expect(out.status, `real run, steps: ${out.steps.join('; ')} ${out.msg ?? ''}`).to.equal('ok');
        expect(await t.snapshot(h), 'a no-op run changed the host').to.equal(before);
        await c.verify?.(h, out);
      });
    }
    itRejects(mod, t.invalid);
    for (const c of t.failed ?? []) {
      it(`fails: ${c.name}`, async () => {
        const h = await hostOf(c);
        await c.setup?.(h);
        const out = await run(mod, c.args, h, false);
        expect(out.status, out.msg).to.equal('failed');
        expect(out.msg).to.match(c.error);
      });
    }
  });
}
