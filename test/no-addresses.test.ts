// Machines are named, never addressed: no IP address is written in a playbook, role, template or inventory file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { ROOT } from './lib/cli.js';

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?\b/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('no IP addresses in playbooks, roles, templates or inventories', () => {
  for (const top of ['playbooks', 'roles', 'inventory']) {
    it(`${top}/ names machines only`, () => {
      const found = files(join(ROOT, top)).flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(ROOT, f)}:${i + 1}` }))
          .filter(({ line }) => IPV4.test(line) && !/^\s*#/.test(line))
          .map(({ line, at }) => `${at}: ${line.trim()}`),
      );
      expect(
        found,
        'addresses come from the inventory (nspawn_instance, aws_ec2), never from files',
      ).to.deep.equal([]);
    });
  }
});
