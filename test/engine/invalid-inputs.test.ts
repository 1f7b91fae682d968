// Every file under test/fixtures/invalid/ is bad input: exit 2, `file:line:col: where: expected X (got Y) [code]`, no stack trace.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cli, ROOT } from '../lib/cli.js';

const DIR = join(ROOT, 'test', 'fixtures', 'invalid');
/** Each fixture says where its error is and its code on its first line: `# expect: file:line:col [code]`. */
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => ({
    file: f,
    expect: /^# expect: (\S+:\d+:\d+) \[([a-z-]+)\]/.exec(readFileSync(join(DIR, f), 'utf8'))!,
  }))
  .filter((x) => x.expect);

describe('invalid inputs (test/fixtures/invalid/)', function () {
  this.timeout(30_000);

  it('has at least 30 of them', () => {
    expect(fixtures.length).to.be.at.least(30);
  });

  for (const {
    file,
    expect: [, where, code],
  } of fixtures) {
    it(`${file}: ${where} [${code}]`, async () => {
      // inventory-*.yml are inventories, given with a valid playbook; the others are playbooks
      const args = file.startsWith('inventory-') ? ['-i', file, 'valid.yml'] : ['-i', 'localhost,', file];
      const r = await cli(args, { cwd: DIR });
      expect(r.code, r.stdout + r.stderr).to.equal(2);
      const all = `${r.stderr}\n${r.stdout}`;
      const line = all.split('\n').find((l) => l.includes(`[${code}]`)) ?? '';
      const message = line.replace(/^ERROR: /, '').replace(/^fatal: \[[^\]]+\] => /, '');
      expect(message, all).to.match(new RegExp(`^${where.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(message).to.match(new RegExp(`\\[${code}\\]$`));
      expect(message, 'says what was expected and what it got').to.match(/expected .*\(got /);
      expect(all, 'no stack trace').to.not.match(/\n\s+at /);
    });
  }
});
