// Inventory plugins: a YAML file whose top level has `plugin: NAME` is handed to the plugin registered as NAME.
import { SdtdError } from '../errors.js';
import { posOf } from '../load.js';
import { Type } from '../schema.js';
import { nearest, validate } from '../validate.js';
import type { InventoryData, Vars } from './model.js';

export interface InventoryPluginContext {
  /** The config file as messages show it, its absolute path and its folder (relative paths in it start there). */
  file: string;
  path: string;
  dir: string;
  /** For messages about the config: `inventory plugin "NAME"`. Validate with `validate(schema, config, { where, root: config })`. */
  where: string;
}

/** What a plugin returns: hosts (name → variables, in order) and groups (hosts, children, vars); groups default to none. */
export interface InventoryPluginResult {
  hosts: Record<string, Vars | null> | { name: string; vars?: Vars }[];
  groups?: Record<string, { hosts?: string[]; children?: string[]; vars?: Vars } | null>;
}

export type InventoryPlugin = (
  config: Vars,
  ctx: InventoryPluginContext,
) => InventoryPluginResult | Promise<InventoryPluginResult>;

const registry = new Map<string, InventoryPlugin>();

/** Register a plugin under NAME (`plugin: NAME`, or an FQCN ending in `.NAME` such as amazon.aws.aws_ec2). */
export function registerInventoryPlugin(name: string, plugin: InventoryPlugin): void {
  registry.set(name, plugin);
}

export function unregisterInventoryPlugin(name: string): boolean {
  return registry.delete(name);
}

export function inventoryPluginNames(): string[] {
  return [...registry.keys()].sort();
}

/** The plugin a `plugin:` value names: exactly, or by the last part of a dotted collection name. */
export function findInventoryPlugin(name: string): InventoryPlugin | undefined {
  return registry.get(name) ?? registry.get(name.split('.').at(-1) ?? name);
}

const StrList = Type.Unsafe<string[]>({ type: 'array', items: { type: 'string' } });
const ResultSchema = Type.Object({
  hosts: Type.Unsafe({
    anyOf: [
      { type: 'object', additionalProperties: { type: ['object', 'null'] } },
      {
        type: 'array',
        items: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string' }, vars: { type: 'object' } },
        },
      },
    ],
    expected: 'a mapping of host names to variables, or a list of {name, vars}',
  }),
  groups: Type.Optional(
    Type.Record(
      Type.String(),
      Type.Union([
        Type.Null(),
        Type.Object(
          {
            hosts: Type.Optional(StrList),
            children: Type.Optional(StrList),
            vars: Type.Optional(Type.Unsafe<Vars>({ type: 'object' })),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
  ),
});

/** Run the plugin CONFIG names and add what it returns to INV. */
export async function runInventoryPlugin(
  inv: InventoryData,
  config: Vars,
  ctx: InventoryPluginContext,
): Promise<void> {
  const configPos = posOf(config, 'plugin') ?? { file: ctx.file, line: 1, col: 1 };
  const name = config.plugin;
  if (typeof name !== 'string' || !name) {
    throw new SdtdError('schema', `expected the name of an inventory plugin (got ${JSON.stringify(name)})`, {
      pos: configPos,
      where: 'plugin',
    });
  }
  const plugin = findInventoryPlugin(name);
  const where = `inventory plugin "${name}"`;
  if (!plugin) {
    const known = inventoryPluginNames();
    const hint = nearest(name, known);
    throw new SdtdError(
      'inventory',
      `expected one of the inventory plugins ${known.join(', ') || '(none registered)'} (got unknown plugin "${name}"${hint ? `; did you mean "${hint}"?` : ''})`,
      { pos: configPos, where: 'plugin' },
    );
  }
  let result: InventoryPluginResult;
  try {
    result = await plugin(config, { ...ctx, where });
  } catch (e) {
    if (e instanceof SdtdError) throw e.at(configPos, where);
    throw new SdtdError(
      'inventory',
      `expected the plugin to load the inventory (got an error: ${(e as Error).message})`,
      {
        pos: configPos,
        where,
      },
    );
  }
  validate(ResultSchema, result, { where: `${where} result`, pos: configPos });
  const hosts = Array.isArray(result.hosts)
    ? result.hosts.map((h) => [h.name, h.vars ?? null] as const)
    : Object.entries(result.hosts);
  for (const [h, vars] of hosts) {
    inv.addHost(h, undefined, { pos: configPos, file: ctx.path });
    for (const [k, v] of Object.entries(vars ?? {})) inv.setHostVar(h, k, v, configPos);
  }
  for (const [g, def] of Object.entries(result.groups ?? {})) {
    inv.addGroup(g, configPos);
    for (const [k, v] of Object.entries(def?.vars ?? {})) inv.setGroupVar(g, k, v, configPos);
    for (const h of def?.hosts ?? []) inv.addHost(h, g, { pos: configPos, file: ctx.path });
    for (const c of def?.children ?? []) inv.addChild(g, c, configPos, `${where} > groups > ${g}`);
  }
}
