// IPv4 CIDR blocks for the network modules: parsing, the n-th /24 of a VPC, containment, "the whole world".
import { TaskFailure } from '../../../engine/module.js';

/** The VPC block when none is given: private (RFC 1918), and unlikely to clash with an office network. */
export const DEFAULT_VPC_CIDR = '10.42.0.0/16';
/** The IPv4 default route, spelt once here so that no playbook has to write an address. */
export const DEFAULT_ROUTE = '0.0.0.0/0';

export interface Block {
  base: number;
  bits: number;
}

const ip = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
export const show = (b: Block) => `${ip(b.base)}/${b.bits}`;

/** A CIDR block, or undefined when S is not one (host bits must be zero, as EC2 wants them). */
export function parseCidr(s: string): Block | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s.trim());
  if (!m) return undefined;
  const o = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (o.some((x) => x > 255) || bits > 32) return undefined;
  const base = ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (base & mask) >>> 0 === base ? { base, bits } : undefined;
}

/** S as a block between /MIN and /MAX bits, or a TaskFailure naming ARG. */
export function cidrArg(s: string, arg: string, min = 0, max = 32): Block {
  const b = parseCidr(s);
  if (!b || b.bits < min || b.bits > max)
    throw new TaskFailure(
      `expected ${arg} an IPv4 block a.b.c.d/n with n from ${min} to ${max} and no host bits (got ${JSON.stringify(s)})`,
    );
  return b;
}

/** The INDEX-th block of BITS bits inside OUTER (Terraform's cidrsubnet): subnets derived from the VPC. */
export function nthBlock(outer: string, index: number, bits = 24): string {
  const o = cidrArg(outer, 'the VPC block', 0, bits);
  const count = 2 ** (bits - o.bits);
  if (index >= count)
    throw new TaskFailure(
      `expected cidr_index below ${count}, the number of /${bits} in ${outer} (got ${index})`,
    );
  return show({ base: (o.base + index * 2 ** (32 - bits)) >>> 0, bits });
}

export function inside(inner: string, outer: string): boolean {
  const i = parseCidr(inner);
  const o = parseCidr(outer);
  if (!i || !o || i.bits < o.bits) return false;
  const mask = o.bits === 0 ? 0 : (0xffffffff << (32 - o.bits)) >>> 0;
  return (i.base & mask) >>> 0 === o.base;
}

/** A source that lets anyone in: refused unless asked for, since nothing of ours is meant for the world. */
export const isWorld = (c: string) => c.trim() === '0.0.0.0/0' || c.trim() === '::/0';
