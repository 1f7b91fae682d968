// The published playbook JSON Schema (docs/schema/) is current, valid, and accepts our playbooks and refuses typos.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { parseYaml } from '../../engine/load.js';
import { playbookSchema, playbookSchemaText } from '../../engine/schema-export.js';
import { ROOT } from '../lib/cli.js';

describe('published playbook schema', () => {
  const file = join(ROOT, 'docs', 'schema', 'playbook.schema.json');

  it('is up to date with the engine (regenerate: npm run schema)', () => {
    expect(readFileSync(file, 'utf8')).to.equal(playbookSchemaText());
  });

  const ajv = new Ajv({ strict: false, allErrors: true });
  const check = ajv.compile(playbookSchema());
  const load = (rel: string) => parseYaml(readFileSync(join(ROOT, rel), 'utf8'), rel);

  for (const rel of [
    'playbooks/examples/webapp.yml',
    'playbooks/site.yml',
    'playbooks/local-fleet.yml',
    'playbooks/provision.yml',
    'playbooks/teardown.yml',
    'playbooks/manager.yml',
    'roles/common/tasks/main.yml',
  ]) {
    it(`accepts ${rel}`, () => {
      expect(check(load(rel)), JSON.stringify(check.errors?.slice(0, 3))).to.equal(true);
    });
  }

  it('refuses a misspelt module argument and an unquoted mode, and accepts templates anywhere', () => {
    expect(check([{ hosts: 'all', tasks: [{ file: { path: '/x', stat: 'directory' } }] }])).to.equal(false);
    expect(check([{ hosts: 'all', tasks: [{ file: { path: '/x', mode: 755 } }] }])).to.equal(false);
    expect(
      check([{ hosts: 'all', tasks: [{ file: { path: '/x', mode: '{{ m }}', state: '{{ s }}' } }] }]),
    ).to.equal(true);
    expect(check([{ hosts: 'all', tasks: [{ name: 'x', cpy: { dest: '/x' } }] }])).to.equal(false);
  });
});
