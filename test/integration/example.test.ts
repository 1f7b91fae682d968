// Molecule-style test of playbooks/examples/webapp.yml on the manager (local transport, a temporary root):
// check on a fresh target predicts exactly what converge changes and changes nothing; converge twice is idempotent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { cli, recap, tasksWith } from '../lib/cli.js';
import { hashTree } from '../lib/tree.js';

const PLAYBOOK = 'playbooks/examples/webapp.yml';

describe('example playbook (roles, loops, handlers, tags, when, register, block/rescue, templates)', function () {
  this.timeout(120_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sdtd-webapp-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  let predicted: string[];
  let converged: string[];

  it('--check on a fresh target changes nothing, byte for byte', async () => {
    const before = hashTree(root);
    const r = await cli([PLAYBOOK, '-i', 'localhost,', '-e', `root=${root}`, '--check', '--diff', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    expect(hashTree(root)).to.equal(before);
    predicted = tasksWith(r.events, 'changed');
    expect(predicted.length).to.be.greaterThan(5);
  });

  it('converge: the first run changes, and the failing task is rescued', async () => {
    const r = await cli([PLAYBOOK, '-i', 'localhost,', '-e', `root=${root}`, '--json']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    converged = tasksWith(r.events, 'changed');
    const stats = recap(r.events).localhost ?? {};
    expect(stats.changed).to.be.greaterThan(5);
    expect(stats.rescued).to.equal(1);
    expect(stats.failed).to.equal(0);
    expect(tasksWith(r.events, 'failed')).to.deep.equal(['localhost: Require the flag file']);
  });

  it('--check predicted exactly the tasks that converge changed', () => {
    expect([...predicted].sort()).to.deep.equal([...converged].sort());
  });

  it('converge again: changed=0', async () => {
    const r = await cli([PLAYBOOK, '-i', 'localhost,', '-e', `root=${root}`, '--json']);
    expect(r.code).to.equal(0);
    expect(tasksWith(r.events, 'changed'), 'tasks that changed on the second run').to.deep.equal([]);
    expect(recap(r.events).localhost?.changed).to.equal(0);
  });

  it('verify: files, template values, role dependency params, loop with when, handler', () => {
    const conf = readFileSync(join(root, 'etc/webapp/app.conf'), 'utf8');
    expect(conf).to.include('port = 8080'); // role param beats role default
    expect(conf).to.include('backend.api = localhost:9000');
    expect(conf).to.not.include('search');
    expect(readFileSync(join(root, 'etc/webapp/backend-api.conf'), 'utf8')).to.equal(
      'upstream api localhost:9000\n',
    );
    expect(() => readFileSync(join(root, 'etc/webapp/backend-search.conf'))).to.throw();
    expect(readFileSync(join(root, 'var/lib/webapp/restarted'), 'utf8')).to.equal(
      'restarted with 4 workers on port 8080\n',
    );
    expect(readFileSync(join(root, 'etc/webapp/flags.yml'), 'utf8')).to.include('new_ui: false');
    expect(readFileSync(join(root, 'etc/webapp/origins'), 'utf8')).to.match(
      /# BEGIN ANSIBLE MANAGED BLOCK\nallow webapp.local\n/,
    );
  });

  it('--tags selects the tagged tasks of a role only', async () => {
    const r = await cli([PLAYBOOK, '-i', 'localhost,', '-e', `root=${root}`, '--tags', 'dirs', '--json']);
    expect(r.code).to.equal(0);
    const ran = r.events.filter((e) => e.type === 'task_start').map((e) => e.name);
    expect(ran).to.deep.equal(['Gathering Facts', 'Base directories']);
  });
});
