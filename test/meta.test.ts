// Meta-test: every registered module is sorted, has a table test with all three kinds of cases, and a docs page.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { modules } from '../modules/index.js';
import { tables } from './lib/module-tester.js';

const root = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  ...(import.meta.url.includes('/dist/') ? ['..'] : []),
);

describe('module registry', () => {
  it('is sorted by name, without duplicates', () => {
    const names = modules.map((m) => m.name);
    expect(names).to.deep.equal([...new Set(names)].sort());
  });

  it('lists every module file under modules/', () => {
    const files = readdirSync(join(root, 'modules'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    expect(modules.map((m) => m.name).sort()).to.deep.equal(files.sort());
  });

  for (const m of modules) {
    describe(m.name, () => {
      it('has a docs page docs/modules/NAME.md', () => {
        expect(
          existsSync(join(root, 'docs', 'modules', `${m.name}.md`)),
          `docs/modules/${m.name}.md`,
        ).to.equal(true);
      });
      it('has a table test with changed, no-op and invalid-argument cases', () => {
        const t = tables.get(m.name);
        expect(t, `test/modules/${m.name}.test.ts calling testModule()`).to.not.equal(undefined);
        if (!t?.neverChanges) expect(t!.changed, 'changed cases').to.be.greaterThan(0);
        if (t?.neverSucceeds) expect(t.failed, 'failing cases').to.be.greaterThan(0);
        else expect(t!.ok, 'no-op cases').to.be.greaterThan(0);
        expect(t!.invalid, 'invalid-argument cases').to.be.greaterThan(0);
      });
    });
  }
});
