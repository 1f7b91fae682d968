// `hosts_file`: /etc/hosts maps every inventory host (and its aliases) to its inventory address, in a marked block.
import { defineModule, type Plan, TaskFailure } from '../engine/module.js';
import { Enum, Obj, StrOrList, Type } from '../engine/schema.js';
import { editBlock } from './lib/block-edit.js';
import { planEdit } from './lib/edit.js';
import { blockText, dropStale, inventoryEntries } from './lib/hosts-entries.js';

const schema = Obj({
  path: Type.Optional(Type.String({ description: 'The hosts file (default /etc/hosts).' })),
  hosts: Type.Optional(
    StrOrList({
      description: 'Inventory hosts and groups whose names to map (default: every host, groups.all).',
    }),
  ),
  aliases: Type.Optional(
    Type.Record(Type.String(), StrOrList(), {
      description: 'More names per inventory host, e.g. { node1: [kafka1] }, added to its sdtd_host_aliases.',
    }),
  ),
  marker: Type.Optional(
    Type.String({
      description:
        "Marker line template; {mark} becomes BEGIN/END. Default '# {mark} SDTD-PLAY MANAGED HOSTS'.",
    }),
  ),
  state: Type.Optional(
    Enum(['present', 'absent'], { description: 'absent removes the block (default present).' }),
  ),
});

export default defineModule({
  name: 'hosts_file',
  schema,
  async plan(args, host): Promise<Plan> {
    const path = args.path ?? '/etc/hosts';
    const marker = args.marker ?? '# {mark} SDTD-PLAY MANAGED HOSTS';
    const begin = marker.replaceAll('{mark}', 'BEGIN');
    const end = marker.replaceAll('{mark}', 'END');
    // a marker that is not a comment would be read as a hosts line by the resolver
    if (!marker.includes('{mark}') || !/^#/.test(marker) || /[\r\n]/.test(marker))
      throw new TaskFailure(`expected marker to be one comment line holding {mark} (found '${marker}')`);
    const present = (args.state ?? 'present') === 'present';
    const entries = present ? inventoryEntries(host.vars, args.hosts, args.aliases) : [];
    const block = blockText(entries);
    const plan = await planEdit(host, {
      path,
      state: present ? 'present' : 'absent',
      create: true,
      // every user resolves names through this file: it must stay readable by all
      attrs: { mode: '0644', owner: 'root' },
      edit(before) {
        if (!present) return editBlock(before, { block: '', present: false, begin, end });
        const cleaned = dropStale(before, entries, begin, end);
        const edited = editBlock(cleaned.text, { block, present: true, begin, end });
        const msg = [edited.msg, cleaned.dropped.length && `dropped: ${cleaned.dropped.join('; ')}`];
        return { after: edited.after, msg: msg.filter(Boolean).join('; ') };
      },
    });
    const hosts = Object.fromEntries(entries.map((e) => [e.host, e.address]));
    return { ...plan, result: { ...plan.result, ...(present ? { hosts } : {}) } };
  },
});
