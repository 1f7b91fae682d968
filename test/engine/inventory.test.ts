// Inventory tests: YAML, INI, folders, host lists and plugins; variable precedence; patterns; --limit; CLI output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { connectionInfo } from '../../engine/connections.js';
import { SdtdError } from '../../engine/errors.js';
import {
  graph,
  hostInfo,
  type Inventory,
  list,
  loadInventory,
  registerInventoryPlugin,
  toJson,
  unregisterInventoryPlugin,
} from '../../engine/inventory/index.js';

const root = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  ...(import.meta.url.includes('/dist/') ? ['..'] : []),
);
const FIX = join(root, 'test', 'fixtures', 'inventory');
const load = (...sources: string[]) => loadInventory(sources, { cwd: FIX });

async function loadError(...sources: string[]): Promise<SdtdError> {
  try {
    await load(...sources);
  } catch (e) {
    expect(e).to.be.instanceOf(SdtdError);
    return e as SdtdError;
  }
  throw new Error(`expected loading ${sources.join(' ')} to fail`);
}

function thrown(f: () => unknown): SdtdError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(SdtdError);
    return e as SdtdError;
  }
  throw new Error('expected an error');
}

describe('inventory', () => {
  describe('YAML', () => {
    let inv: Inventory;
    before(async () => {
      inv = await load('yaml/hosts.yml');
    });

    it('reads hosts, ranges and ports, in inventory order', () => {
      expect(inv.hostNames()).to.deep.equal(['bastion', 'web1', 'web2', 'web3', 'web9', 'db1', 'db2']);
      expect(inv.hostVars('web9')).to.include({ ansible_port: 2222, http_port: 8080 });
    });

    it('gives the groups magic variable, all and ungrouped included', () => {
      expect(inv.groups()).to.deep.equal({
        all: ['bastion', 'web1', 'web2', 'web3', 'web9', 'db1', 'db2'],
        ungrouped: ['bastion'],
        web: ['web1', 'web2', 'web3', 'web9'],
        db: ['db1', 'db2'],
        prod: ['web1', 'web2', 'web3', 'web9', 'db1', 'db2'],
      });
    });

    it('gives group_names sorted, without all (ungrouped stays, as in Ansible)', () => {
      expect(inv.groupNames('web1')).to.deep.equal(['prod', 'web']);
      expect(inv.groupNames('bastion')).to.deep.equal(['ungrouped']);
    });

    it('merges all < parent group < child group < host', () => {
      expect(inv.hostVars('web1')).to.deep.equal({ level: 'web', from_all: 1, env: 'production' });
      expect(inv.hostVars('db1')).to.deep.equal({
        level: 'prod',
        from_all: 1,
        env: 'production',
        ansible_user: 'postgres',
      });
      expect(inv.hostVars('bastion')).to.deep.equal({ level: 'all', from_all: 1, ansible_host: '10.0.0.1' });
    });

    it('orders groups of the same depth by ansible_group_priority, then name', async () => {
      const p = await load('yaml/priority.yml');
      expect(p.hostVars('h1')).to.deep.equal({ v: 'alpha', w: 'gamma' });
    });

    it('accepts null hosts, null groups and single-name sections', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'inv-'));
      try {
        writeFileSync(join(dir, 'i.yml'), 'web:\n  hosts: web1\nempty:\ndb:\n  hosts:\n    db1:\n  vars:\n');
        const i = await loadInventory(['i.yml'], { cwd: dir });
        expect(i.groups()).to.include.keys('web', 'empty', 'db');
        expect(i.groups().web).to.deep.equal(['web1']);
        expect(i.groups().empty).to.deep.equal([]);
      } finally {
        rmSync(dir, { recursive: true });
      }
    });
  });

  describe('INI', () => {
    let inv: Inventory;
    before(async () => {
      inv = await load('ini/hosts.ini');
    });

    it('reads sections, ranges (zero-padded too), ports and forward references', () => {
      expect(inv.groups().kafka).to.deep.equal(['kafka1', 'kafka2', 'kafka3', 'kafka9']);
      expect(inv.groups().zk).to.deep.equal(['zk01', 'zk02', 'zk03']);
      expect(inv.groups().ungrouped).to.deep.equal(['jump']);
      expect(inv.groupMap.get('smack')!.children).to.deep.equal(['kafka', 'zk', 'spark']);
      expect(inv.groups().smack).to.deep.equal([...inv.groups().kafka, ...inv.groups().zk, 'spark-master']);
    });

    it('reads values like Ansible: Python literals, quotes, 0644 stays a string', () => {
      expect(inv.hostVars('kafka9')).to.deep.equal({
        stack: 'smack',
        ansible_port: 2201,
        broker_rack: 'rack 9',
        heap: '1g',
      });
      expect(inv.hostVars('zk01')).to.deep.equal({
        stack: 'smack',
        zk_port: 2181,
        mode: '0644',
        flag: true,
        tags: ['a', 'b'],
        note: 'hello world # part of the value, as in Ansible',
      });
      expect(inv.hostVars('jump')).to.deep.equal({ ansible_host: '192.0.2.10', ansible_user: 'admin' });
    });

    it('refuses [g:vars] and [g:children] naming groups never declared, with the line', async () => {
      const a = await loadError('errors/vars-undefined.ini');
      expect(a.format()).to.match(/^errors\/vars-undefined\.ini:4:1: \[db:vars\]: expected a section \[db\]/);
      const b = await loadError('errors/child-undefined.ini');
      expect(b.format()).to.match(
        /^errors\/child-undefined\.ini:2:1: \[web:children\]: .*"nosuch" never declared/,
      );
    });
  });

  describe('folders and vars files', () => {
    let inv: Inventory;
    before(async () => {
      inv = await load('dir');
    });

    it('reads every inventory file, sub-folders too, skipping *.md, hidden files and backups', () => {
      expect(inv.hostNames().sort()).to.deep.equal(['batch1', 'db1', 'redis1', 'web1', 'web2', 'web3']);
      expect(inv.groups().web).to.deep.equal(['web1', 'web2', 'web3']);
    });

    it('applies group_vars/ files and folders (lexical order) and host_vars/ (.yml, .json, no extension)', () => {
      expect(inv.hostVars('web1')).to.deep.equal({ level: 'hv-web1', common: true, x: 'b' });
      expect(inv.hostVars('web2')).to.deep.equal({ level: 'gv-web', common: true, x: 'b' });
      expect(inv.hostVars('db1')).to.deep.equal({ level: 'hv-db1', common: true });
      expect(inv.hostVars('redis1')).to.deep.equal({ level: 'gv-all', common: true });
    });

    it('lets playbook-adjacent group_vars/host_vars win over inventory-adjacent ones', async () => {
      const i = await load('dir');
      i.addVarsDir(join(FIX, 'playbook'));
      expect(i.hostVars('web1')).to.deep.equal({ level: 'hv-web1', common: true, x: 'pb-web', pb_all: 1 });
      expect(i.hostVars('web2')).to.deep.equal({ level: 'pb-web2', common: true, x: 'pb-web', pb_all: 1 });
      // group_vars/all of the playbook beats group_vars/all of the inventory, but not group_vars/GROUP
      expect(i.hostVars('web3')).to.deep.equal({ level: 'gv-web', common: true, x: 'pb-web', pb_all: 1 });
      expect(i.hostVars('redis1')).to.deep.equal({ level: 'pb-all', common: true, pb_all: 1 });
    });

    it('sets inventory_file and inventory_dir among the magic variables', () => {
      expect(inv.magicVars('web3')).to.deep.equal({
        inventory_hostname: 'web3',
        inventory_hostname_short: 'web3',
        group_names: ['web'],
        inventory_file: join(FIX, 'dir', '02-extra.ini'),
        inventory_dir: join(FIX, 'dir'),
      });
    });
  });

  describe('host lists and several sources', () => {
    it('reads "a,b:port," into ungrouped', async () => {
      const inv = await load('node1,node2:2200,');
      expect(inv.groups()).to.deep.equal({ all: ['node1', 'node2'], ungrouped: ['node1', 'node2'] });
      expect(inv.hostVars('node2')).to.deep.equal({ ansible_port: 2200 });
    });

    it('merges sources in order; a host named again keeps its place and gains groups', async () => {
      const inv = await load('yaml/hosts.yml', 'ini/hosts.ini', 'web1,extra1');
      expect(inv.hostNames()).to.include.members(['web1', 'kafka1', 'extra1']);
      expect(inv.groupNames('web1')).to.deep.equal(['prod', 'web']);
      // bastion (under all: hosts:) joins ungrouped when loading ends, after those put there directly: as Ansible
      expect(inv.groups().ungrouped).to.deep.equal(['jump', 'extra1', 'bastion']);
      expect(inv.groups().all.slice(0, 3)).to.deep.equal(['bastion', 'jump', 'extra1']);
    });
  });

  describe('plugins', () => {
    before(() => {
      registerInventoryPlugin('test_fleet', async (config, ctx) => {
        const n = Number(config.count);
        const hosts = Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`vm${i + 1}`, { ansible_host: `10.1.0.${i + 1}` }]),
        );
        return {
          hosts,
          groups: {
            [String(config.group)]: { hosts: Object.keys(hosts), vars: { from: ctx.file } },
            fleet_all: { children: [String(config.group)] },
          },
        };
      });
    });
    after(() => unregisterInventoryPlugin('test_fleet'));

    it('hands a `plugin:` config to the registered plugin', async () => {
      const inv = await load('plugin/fleet.yml');
      expect(inv.groups().fleet).to.deep.equal(['vm1', 'vm2', 'vm3']);
      expect(inv.groups().fleet_all).to.deep.equal(['vm1', 'vm2', 'vm3']);
      expect(inv.hostVars('vm2')).to.deep.equal({ from: 'plugin/fleet.yml', ansible_host: '10.1.0.2' });
    });

    it('finds a plugin by the last part of a collection name', async () => {
      const inv = await load('plugin/fqcn.yml');
      expect(inv.groups().one).to.deep.equal(['vm1']);
    });

    it('refuses an unknown plugin, listing the known ones', async () => {
      const e = await loadError('plugin/unknown.yml');
      expect(e.code).to.equal('inventory');
      expect(e.format()).to.match(
        /^plugin\/unknown\.yml:1:9: plugin: expected one of the inventory plugins .*test_fleet/,
      );
      expect(e.message).to.contain('did you mean "test_fleet"?');
    });
  });

  describe('errors', () => {
    it('reports a group that is its own ancestor, with its position (YAML and INI)', async () => {
      const y = await loadError('errors/cycle.yml');
      expect(y.code).to.equal('inventory');
      expect(y.format()).to.equal(
        'errors/cycle.yml:5:9: inventory group "a" > children: expected groups not to contain themselves ' +
          '(got group "b" inside itself: b > a > b) [inventory]',
      );
      const i = await loadError('errors/cycle.ini');
      expect(i.format()).to.match(
        /^errors\/cycle\.ini:5:1: \[b:children\]: .*group "a" inside itself: a > b > a/,
      );
    });

    it('reports a wrong shape with the schema, positioned', async () => {
      const e = await loadError('errors/typo.yml');
      expect(e.code).to.equal('schema');
      expect(e.format()).to.match(
        /^errors\/typo\.yml:4:7: inventory group "web" > hots: .*did you mean "hosts"/,
      );
      const l = await loadError('errors/hosts-list.yml');
      expect(l.format()).to.match(
        /^errors\/hosts-list\.yml:3:5: inventory group "web" > hosts: expected a mapping/,
      );
    });

    it('reports bad YAML from the loader and a missing source', async () => {
      const e = await loadError('errors/syntax.yml');
      expect(e.code).to.equal('yaml-syntax');
      expect(e.pos?.file).to.equal('errors/syntax.yml');
      const m = await loadError('nosuch.yml');
      expect(m.code).to.equal('missing-file');
      expect(m.message).to.contain('"nosuch.yml"');
    });

    it('reports a bad host range', async () => {
      const e = await loadError('web[3:1],');
      expect(e.code).to.equal('inventory');
      expect(e.message).to.contain('begin comes after end');
    });
  });

  describe('host patterns', () => {
    let inv: Inventory;
    before(async () => {
      inv = await load('yaml/hosts.yml', 'ini/hosts.ini');
    });
    const sel = (p: string | string[]) => inv.select(p);

    it('all, *, a group, a host', () => {
      expect(sel('all')).to.deep.equal(inv.hostNames());
      expect(sel('*')).to.deep.equal(inv.hostNames());
      expect(sel('db')).to.deep.equal(['db1', 'db2']);
      expect(sel('web9')).to.deep.equal(['web9']);
    });

    it('globs and ~regex', () => {
      expect(sel('kafka*')).to.deep.equal(['kafka1', 'kafka2', 'kafka3', 'kafka9']);
      expect(sel('zk0?')).to.deep.equal(['zk01', 'zk02', 'zk03']);
      expect(sel('web[12]*')).to.deep.equal(['web1', 'web2']);
      expect(sel('kafka[!9]')).to.deep.equal(['kafka1', 'kafka2', 'kafka3']);
      expect(sel('~(web|db)[0-9]$')).to.deep.equal(['web1', 'web2', 'web3', 'web9', 'db1', 'db2']);
      expect(sel('~zk0[12]')).to.deep.equal(['zk01', 'zk02']);
    });

    it('unions (: and ,), intersections, exclusions, in inventory order', () => {
      expect(sel('db:web')).to.deep.equal(['db1', 'db2', 'web1', 'web2', 'web3', 'web9']);
      expect(sel('db,bastion')).to.deep.equal(['db1', 'db2', 'bastion']);
      expect(sel(['db', 'bastion'])).to.deep.equal(['db1', 'db2', 'bastion']);
      expect(sel('prod:&web')).to.deep.equal(['web1', 'web2', 'web3', 'web9']);
      expect(sel('prod:!web')).to.deep.equal(['db1', 'db2']);
      expect(sel('!smack:!prod')).to.deep.equal(['bastion', 'jump']);
      expect(sel('smack:&kafka*:!kafka9')).to.deep.equal(['kafka1', 'kafka2', 'kafka3']);
    });

    it('index and inclusive slices', () => {
      expect(sel('web[0]')).to.deep.equal(['web1']);
      expect(sel('web[-1]')).to.deep.equal(['web9']);
      expect(sel('web[1:2]')).to.deep.equal(['web2', 'web3']);
      expect(sel('web[2:]')).to.deep.equal(['web3', 'web9']);
      // a number in brackets is an index, as in Ansible: kafka has 4 hosts
      expect(thrown(() => sel('kafka[12]')).code).to.equal('host-pattern');
      const e = thrown(() => sel('web[7]'));
      expect(e.code).to.equal('host-pattern');
      expect(e.message).to.contain('no host at index 7');
    });

    it('warns about a part that matches nothing and returns no hosts', () => {
      const warnings: string[] = [];
      expect(inv.select('nosuch', { warn: (w) => warnings.push(w) })).to.deep.equal([]);
      expect(inv.select('web1:nosuch2', { warn: (w) => warnings.push(w) })).to.deep.equal(['web1']);
      expect(warnings).to.deep.equal([
        'Could not match supplied host pattern, ignoring: nosuch',
        'Could not match supplied host pattern, ignoring: nosuch2',
      ]);
    });

    it('reports pattern syntax errors with code host-pattern', () => {
      const e = thrown(() =>
        inv.select('~web(', { pos: { file: 'site.yml', line: 2, col: 10 }, where: 'play "x" > hosts' }),
      );
      expect(e.code).to.equal('host-pattern');
      expect(e.format()).to.match(
        /^site\.yml:2:10: play "x" > hosts: expected a regular expression after "~"/,
      );
      expect(thrown(() => inv.select('')).code).to.equal('host-pattern');
      expect(thrown(() => inv.select('web:!')).code).to.equal('host-pattern');
    });
  });

  describe('--limit', () => {
    it('restricts select(), and reads @file patterns', async () => {
      const inv = await load('yaml/hosts.yml');
      expect([...inv.limit('web:!web9')]).to.deep.equal(['web1', 'web2', 'web3']);
      expect(inv.select('prod')).to.deep.equal(['web1', 'web2', 'web3']);
      expect(inv.select('prod', { ignoreLimit: true })).to.have.length(6);
      expect([...inv.limit('@limit.txt')]).to.deep.equal(['web1', 'db1', 'db2']);
      expect(inv.select('all')).to.deep.equal(['web1', 'db1', 'db2']);
      inv.limit(undefined);
      expect(inv.select('all')).to.have.length(7);
    });

    it('is an error when it matches nothing, as in Ansible', async () => {
      const inv = await load('yaml/hosts.yml');
      const e = thrown(() => inv.limit('nosuch*'));
      expect(e.code).to.equal('host-pattern');
      expect(e.format()).to.equal(
        '--limit "nosuch*": expected a limit matching at least one host ' +
          '(got none: specified hosts and/or --limit does not match any hosts) [host-pattern]',
      );
      expect(thrown(() => inv.limit('@nosuch.txt')).code).to.equal('missing-file');
    });
  });

  describe('implicit localhost', () => {
    it('exists when named, with a local connection, in no group and not in all', async () => {
      const inv = await load('dir');
      expect(inv.select('localhost')).to.deep.equal(['localhost']);
      expect(inv.hostNames()).to.not.include('localhost');
      expect(inv.groups().all).to.not.include('localhost');
      expect(inv.select('all')).to.not.include('localhost');
      expect(inv.groupNames('localhost')).to.deep.equal([]);
      // like Ansible, it still gets the variables of group_vars/all
      expect(inv.hostVars('localhost')).to.deep.equal({
        level: 'gv-all',
        common: true,
        ansible_connection: 'local',
      });
      expect(inv.connection('localhost')).to.deep.equal({
        name: 'localhost',
        address: 'localhost',
        connection: 'local',
      });
    });

    it('is the inventory host when the inventory has one', async () => {
      const inv = await load('localhost,web1');
      expect(inv.select('all')).to.deep.equal(['localhost', 'web1']);
      expect(inv.connection('localhost').connection).to.equal('ssh');
    });
  });

  describe('connection()', () => {
    it('reads ansible_ and sdtd_ variables; sdtd_ wins', async () => {
      const inv = await load('yaml/hosts.yml');
      expect(inv.connection('db1')).to.deep.equal({
        name: 'db1',
        address: 'db1',
        connection: 'ssh',
        user: 'postgres',
      });
      expect(inv.connection('web9').port).to.equal(2222);
      const vars = {
        ansible_host: '10.0.0.5',
        sdtd_host: '10.9.9.9',
        ansible_user: 'debian',
        ansible_port: '2200',
        sdtd_connection: 'local',
        ansible_ssh_private_key_file: '~/.ssh/id',
        ansible_ssh_common_args: '-o StrictHostKeyChecking=no',
        sdtd_jump_host: 'bastion',
      };
      expect(inv.connection('web1', vars)).to.deep.equal({
        name: 'web1',
        address: '10.9.9.9',
        user: 'debian',
        port: 2200,
        connection: 'local',
        privateKeyFile: '~/.ssh/id',
        sshCommonArgs: '-o StrictHostKeyChecking=no',
        jumpHost: 'bastion',
      });
    });

    it('-u and --private-key are used only where no inventory variable (of any spelling) says otherwise', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'inv-'));
      try {
        writeFileSync(
          join(dir, 'i.ini'),
          'a\nb ansible_user=inv\nc ansible_ssh_user=old ansible_private_key_file=/k/inv\n',
        );
        const inv = await loadInventory(['i.ini'], { cwd: dir });
        inv.setConnectionDefaults({ ansible_ssh_user: 'cli', ansible_private_key_file: '/k/cli' });
        const conn = (h: string) => connectionInfo(h, inv.hostVars(h));
        expect([conn('a').user, conn('a').privateKeyFile]).to.deep.equal(['cli', '/k/cli']);
        expect(conn('b').user).to.equal('inv');
        expect([conn('c').user, conn('c').privateKeyFile]).to.deep.equal(['old', '/k/inv']);
      } finally {
        rmSync(dir, { recursive: true });
      }
    });

    it("the engine's connection: the play's connection wins; localhost is local; smart is ssh; ProxyJump is a jump host", () => {
      expect(connectionInfo('localhost', {}).connection).to.equal('local');
      expect(connectionInfo('localhost', { ansible_connection: 'ssh' }).connection).to.equal('ssh');
      expect(connectionInfo('web1', { ansible_connection: 'smart' }).connection).to.equal('ssh');
      expect(connectionInfo('web1', { ansible_connection: 'ssh' }, 'local').connection).to.equal('local');
      const j = connectionInfo('web1', { ansible_ssh_common_args: '-o ProxyJump=admin@manager' });
      expect(j.jumpHost).to.equal('-o ProxyJump=admin@manager');
      expect(() => connectionInfo('web1', { ansible_port: 'x' })).to.throw(
        'expected a port number between 1 and 65535 (got string "x")',
      );
    });

    it('reports a bad port where it was set', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'inv-'));
      try {
        writeFileSync(join(dir, 'i.ini'), '[web]\nweb1 ansible_port=abc\n');
        const inv = await loadInventory(['i.ini'], { cwd: dir });
        const e = thrown(() => inv.connection('web1'));
        expect(e.format()).to.equal(
          'i.ini:2:1: host "web1" > ansible_port: expected a port number between 1 and 65535 (got string "abc") [inventory]',
        );
      } finally {
        rmSync(dir, { recursive: true });
      }
    });
  });

  describe('CLI output', () => {
    let inv: Inventory;
    before(async () => {
      inv = await load('yaml/hosts.yml');
    });

    it('graph() prints ansible-inventory --graph', () => {
      expect(graph(inv)).to.equal(
        [
          '@all:',
          '  |--@ungrouped:',
          '  |  |--bastion',
          '  |--@web:',
          '  |  |--web1',
          '  |  |--web2',
          '  |  |--web3',
          '  |  |--web9',
          '  |--@db:',
          '  |  |--db1',
          '  |  |--db2',
          '  |--@prod:',
          '  |  |--@web:',
          '  |  |  |--web1',
          '  |  |  |--web2',
          '  |  |  |--web3',
          '  |  |  |--web9',
          '  |  |--@db:',
          '  |  |  |--db1',
          '  |  |  |--db2',
        ].join('\n'),
      );
      expect(graph(inv, 'db')).to.equal('@db:\n  |--db1\n  |--db2');
      expect(thrown(() => graph(inv, 'nosuch')).code).to.equal('inventory');
    });

    it('list() gives ansible-inventory --list, empty keys and groups left out', async () => {
      const out = list(inv);
      expect(out).to.deep.include({
        all: { children: ['ungrouped', 'web', 'db', 'prod'] },
        ungrouped: { hosts: ['bastion'] },
        web: { hosts: ['web1', 'web2', 'web3', 'web9'] },
        db: { hosts: ['db1', 'db2'] },
        prod: { children: ['web', 'db'] },
      });
      const meta = out._meta as { hostvars: Record<string, unknown> };
      expect(meta.hostvars.web1).to.deep.equal({ level: 'web', from_all: 1, env: 'production' });
      const empty = list(await load('a,b'));
      expect(empty).to.deep.equal({
        all: { children: ['ungrouped'] },
        ungrouped: { hosts: ['a', 'b'] },
        _meta: { hostvars: {} },
      });
      const exported = list(inv, { export: true });
      expect(exported.prod).to.deep.equal({
        children: ['web', 'db'],
        vars: { level: 'prod', env: 'production' },
      });
      expect((exported._meta as any).hostvars.web9).to.deep.equal({ ansible_port: 2222, http_port: 8080 });
    });

    it('hostInfo() gives --host NAME; toJson() sorts keys with a 4-space indent', () => {
      expect(hostInfo(inv, 'db1')).to.deep.equal({
        level: 'prod',
        from_all: 1,
        env: 'production',
        ansible_user: 'postgres',
      });
      expect(toJson(hostInfo(inv, 'bastion'))).to.equal(
        '{\n    "ansible_host": "10.0.0.1",\n    "from_all": 1,\n    "level": "all"\n}',
      );
      expect(thrown(() => hostInfo(inv, 'nosuch')).format()).to.equal(
        '--host: expected a host of the inventory (got unknown host "nosuch") [inventory]',
      );
    });
  });
});
