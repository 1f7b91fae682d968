// Table tests for modules, in the spirit of ESLint's RuleTester: changed, no-op, invalid-args and failing cases.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { SdtdError } from '../../engine/errors.js';
import { makeHost } from '../../engine/host.js';
import type { Host, Module } from '../../engine/module.js';
import { prepareArgs } from '../../engine/module-args.js';
import { renderText } from '../../engine/render.js';
import { type ModuleOutcome, runModule } from '../../engine/run-module.js';
import { LocalTransport } from '../../engine/transports/local.js';
import { hashTree } from './tree.js';

/** A fresh temporary directory per case, with a Host on the local transport and small file helpers. */
export interface Fixture {
  dir: string;
  host: Host;
  /** Absolute path of a name inside the fixture directory. */
  p(rel: string): string;
  write(rel: string, content: string | Buffer, mode?: number): void;
  read(rel: string): string;
  exists(rel: string): boolean;
  sh(cmd: string): string;
}

export interface Case {
  name: string;
  args: (f: Fixture) => unknown;
  setup?: (f: Fixture) => unknown;
  verify?: (f: Fixture, out: ModuleOutcome) => unknown;
  /** Variables the task sees (host.vars, templates). */
  vars?: Record<string, unknown>;
  /** Set false for a changed case that changes every time by design (command without creates). */
  idempotent?: boolean;
}

export interface InvalidCase {
  name: string;
  args: unknown;
  error: RegExp;
}

export interface FailCase {
  name: string;
  args: (f: Fixture) => unknown;
  setup?: (f: Fixture) => unknown;
  error: RegExp;
  vars?: Record<string, unknown>;
}

export interface ModuleTable {
  changed: Case[];
  ok: Case[];
  invalid: InvalidCase[];
  failed?: FailCase[];
  /** Modules that can never change a host (debug, assert) say why instead of giving changed cases. */
  neverChanges?: string;
  /** Per-case time limit in ms (default mocha's). */
  timeout?: number;
  /** Undo what a case left that deleting the fixture directory cannot (running hosts, mounts). */
  teardown?: (f: Fixture) => unknown;
  /** Modules that always fail (fail) say why instead of giving no-op cases. */
  neverSucceeds?: string;
  /** What "the host did not change" means for this module; default: the fixture directory's tree hash. */
  snapshot?: (f: Fixture) => string;
}

/** What each module's table covered; the meta-test reads it. */
export const tables = new Map<
  string,
  {
    changed: number;
    ok: number;
    invalid: number;
    failed: number;
    neverChanges?: string;
    neverSucceeds?: string;
  }
>();

export function fixture(vars: Record<string, unknown> = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'sdtd-mod-'));
  const host = makeHost({
    name: 'localhost',
    transport: new LocalTransport(),
    vars,
    searchDirs: [dir],
    render: (text, extra) => renderText(text, { ...vars, ...extra }),
  });
  const p = (rel: string) => join(dir, rel);
  return {
    dir,
    host,
    p,
    write(rel, content, mode) {
      mkdirSync(dirname(p(rel)), { recursive: true });
      writeFileSync(p(rel), content, mode === undefined ? undefined : { mode });
    },
    read: (rel) => readFileSync(p(rel), 'utf8'),
    exists: (rel) => existsSync(p(rel)),
    sh: (cmd) => execSync(cmd, { cwd: dir, encoding: 'utf8', shell: '/bin/sh' }),
  };
}

async function run(mod: Module, raw: unknown, f: Fixture, check: boolean): Promise<ModuleOutcome> {
  const args = prepareArgs(mod, structuredClone(raw), { where: `${mod.name} test` });
  return runModule(mod, args, f.host, { check });
}

export function testModule(mod: Module, table: ModuleTable): void {
  tables.set(mod.name, {
    changed: table.changed.length,
    ok: table.ok.length,
    invalid: table.invalid.length,
    failed: table.failed?.length ?? 0,
    neverChanges: table.neverChanges,
    neverSucceeds: table.neverSucceeds,
  });
  const snap = table.snapshot ?? ((f: Fixture) => hashTree(f.dir));
  describe(`module ${mod.name}`, function () {
    if (table.timeout) this.timeout(table.timeout);
    let f: Fixture | undefined;
    afterEach(async () => {
      if (!f) return;
      const done = f;
      f = undefined;
      await table.teardown?.(done);
      rmSync(done.dir, { recursive: true, force: true });
    });

    for (const c of table.changed) {
      it(`changes: ${c.name}`, async () => {
        f = fixture(c.vars);
        await c.setup?.(f);
        const before = snap(f);
        const predicted = await run(mod, c.args(f), f, true);
        expect(snap(f), 'check mode changed the host').to.equal(before);
        const idem = c.idempotent !== false;
        expect(predicted.status, `check mode prediction (${predicted.msg ?? ''})`).to.equal(
          idem ? 'changed' : predicted.status,
        );
        const out = await run(mod, c.args(f), f, false);
        expect(out.status, `first run (${out.msg ?? ''})`).to.equal('changed');
        await c.verify?.(f, out);
        if (idem) {
          const again = await run(mod, c.args(f), f, false);
          expect(again.status, `second run should change nothing, steps: ${again.steps.join('; ')}`).to.equal(
            'ok',
          );
        }
      });
    }
    for (const c of table.ok) {
      it(`no-op: ${c.name}`, async () => {
        f = fixture(c.vars);
        await c.setup?.(f);
        const before = snap(f);
        const predicted = await run(mod, c.args(f), f, true);
        expect(predicted.status, `check mode, steps: ${predicted.steps.join('; ')}`).to.equal('ok');
        const out = await run(mod, c.args(f), f, false);
        expect(out.status, `real run, steps: ${out.steps.join('; ')} ${out.msg ?? ''}`).to.equal('ok');
        expect(snap(f), 'a no-op run changed the host').to.equal(before);
        await c.verify?.(f, out);
      });
    }
    itRejects(mod, table.invalid);
    for (const c of table.failed ?? []) {
      it(`fails: ${c.name}`, async () => {
        f = fixture(c.vars);
        await c.setup?.(f);
        const out = await run(mod, c.args(f), f, false);
        expect(out.status).to.equal('failed');
        expect(out.msg).to.match(c.error);
      });
    }
  });
}

/** The invalid-arguments cases: refused with a positioned SdtdError before anything runs. */
export function itRejects(mod: Module, cases: InvalidCase[]): void {
  for (const c of cases) {
    it(`rejects: ${c.name}`, () => {
      let err: unknown;
      try {
        prepareArgs(mod, structuredClone(c.args), { where: `task > ${mod.name}` });
      } catch (e) {
        err = e;
      }
      expect(err, 'expected the arguments to be refused').to.be.instanceOf(SdtdError);
      expect((err as SdtdError).format()).to.match(c.error);
    });
  }
}
