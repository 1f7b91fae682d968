// The module registry: every module the engine knows, sorted by name (a meta-test keeps it sorted, tested, documented).
import type { Module } from '../engine/module.js';
import apt from './apt.js';
import assert from './assert.js';
import blockinfile from './blockinfile.js';
import command from './command.js';
import copy from './copy.js';
import debug from './debug.js';
import ec2Instance from './ec2_instance.js';
import ec2InternetGateway from './ec2_internet_gateway.js';
import ec2Key from './ec2_key.js';
import ec2RouteTable from './ec2_route_table.js';
import ec2SecurityGroup from './ec2_security_group.js';
import ec2Subnet from './ec2_subnet.js';
import ec2Vol from './ec2_vol.js';
import ec2Vpc from './ec2_vpc.js';
import fail from './fail.js';
import file from './file.js';
import getUrl from './get_url.js';
import group from './group.js';
import hostsFile from './hosts_file.js';
import includeVars from './include_vars.js';
import lineinfile from './lineinfile.js';
import monit from './monit.js';
import nspawnInstance from './nspawn_instance.js';
import setFact from './set_fact.js';
import shell from './shell.js';
import stat from './stat.js';
import sysctl from './sysctl.js';
import systemd from './systemd.js';
import template from './template.js';
import unarchive from './unarchive.js';
import user from './user.js';
import waitFor from './wait_for.js';

export const modules: readonly Module[] = [
  apt,
  assert,
  blockinfile,
  command,
  copy,
  debug,
  ec2Instance,
  ec2InternetGateway,
  ec2Key,
  ec2RouteTable,
  ec2SecurityGroup,
  ec2Subnet,
  ec2Vol,
  ec2Vpc,
  fail,
  file,
  getUrl,
  group,
  hostsFile,
  includeVars,
  lineinfile,
  monit,
  nspawnInstance,
  setFact,
  shell,
  stat,
  sysctl,
  systemd,
  template,
  unarchive,
  user,
  waitFor,
] as Module[];

const byName = new Map(modules.map((m) => [m.name, m]));

/** Ansible's other names for the same modules. */
const OTHER_NAMES: Record<string, string> = {
  ec2_group: 'ec2_security_group',
  ec2_vpc_igw: 'ec2_internet_gateway',
  ec2_vpc_net: 'ec2_vpc',
  ec2_vpc_route_table: 'ec2_route_table',
  ec2_vpc_subnet: 'ec2_subnet',
  systemd_service: 'systemd',
};

/** A module by its YAML key; Ansible's collection prefixes (`ansible.builtin.copy`) are accepted too. */
export function findModule(key: string): Module | undefined {
  const short = key.replace(/^[a-z0-9_]+\.[a-z0-9_]+\./, '');
  return byName.get(short) ?? byName.get(OTHER_NAMES[short] ?? '');
}

export function moduleNames(): string[] {
  return modules.map((m) => m.name);
}
